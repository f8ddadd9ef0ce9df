"""Business-hours arithmetic on its own: Mon-Fri 09:00-18:00 in Asia/Shanghai unless a test
says otherwise; holidays, make-up weekend days, windows with a lunch break, time zones."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from collab.service.calendar import BusinessCalendar, CalendarError, hours_to_seconds

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


FRIDAY = date(2027, 3, 5)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY = (FRIDAY + timedelta(days=n) for n in (3, 4, 5, 6))
SATURDAY = FRIDAY + timedelta(days=1)


def test_friday_five_pm_plus_24_business_hours_is_wednesday_two_pm() -> None:
    calendar = BusinessCalendar()
    # Friday 1 h, Monday 9 h, Tuesday 9 h, Wednesday 5 h.
    assert calendar.add_hours(local(FRIDAY, 17), Decimal(24)) == local(WEDNESDAY, 14)
    assert calendar.hours_between(local(FRIDAY, 17), local(WEDNESDAY, 14)) == Decimal(24)


def test_a_monday_holiday_moves_the_due_time_a_day() -> None:
    calendar = BusinessCalendar(holidays=frozenset({MONDAY}))
    assert calendar.add_hours(local(FRIDAY, 17), Decimal(24)) == local(THURSDAY, 14)


def test_a_make_up_saturday_gives_the_holiday_back() -> None:
    calendar = BusinessCalendar(holidays=frozenset({MONDAY}), makeup_days=frozenset({SATURDAY}))
    assert calendar.add_hours(local(FRIDAY, 17), Decimal(24)) == local(WEDNESDAY, 14)
    assert calendar.hours_between(local(SATURDAY, 0), local(MONDAY, 23)) == Decimal(9)


def test_ending_at_the_close_gives_the_close_not_the_next_morning() -> None:
    calendar = BusinessCalendar()
    assert calendar.add_hours(local(FRIDAY, 9), Decimal(9)) == local(FRIDAY, 18)
    assert calendar.add_hours(local(FRIDAY, 18), Decimal("0.5")) == local(MONDAY, 9, 30)


def test_starting_outside_hours_starts_at_the_next_opening() -> None:
    calendar = BusinessCalendar()
    assert calendar.add_hours(local(SATURDAY, 11), Decimal(1)) == local(MONDAY, 10)
    assert calendar.add_hours(local(MONDAY, 6), Decimal(2)) == local(MONDAY, 11)
    assert calendar.hours_between(local(FRIDAY, 20), local(MONDAY, 8)) == Decimal(0)


def test_a_lunch_break_and_fractions_of_an_hour() -> None:
    week = {d: ((time(9), time(12)), (time(13), time(18))) for d in ("mon", "tue", "wed")}
    calendar = BusinessCalendar(week=week)
    assert calendar.add_hours(local(MONDAY, 11), Decimal("1.5")) == local(MONDAY, 13, 30)
    assert calendar.hours_between(local(MONDAY, 11, 45), local(MONDAY, 13, 15)) == Decimal("0.5")
    # Thursday and Friday do not work in this calendar: Wednesday's close, then Monday.
    assert calendar.add_hours(local(WEDNESDAY, 17), Decimal(2)) == local(
        MONDAY + timedelta(days=7), 10
    )


def test_add_and_between_agree_over_many_starts() -> None:
    calendar = BusinessCalendar(holidays=frozenset({TUESDAY}), makeup_days=frozenset({SATURDAY}))
    start = local(FRIDAY, 7, 13)
    for step in range(0, 60 * 24 * 4, 97):  # every 97 minutes over four days
        begin = start + timedelta(minutes=step)
        for hours in (Decimal("0.25"), Decimal(3), Decimal(24), Decimal("40.5")):
            end = calendar.add_hours(begin, hours)
            assert calendar.seconds_between(begin, end) == hours_to_seconds(hours)


def test_another_time_zone() -> None:
    calendar = BusinessCalendar(timezone="Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2027, 3, 5, 17, tzinfo=berlin)
    assert calendar.add_hours(start, Decimal(24)) == datetime(2027, 3, 10, 14, tzinfo=berlin)
    # The same instant seen from Shanghai is after hours there already.
    assert BusinessCalendar().add_hours(start, Decimal(1)) == local(MONDAY, 10)


def test_refusals() -> None:
    with pytest.raises(CalendarError):
        BusinessCalendar(week={})
    with pytest.raises(CalendarError):
        BusinessCalendar(week={"mon": ((time(18), time(9)),)})
    with pytest.raises(CalendarError):
        BusinessCalendar().add_hours(datetime(2027, 3, 5, 17), Decimal(1))  # naive
    with pytest.raises(CalendarError):
        BusinessCalendar().add_hours(local(FRIDAY, 9), Decimal(-1))
