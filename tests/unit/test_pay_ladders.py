"""The pay arithmetic, pinned exactly: the default ladder, step ladders, commission tiers on
the period's cumulative revenue, refunds at the rate that paid them, proration."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from incentives.service.calculator import (
    Figure,
    Ladder,
    Rating,
    deal_slices,
    money,
    plan_lines,
    reversal_slices,
)
from incentives.settings import default_ladder_spec
from shared.periods import Period

D = Decimal
DEFAULT = Ladder.from_spec(default_ladder_spec())


@pytest.mark.parametrize(
    ("attainment", "share"),
    [
        ("0.799", "0"),
        ("0.80", "0.50"),
        ("0.90", "0.75"),
        ("1.00", "1.00"),
        ("1.10", "1.25"),
        ("1.20", "1.50"),
        ("1.30", "1.75"),
        ("2.00", "2.00"),
        ("5.00", "2.00"),
    ],
)
def test_the_default_ladder(attainment: str, share: str) -> None:
    assert DEFAULT.share(D(attainment))[0] == D(share)


def test_ladder_tiers_say_what_paid() -> None:
    assert DEFAULT.share(D("0.799"))[1] == "below the floor of 80%: nothing"
    assert DEFAULT.share(D("1.1"))[1] == "100% to 120% (linear 100% to 150%)"
    assert DEFAULT.share(D("2"))[1] == "capped at 200%"
    assert DEFAULT.share(None) == (D(0), "no attainment yet (no target or no actuals)")


def test_a_step_ladder_holds_the_lower_point_until_the_next() -> None:
    ladder = Ladder.from_spec(
        {
            "interpolation": "step",
            "floor": "0.9",
            "points": [
                {"attainment": "0.9", "payout": "0.5"},
                {"attainment": "1.0", "payout": "1.0"},
                {"attainment": "1.1", "payout": "1.3"},
            ],
        }
    )
    assert [ladder.share(D(a))[0] for a in ("0.89", "0.9", "0.99", "1.0", "1.09", "1.5")] == [
        D(0),
        D("0.5"),
        D("0.5"),
        D("1.0"),
        D("1.0"),
        D("1.3"),
    ]


TIERS = [(D(0), D("0.02")), (D(100_000), D("0.03")), (D(200_000), D("0.05"))]


def test_commission_tiers_apply_to_the_period_total_not_per_deal() -> None:
    first = deal_slices(TIERS, D(0), D(80_000))
    second = deal_slices(TIERS, D(80_000), D(150_000))
    assert [s.commission for s in first] == [D(1600)]
    # 20,000 more at 2%, 100,000 at 3%, 30,000 at 5%.
    assert [(s.revenue, s.rate) for s in second] == [
        (D(20_000), D("0.02")),
        (D(100_000), D("0.03")),
        (D(30_000), D("0.05")),
    ]
    assert sum(s.commission for s in second) == D(400 + 3000 + 1500)


def test_a_refund_after_a_tier_crossing_reverses_at_the_original_rate() -> None:
    deal = deal_slices(TIERS, D(80_000), D(40_000))  # 20k at 2%, 20k at 3%
    assert sum(s.commission for s in deal) == D(1000)
    # A partial refund of 15,000 takes back the top of the deal: 15,000 at 3%.
    first = reversal_slices(deal, D(0), D(15_000))
    assert [(s.revenue, s.rate) for s in first] == [(D(15_000), D("0.03"))]
    # The next 10,000: 5,000 more at 3%, then 5,000 at 2%.
    second = reversal_slices(deal, D(15_000), D(10_000))
    assert [(s.revenue, s.rate) for s in second] == [(D(5000), D("0.03")), (D(5000), D("0.02"))]
    rest = reversal_slices(deal, D(25_000), D(15_000))
    assert [(s.revenue, s.rate) for s in rest] == [(D(15_000), D("0.02"))]
    reversed_total = sum(s.commission for s in first + second + rest)
    assert reversed_total == D(1000)  # exactly what was paid, never more
    assert reversal_slices(deal, D(40_000), D(1)) == []


def _plan(**terms: str) -> dict[str, object]:
    return {
        "id": "p1",
        "period": "2026-Q1",
        "currency": "CNY",
        "terms": [
            {
                "effective_from": "2026-01-01",
                "base_pay": "30000",
                "performance_pay": "9000",
                "target_bonus": "20000",
            },
            *([{"effective_from": "2026-03-01", **terms}] if terms else []),
        ],
        "bonus_kpis": [
            {"kpi": "revenue", "weight": "0.6", "ladder": default_ladder_spec()},
            {"kpi": "leads", "weight": "0.4", "ladder": default_ladder_spec()},
        ],
        "rating_multipliers": {"A": "1.2", "B": "1.0"},
    }


def test_plan_lines_for_a_full_quarter() -> None:
    lines = plan_lines(
        _plan(),
        hired_on=date(2025, 1, 1),
        left_on=None,
        figures={"revenue": Figure(D("1.1"), event_id="e1"), "leads": Figure(D("0.85"))},
        rating=Rating("A", D("88"), "r1", 1, "e2"),
        projected=False,
    )
    assert [(line.rule, line.amount) for line in lines] == [
        ("base_pay", D("30000.00")),
        ("performance_pay", D("10800.00")),
        ("kpi_bonus", D("15000.00")),  # 20000 x 0.6 x 125%
        ("kpi_bonus", D("5000.00")),  # 20000 x 0.4 x 62.5% (50% + 50% x 5/20)
    ]
    assert lines[2].inputs["events"] == ["e1"]
    assert lines[1].inputs["events"] == ["e2"]


def test_a_joiner_is_prorated_and_a_change_applies_from_its_date() -> None:
    # Q1 2026 has 90 days. Hired 2026-02-01: 28 days of February and 31 of March active.
    # From March 1 the target bonus is 30,000 instead of 20,000.
    lines = plan_lines(
        _plan(base_pay="30000", performance_pay="9000", target_bonus="30000"),
        hired_on=date(2026, 2, 1),
        left_on=None,
        figures={"revenue": Figure(D("1"))},
        rating=None,
        projected=False,
    )
    by_rule = {(line.rule, line.inputs.get("kpi")): line.amount for line in lines}
    assert by_rule[("base_pay", None)] == money(D(30000) * 59 / 90)  # 19666.67
    assert by_rule[("performance_pay", None)] == D("0.00")  # no closed review yet
    bonus = (D(20000) * 28 / 90 + D(30000) * 31 / 90) * D("0.6")
    assert by_rule[("kpi_bonus", "revenue")] == money(bonus) == D("9933.33")
    assert by_rule[("kpi_bonus", "leads")] == D("0.00")
    assert Period.parse("2026-Q1").days == 90
