"""Business-hours arithmetic on a unit's working calendar: pure functions, no I/O.

A calendar is a time zone, working windows per weekday, holidays (no work even on a weekday)
and make-up working days (work on a weekend day, with the make-up hours), and optionally a
country's public holidays and make-up days (``public``): the unit's own days win over those.
Instants are timezone-aware; the arithmetic is done in whole seconds, so nothing is lost to
rounding."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from collab.service.public_holidays import PublicHolidays

Window = tuple[time, time]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NINE_TO_SIX: tuple[Window, ...] = ((time(9), time(18)),)
DEFAULT_WEEK: dict[str, tuple[Window, ...]] = dict.fromkeys(WEEKDAYS[:5], NINE_TO_SIX)
SECONDS_PER_HOUR = 3600
# Nobody waits more than this many days for a deadline: a guard against empty calendars.
HORIZON_DAYS = 3660


class CalendarError(ValueError):
    """The calendar cannot answer (it has no working time at all, say)."""


@dataclass(frozen=True)
class BusinessCalendar:
    """When a unit works. ``week`` maps ``mon``..``sun`` to working windows (local time)."""

    timezone: str = "Asia/Shanghai"
    week: Mapping[str, tuple[Window, ...]] = field(default_factory=lambda: dict(DEFAULT_WEEK))
    holidays: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    makeup_hours: tuple[Window, ...] = NINE_TO_SIX
    public: PublicHolidays | None = None

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # raises for an unknown zone
        for windows in (*self.week.values(), self.makeup_hours):
            for start, end in windows:
                if start >= end:
                    raise CalendarError(f"a working window must end after it starts: {start}")
        # Overlapping windows are refused when a calendar is written (collab.service.
        # calendars); one stored before that is read with its shared hours counted once.
        object.__setattr__(self, "week", {day: merged(w) for day, w in self.week.items()})
        object.__setattr__(self, "makeup_hours", merged(self.makeup_hours))
        if not any(self.week.values()) and not self.makeup_days:
            raise CalendarError("the calendar has no working hours at all")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The working windows of one local day."""
        if day in self.holidays:
            return ()
        if day in self.makeup_days:
            return self.makeup_hours
        if self.public is not None:
            if self.public.is_holiday(day):
                return ()
            if self.public.is_makeup_day(day):
                return self.makeup_hours
        return self.week.get(WEEKDAYS[day.weekday()], ())

    def _intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        zone = self.zone
        return [
            (datetime.combine(day, start, zone), datetime.combine(day, end, zone))
            for start, end in self.windows_on(day)
        ]

    def add_seconds(self, start: datetime, seconds: int) -> datetime:
        """The instant ``seconds`` of working time after ``start`` (``start`` itself for 0).

        Ending exactly at the close of a window gives that close (18:00), not the next
        morning."""
        _require_aware(start)
        if seconds < 0:
            raise CalendarError("cannot add negative working time")
        if seconds == 0:
            return start.astimezone(UTC)
        remaining = seconds
        day = start.astimezone(self.zone).date()
        for _ in range(HORIZON_DAYS):
            for window_start, window_end in self._intervals(day):
                begin = max(window_start, start)
                if begin >= window_end:
                    continue
                available = int((window_end - begin).total_seconds())
                if remaining <= available:
                    return (begin + timedelta(seconds=remaining)).astimezone(UTC)
                remaining -= available
            day += timedelta(days=1)
        raise CalendarError(f"no working time within {HORIZON_DAYS} days")

    def add_hours(self, start: datetime, hours: Decimal) -> datetime:
        """The instant ``hours`` business hours after ``start``."""
        return self.add_seconds(start, hours_to_seconds(hours))

    def seconds_between(self, start: datetime, end: datetime) -> int:
        """Working seconds from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
        _require_aware(start)
        _require_aware(end)
        if end <= start:
            return 0
        total = 0
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            for window_start, window_end in self._intervals(day):
                begin, finish = max(window_start, start), min(window_end, end)
                if finish > begin:
                    total += int((finish - begin).total_seconds())
            day += timedelta(days=1)
        return total

    def hours_between(self, start: datetime, end: datetime) -> Decimal:
        """Business hours from ``start`` to ``end``, as a decimal (4 places)."""
        return seconds_to_hours(self.seconds_between(start, end))


def hours_to_seconds(hours: Decimal) -> int:
    """Whole seconds of ``hours``; a fraction of a second counts as a full one."""
    if hours < 0:
        raise CalendarError("hours cannot be negative")
    return int((hours * SECONDS_PER_HOUR).to_integral_value(rounding=ROUND_CEILING))


def seconds_to_hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / SECONDS_PER_HOUR).quantize(Decimal("0.0001"))


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise CalendarError("instants must carry a time zone")


def parse_window(text: str) -> Window:
    """``"09:00-18:00"`` as a window."""
    try:
        start, end = text.split("-")
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError as exc:
        raise CalendarError(f"a working window looks like 09:00-18:00, not {text!r}") from exc


def overlap(windows: tuple[Window, ...]) -> tuple[Window, Window] | None:
    """The first two windows of one day that share working time, if any (touching windows,
    09:00-12:00 and 12:00-18:00, share none)."""
    ordered = sorted(windows)
    for earlier, later in pairwise(ordered):
        if later[0] < earlier[1]:
            return earlier, later
    return None


def merged(windows: tuple[Window, ...]) -> tuple[Window, ...]:
    """The same working time as ``windows``, with overlapping windows joined."""
    joined: list[Window] = []
    for start, end in sorted(windows):
        if joined and start < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return tuple(joined)


def format_window(window: Window) -> str:
    return f"{window[0].strftime('%H:%M')}-{window[1].strftime('%H:%M')}"
