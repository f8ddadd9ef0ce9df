"""The SLA clock on business calendars (collab/service/calendar.py, sla.py, sla_state.py,
clock_history.py): China's public holidays take whole days out and make-up Saturdays put
them back; business hours convert to whole seconds rounding up; the clock stops while a
ticket waits on the requester and the due time moves by the time it stood; a clock is at
risk from ``at_risk_share`` of its target (rounded up to a second) and breached at the
target, and a met clock has no time left; the history of status steps replays to the same
clock; the first matching SLA policy by rank sets the targets, else the defaults (24 hours
to first response, 8/24/40/80 hours to resolution by priority, at risk at 80%). Overlapping
working windows (refused when a calendar is written) count their shared time once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from collab.events import Clock
from collab.models import SlaPolicy, Ticket, TicketStep
from collab.service.calendar import (
    BusinessCalendar,
    CalendarError,
    hours_to_seconds,
    seconds_to_hours,
)
from collab.service.clock_history import replay
from collab.service.public_holidays import PublicHolidays
from collab.service.sla import (
    Targets,
    choose_targets,
    due_at,
    start_clock,
    stop_clock,
    used_seconds,
    warning_seconds,
)
from collab.service.sla_state import clock_state
from collab.settings import Settings

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600
CHINA = BusinessCalendar(public=PublicHolidays("CN"))
PLAIN = BusinessCalendar()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


# --------------------------------------------------------------- China's public days


def test_spring_festival_2026_takes_nine_days_and_the_make_up_saturday_gives_one_back() -> None:
    # Friday 13 February 2026, 14:00: 4 hours; Saturday 14 Feb is a make-up working day, 9
    # (13); Sunday 15 to Monday 23 February off; Tuesday 24 Feb 9 (22); the last 2 on
    # Wednesday 25 Feb, 09:00-11:00.
    start = local(date(2026, 2, 13), 14)
    due = CHINA.add_hours(start, D(24))
    assert due == local(date(2026, 2, 25), 11)
    assert due == datetime(2026, 2, 25, 3, tzinfo=UTC)
    assert CHINA.hours_between(start, due) == D(24)
    # Without the public days: Friday 4, Monday 16 Feb 9, Tuesday 9, Wednesday 18 Feb 2.
    assert PLAIN.add_hours(start, D(24)) == local(date(2026, 2, 18), 11)


def test_new_year_2026_ends_on_the_make_up_sunday_at_its_close() -> None:
    # Wednesday 31 December 2025, 17:00: 1 hour; 1-2 January off, Saturday 3 off; Sunday 4
    # January is a make-up working day: the other 9 hours end at its 18:00 close.
    assert CHINA.add_hours(local(date(2025, 12, 31), 17), D(10)) == local(date(2026, 1, 4), 18)


def test_a_public_holiday_on_a_monday_counts_no_hours() -> None:
    # Qingming 2026: Monday 6 April is off. Friday 3 April 17:00 to Tuesday 7 April 17:00 is
    # Friday's last hour and 8 on Tuesday.
    assert CHINA.hours_between(local(date(2026, 4, 3), 17), local(date(2026, 4, 7), 17)) == D(9)
    assert CHINA.windows_on(date(2026, 4, 6)) == ()
    assert CHINA.windows_on(date(2026, 2, 14)) == ((time(9), time(18)),)
    assert CHINA.windows_on(date(2026, 2, 15)) == ()  # Sunday, inside the break


def test_a_units_holiday_beats_a_make_up_day_of_its_own() -> None:
    saturday = date(2027, 3, 6)
    calendar = BusinessCalendar(holidays=frozenset({saturday}), makeup_days=frozenset({saturday}))
    assert calendar.windows_on(saturday) == ()


def test_make_up_days_work_the_make_up_hours() -> None:
    saturday = date(2027, 3, 6)
    calendar = BusinessCalendar(
        makeup_days=frozenset({saturday}), makeup_hours=((time(10), time(12)),)
    )
    # Friday 17:00: 1 hour; Saturday 10:00-12:00, 2 more; the 4th on Monday 09:00-10:00.
    assert calendar.add_hours(local(date(2027, 3, 5), 17), D(4)) == local(date(2027, 3, 8), 10)


# --------------------------------------------------------------- hours and seconds


def test_hours_become_whole_seconds_rounding_up() -> None:
    assert hours_to_seconds(D(24)) == 86_400
    assert hours_to_seconds(D("1.5")) == 5_400
    assert hours_to_seconds(D("0.0001")) == 1  # 0.36 s counts as a full second
    assert hours_to_seconds(D(0)) == 0
    with pytest.raises(CalendarError):
        hours_to_seconds(D("-0.5"))


def test_seconds_read_as_hours_to_four_places() -> None:
    assert seconds_to_hours(5_400) == D("1.5000")
    assert seconds_to_hours(86_400) == D("24.0000")
    assert seconds_to_hours(1) == D("0.0003")  # 0.000277...


def test_a_calendar_without_working_time_is_refused() -> None:
    with pytest.raises(CalendarError):
        BusinessCalendar(week={"mon": ()})
    with pytest.raises(CalendarError):
        BusinessCalendar(makeup_hours=((time(12), time(12)),))


def test_overlapping_windows_count_their_shared_hour_once() -> None:
    # A calendar written before overlaps were refused (PUT /collab/calendars answers 422 now).
    week = {"mon": ((time(9), time(12)), (time(11), time(14)))}
    calendar = BusinessCalendar(week=week)
    assert calendar.week["mon"] == ((time(9), time(14)),)
    monday = date(2027, 3, 8)
    # Working time on that Monday is 09:00 to 14:00: five hours.
    assert calendar.hours_between(local(monday, 9), local(monday, 14)) == D(5)
    assert calendar.add_hours(local(monday, 9), D(5)) == local(monday, 14)


def test_adding_nothing_is_the_start_itself() -> None:
    start = local(date(2027, 3, 6), 23)  # a Saturday night
    assert PLAIN.add_hours(start, D(0)) == start


# --------------------------------------------------------------- pauses and due times

MONDAY = date(2027, 3, 8)
TUESDAY, WEDNESDAY, THURSDAY = date(2027, 3, 9), date(2027, 3, 10), date(2027, 3, 11)


def _ticket(**given: object) -> Ticket:
    fields: dict[str, object] = {
        "response_target_hours": D(24),
        "resolution_target_hours": D(40),
        "at_risk_share": D("0.8"),
        "business_seconds_used": 0,
        "clock_since": None,
        "first_response_at": None,
        "resolved_at": None,
        "response_breached": False,
        "resolution_breached": False,
    }
    fields.update(given)
    return Ticket(**fields)


def test_without_a_pause_24_hours_from_monday_nine_is_wednesday_three_pm() -> None:
    ticket = _ticket(clock_since=local(MONDAY, 9))
    # Monday 9, Tuesday 9 (18), Wednesday 6: 15:00.
    assert due_at(ticket, PLAIN, 24 * HOUR) == local(WEDNESDAY, 15)


def test_waiting_on_the_requester_stops_the_clock_and_moves_the_due_time() -> None:
    ticket = _ticket(clock_since=local(MONDAY, 9))
    stop_clock(ticket, PLAIN, local(MONDAY, 11))  # waits on the requester: 2 hours used
    assert (ticket.business_seconds_used, ticket.clock_since) == (2 * HOUR, None)
    # While it waits, nothing counts.
    assert used_seconds(ticket, PLAIN, local(TUESDAY, 13)) == 2 * HOUR
    start_clock(ticket, local(TUESDAY, 14))  # the requester answers
    assert ticket.clock_since == local(TUESDAY, 14)
    assert used_seconds(ticket, PLAIN, local(TUESDAY, 16)) == 4 * HOUR
    # 22 hours left from Tuesday 14:00: Tuesday 4, Wednesday 9 (13), Thursday 9: its close.
    assert due_at(ticket, PLAIN, 24 * HOUR) == local(THURSDAY, 18)


def test_starting_a_running_clock_again_keeps_its_start() -> None:
    ticket = _ticket(clock_since=local(MONDAY, 9))
    start_clock(ticket, local(MONDAY, 15))
    assert ticket.clock_since == local(MONDAY, 9)


def test_a_clock_past_its_target_is_due_where_it_stands() -> None:
    ticket = _ticket(clock_since=local(TUESDAY, 10), business_seconds_used=30 * HOUR)
    assert due_at(ticket, PLAIN, 24 * HOUR) == local(TUESDAY, 10)


def test_the_warning_comes_at_the_share_of_the_target_rounded_up() -> None:
    assert warning_seconds(24 * HOUR, D("0.8")) == 69_120  # 19.2 hours
    assert warning_seconds(10, D("0.33")) == 4  # 3.3 s rounds up


@pytest.mark.parametrize(
    ("used", "remaining", "at_risk", "breached"),
    [
        (0, 86_400, False, False),
        (69_119, 17_281, False, False),
        (69_120, 17_280, True, False),  # 80% of 24 hours used
        (86_399, 1, True, False),
        (86_400, 0, False, True),  # the target reached: breached, no longer "at risk"
        (90_000, 0, False, True),
    ],
)
def test_a_running_response_clock_is_at_risk_from_80_percent_and_breached_at_24_hours(
    used: int, remaining: int, at_risk: bool, breached: bool
) -> None:
    state = clock_state(_ticket(), Clock.response, used)
    assert (state.remaining_seconds, state.at_risk, state.breached) == (
        remaining,
        at_risk,
        breached,
    )


def test_a_met_clock_has_no_time_left_and_keeps_a_recorded_breach() -> None:
    answered = _ticket(first_response_at=local(MONDAY, 10))
    state = clock_state(answered, Clock.response, 90_000)
    assert (state.remaining_seconds, state.at_risk, state.breached) == (None, False, False)
    late = _ticket(resolved_at=local(MONDAY, 10), resolution_breached=True)
    state = clock_state(late, Clock.resolution, 0)
    assert (state.remaining_seconds, state.at_risk, state.breached) == (None, False, True)


def test_a_recorded_breach_stays_breached_while_the_clock_runs() -> None:
    state = clock_state(_ticket(response_breached=True), Clock.response, 0)
    assert (state.at_risk, state.breached) == (False, True)


def test_the_resolution_clock_uses_the_resolution_target() -> None:
    state = clock_state(_ticket(), Clock.resolution, 32 * HOUR)  # 80% of 40 hours
    assert (state.remaining_seconds, state.at_risk, state.breached) == (8 * HOUR, True, False)


# --------------------------------------------------------------- the status history


def _step(kind: str, at: datetime, to: str | None = None) -> TicketStep:
    return TicketStep(kind=kind, at=at, detail={"to": to} if to else {})


def test_the_history_replays_to_the_clock_pauses_excluded() -> None:
    steps = [
        _step("opened", local(MONDAY, 9)),
        _step("status", local(MONDAY, 11), "waiting_on_requester"),
        _step("comment", local(MONDAY, 12)),  # moves nothing
        _step("status", local(TUESDAY, 14), "in_progress"),
        _step("status", local(WEDNESDAY, 10), "resolved"),
    ]
    clock = replay(steps, PLAIN)
    # Monday 09-11 (2 h), Tuesday 14-18 (4 h), Wednesday 09-10 (1 h).
    assert clock.seconds_used == 7 * HOUR
    assert (clock.running_since, clock.status) == (None, "resolved")
    assert clock.seconds_used_at(local(TUESDAY, 16)) == 4 * HOUR
    assert clock.seconds_used_at(local(MONDAY, 20)) == 2 * HOUR
    assert clock.running_at(local(MONDAY, 11))  # both ends of a span count
    assert not clock.running_at(local(MONDAY, 12))

    reopened = replay([*steps, _step("reopened", local(WEDNESDAY, 15))], PLAIN)
    assert (reopened.running_since, reopened.status) == (local(WEDNESDAY, 15), "in_progress")
    assert reopened.seconds_used == 7 * HOUR  # the running span is not finished yet
    assert reopened.seconds_used_at(local(WEDNESDAY, 17)) == 9 * HOUR


def test_moving_between_running_statuses_does_not_restart_the_clock() -> None:
    steps = [
        _step("opened", local(MONDAY, 9)),
        _step("status", local(MONDAY, 10), "in_progress"),
    ]
    assert replay(steps, PLAIN).running_since == local(MONDAY, 9)


# --------------------------------------------------------------- which targets


def _policy(rank: int, **given: object) -> SlaPolicy:
    fields: dict[str, object] = {
        "id": f"p{rank}",
        "rank": rank,
        "categories": [],
        "priorities": [],
        "requester_unit_ids": [],
        "owner_unit_ids": [],
        "first_response_hours": D(4),
        "resolution_hours": {},
        "at_risk_share": None,
    }
    fields.update(given)
    return SlaPolicy(**fields)


def _targets(policies: list[SlaPolicy], priority: str = "normal") -> Targets:
    return choose_targets(
        policies,
        Settings(),
        category="product_info",
        priority=priority,
        requester_unit_id="u-marketing",
        owner_unit_id="u-product",
    )


@pytest.mark.parametrize(
    ("priority", "hours"), [("urgent", 8), ("high", 24), ("normal", 40), ("low", 80)]
)
def test_with_no_policy_the_defaults_apply(priority: str, hours: int) -> None:
    targets = _targets([], priority)
    assert (targets.policy_id, targets.response_hours, targets.resolution_hours) == (
        None,
        D(24),
        D(hours),
    )
    assert targets.at_risk_share == D("0.8")


def test_the_first_policy_whose_every_condition_matches_sets_the_targets() -> None:
    other_owner = _policy(1, owner_unit_ids=["u-support"], first_response_hours=D(2))
    urgent_only = _policy(2, priorities=["urgent"], first_response_hours=D(1))
    product = _policy(
        3,
        owner_unit_ids=["u-product"],
        first_response_hours=D(8),
        resolution_hours={"normal": "16"},
        at_risk_share=D("0.5"),
    )
    catch_all = _policy(4, first_response_hours=D(12))
    targets = _targets([other_owner, urgent_only, product, catch_all])
    assert (targets.policy_id, targets.response_hours, targets.resolution_hours) == (
        "p3",
        D(8),
        D(16),
    )
    assert targets.at_risk_share == D("0.5")
    # A priority the policy gives no resolution target for takes the default one; a policy
    # without an at-risk share takes the default share.
    low = _targets([product], "low")
    assert (low.policy_id, low.resolution_hours) == ("p3", D(80))
    assert _targets([catch_all]).at_risk_share == D("0.8")
