"""Which calendar a unit's clocks count on: its own, else its nearest ancestor's (by collab's
copies of the org tree, so a calendar set on the company reaches every department and team),
else the organisation's default (Mon-Fri 09:00-18:00 in its time zone); each with the public
holidays and make-up working days of its country unless it opts out.

Resolving a unit costs one recursive query, once per unit and session (tickets listed
together share their owner units' answers)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import UnitCalendar
from collab.service.calendar import BusinessCalendar, Window, parse_window
from collab.service.public_holidays import PublicHolidays
from collab.settings import Settings

# Where a session keeps the calendars it has resolved, by unit id.
CACHE_KEY = "collab.unit_calendars"
# Deeper than any org tree; a guard against a cycle in copies that arrived out of order.
MAX_DEPTH = 32


def _windows(texts: list[str]) -> tuple[Window, ...]:
    return tuple(parse_window(t) for t in texts)


def holiday_source(row: UnitCalendar | None, settings: Settings) -> tuple[str, str | None] | None:
    """The (country, region) whose public days a calendar follows; None for none."""
    if row is not None and not row.builtin_holidays:
        return None
    if row is not None and row.country:
        return row.country, row.region
    if not settings.holiday_country:
        return None
    region = row.region if row is not None and row.region else settings.holiday_region
    return settings.holiday_country, region


def calendar_of(row: UnitCalendar | None, settings: Settings) -> BusinessCalendar:
    """A stored calendar, or the organisation's default for ``None``, with its country's
    public holidays and make-up days beside the unit's own."""
    source = holiday_source(row, settings)
    public = PublicHolidays(*source) if source else None
    if row is None:
        return BusinessCalendar(timezone=settings.timezone, public=public)
    return BusinessCalendar(
        timezone=row.timezone,
        week={day: _windows(windows) for day, windows in row.week.items()},
        holidays=frozenset(date.fromisoformat(d) for d in row.holidays),
        makeup_days=frozenset(date.fromisoformat(d) for d in row.makeup_days),
        makeup_hours=_windows(row.makeup_hours) or ((time(9), time(18)),),
        public=public,
    )


def nearest(
    unit_id: str, parents: Mapping[str, str | None], rows: Mapping[str, UnitCalendar]
) -> UnitCalendar | None:
    """The calendar ``unit_id`` inherits, walking up ``parents`` (the in-memory form of
    ``repository.nearest_calendar``, for bulk checks)."""
    current: str | None = unit_id
    for _ in range(MAX_DEPTH + 1):
        if current is None:
            return None
        if current in rows:
            return rows[current]
        current = parents.get(current)
    return None


async def calendar_for(
    session: AsyncSession, settings: Settings, *, unit_id: str
) -> BusinessCalendar:
    """The calendar a unit's clocks count on (cached for the session)."""
    cache: dict[str, BusinessCalendar] = session.info.setdefault(CACHE_KEY, {})
    found = cache.get(unit_id)
    if found is None:
        row = await repository.nearest_calendar(session, unit_id=unit_id, max_depth=MAX_DEPTH)
        found = cache[unit_id] = calendar_of(row, settings)
    return found


def forget(session: AsyncSession) -> None:
    """Drop what the session resolved (a calendar changed)."""
    session.info.pop(CACHE_KEY, None)
