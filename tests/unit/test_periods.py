"""Periods as the API writes them (shared/periods.py): ``2026``, ``2026-Q1``, ``2026-03``
parse and print back; years 1900-2999 only; a period's first and last day and its length
(leap years included); containment; year > quarter > month nesting (children, parent, the
enclosing chain); the same period a year earlier; the months from one period to another;
ordering (earlier start first, the longer period first at the same start); the elapsed share
of a period on a day; and bad input refused with the accepted forms named."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.periods import Grain, Period, months_between, supported_day

P = Period.parse


@pytest.mark.parametrize(
    ("text", "year", "grain", "index"),
    [
        ("2026", 2026, Grain.year, 1),
        ("2026-Q1", 2026, Grain.quarter, 1),
        ("2026-Q4", 2026, Grain.quarter, 4),
        ("2026-01", 2026, Grain.month, 1),
        ("2026-12", 2026, Grain.month, 12),
        (" 2026-03 ", 2026, Grain.month, 3),  # surrounding blanks are trimmed
        ("1900", 1900, Grain.year, 1),  # the first supported year
        ("2999-12", 2999, Grain.month, 12),  # the last supported month
    ],
)
def test_a_year_a_quarter_and_a_month_parse(text: str, year: int, grain: Grain, index: int) -> None:
    assert P(text) == Period(year, grain, index)


@pytest.mark.parametrize("text", ["2026", "2026-Q2", "2026-07", "1900-01", "2999-Q4"])
def test_a_period_prints_as_it_is_written(text: str) -> None:
    assert str(P(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-Q0",
        "2026-Q5",
        "2026-q1",  # the Q is upper case
        "2026-3",  # months have two digits
        "26-03",
        "2026/03",
        "2026-03-01",  # a day is not a period
        "1899",  # before the supported range
        "3000",  # after it
        "",
        "Q1-2026",
    ],
)
def test_anything_else_is_refused_naming_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a period \(2026, 2026-Q1 or 2026-03\)"):
        P(text)


def test_a_non_string_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a period"):
        P(2026)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "start", "end", "days"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), 365),
        ("2024", date(2024, 1, 1), date(2024, 12, 31), 366),  # a leap year
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), 31 + 28 + 31),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), 31 + 29 + 31),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30), 30 + 31 + 30),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), 31 + 31 + 30),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), 31 + 30 + 31),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), 28),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), 29),
        ("2100-02", date(2100, 2, 1), date(2100, 2, 28), 28),  # a century, not a leap year
        ("2000-02", date(2000, 2, 1), date(2000, 2, 29), 29),  # every 400 years it is
        ("2026-04", date(2026, 4, 1), date(2026, 4, 30), 30),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), 31),
    ],
)
def test_first_and_last_day_and_length(text: str, start: date, end: date, days: int) -> None:
    period = P(text)
    assert (period.start, period.end, period.days) == (start, end, days)


def test_a_period_contains_its_first_and_last_day_and_nothing_outside() -> None:
    q1 = P("2026-Q1")
    assert q1.contains(date(2026, 1, 1))
    assert q1.contains(date(2026, 2, 15))
    assert q1.contains(date(2026, 3, 31))
    assert not q1.contains(date(2025, 12, 31))
    assert not q1.contains(date(2026, 4, 1))
    assert P("2024-02").contains(date(2024, 2, 29))


def test_month_of_a_day() -> None:
    assert Period.month_of(date(2026, 2, 28)) == P("2026-02")
    assert Period.month_of(date(2026, 12, 31)) == P("2026-12")


def test_a_year_holds_four_quarters_and_a_quarter_three_months() -> None:
    assert [str(p) for p in P("2026").children()] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [str(p) for p in P("2026-Q1").children()] == ["2026-01", "2026-02", "2026-03"]
    assert [str(p) for p in P("2026-Q4").children()] == ["2026-10", "2026-11", "2026-12"]
    assert P("2026-05").children() == []


@pytest.mark.parametrize(
    ("month", "quarter"),
    [
        ("2026-01", "2026-Q1"),
        ("2026-03", "2026-Q1"),
        ("2026-04", "2026-Q2"),
        ("2026-12", "2026-Q4"),
    ],
)
def test_a_month_belongs_to_its_quarter(month: str, quarter: str) -> None:
    assert P(month).parent() == P(quarter)


def test_a_quarter_belongs_to_its_year_and_a_year_to_nothing() -> None:
    assert P("2026-Q3").parent() == P("2026")
    assert P("2026").parent() is None


def test_the_enclosing_chain_runs_finest_first() -> None:
    assert [str(p) for p in P("2026-11").enclosing()] == ["2026-11", "2026-Q4", "2026"]
    assert [str(p) for p in P("2026-Q2").enclosing()] == ["2026-Q2", "2026"]
    assert P("2026").enclosing() == [P("2026")]


def test_the_same_period_a_year_earlier() -> None:
    assert P("2026-Q3").previous_year() == P("2025-Q3")
    assert P("2026-01").previous_year() == P("2025-01")
    assert P("2026").previous_year() == P("2025")
    # February of a leap year a year earlier is a 28-day February.
    assert P("2024-02").previous_year().days == 28


def test_months_between_crosses_a_year_end_and_covers_whole_periods() -> None:
    assert [str(p) for p in months_between(P("2026-Q4"), P("2027-02"))] == [
        "2026-10",
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]
    assert len(months_between(P("2026"), P("2026"))) == 12
    assert months_between(P("2026-05"), P("2026-05")) == [P("2026-05")]
    assert months_between(P("2026-03"), P("2026-01")) == []  # the last before the first


def test_periods_sort_by_start_and_the_longer_first_at_the_same_start() -> None:
    given = [P(t) for t in ("2026-Q2", "2026", "2026-04", "2026-Q1", "2026-01", "2025-12")]
    assert [str(p) for p in sorted(given)] == [
        "2025-12",
        "2026",
        "2026-Q1",
        "2026-01",
        "2026-Q2",
        "2026-04",
    ]
    assert P("2026-03") < P("2026-04")
    assert P("2026-Q1") > P("2025")


def test_the_elapsed_share_counts_today_as_passed() -> None:
    april = P("2026-04")  # 30 days
    assert april.elapsed_share(date(2026, 3, 31)) == 0.0
    assert april.elapsed_share(date(2026, 4, 1)) == 1 / 30
    assert april.elapsed_share(date(2026, 4, 15)) == 0.5
    assert april.elapsed_share(date(2026, 4, 30)) == 1.0
    assert april.elapsed_share(date(2026, 6, 1)) == 1.0


def test_supported_days_run_from_1900_to_2999() -> None:
    assert supported_day(date(1900, 1, 1)) == date(1900, 1, 1)
    assert supported_day(date(2999, 12, 31)) == date(2999, 12, 31)
    with pytest.raises(
        ValueError, match=r"outside the supported range \(1900-01-01 to 2999-12-31\)"
    ):
        supported_day(date(1899, 12, 31))
    with pytest.raises(ValueError, match="outside the supported range"):
        supported_day(date(3000, 1, 1))


def test_in_a_model_a_period_is_read_from_text_and_written_as_text() -> None:
    adapter = TypeAdapter(Period)
    assert adapter.validate_python("2026-Q1") == P("2026-Q1")
    assert adapter.validate_python(P("2026-03")) == P("2026-03")
    assert adapter.dump_python(P("2026-Q1")) == "2026-Q1"
    assert adapter.dump_json(P("2026-03")) == b'"2026-03"'
    with pytest.raises(ValidationError, match="a period is a string"):
        adapter.validate_python(2026)
    with pytest.raises(ValidationError, match="is not a period"):
        adapter.validate_python("2026-13")
