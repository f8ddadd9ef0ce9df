"""China's public holidays and make-up working days from the holidays package (2026's State
Council arrangement; 2027 by rule only), and a unit's own days winning over the public ones."""

from __future__ import annotations

from datetime import date, time, timedelta

import holidays

from collab.service.calendar import BusinessCalendar
from collab.service.public_holidays import PublicHolidays, known_until, year_days


def test_the_library_lists_national_day_2026_and_its_make_up_days() -> None:
    cn = holidays.country_holidays("CN", years=2026)
    golden_week = [date(2026, 10, 1) + timedelta(days=n) for n in range(7)]
    # 1-7 October off (Sunday 4 October is a weekend day anyway), 30 Sep and 8 Oct worked.
    assert not any(cn.is_working_day(day) for day in golden_week)
    assert cn.is_working_day(date(2026, 9, 30)) and cn.is_working_day(date(2026, 10, 8))
    days = year_days("CN", None, 2026)
    assert sorted(days.makeup_days) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    # 2027's arrangement is not published in this version: holidays by rule, no make-up days.
    assert known_until("CN", None) == 2026
    assert year_days("CN", None, 2027).makeup_days == frozenset()
    assert date(2027, 10, 1) in year_days("CN", None, 2027).holidays


def test_a_units_own_days_win_over_the_public_ones() -> None:
    calendar = BusinessCalendar(
        public=PublicHolidays("CN"),
        makeup_days=frozenset({date(2026, 10, 6)}),  # works Tuesday 6 October
        holidays=frozenset({date(2026, 10, 10)}),  # does not work the make-up Saturday
    )
    assert calendar.windows_on(date(2026, 10, 6)) == ((time(9), time(18)),)
    assert calendar.windows_on(date(2026, 10, 10)) == ()
    assert calendar.windows_on(date(2026, 10, 7)) == ()
