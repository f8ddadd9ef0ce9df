"""Business-hours calendars of owner units, and SLA policies."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import SlaPolicy, UnitCalendar
from collab.schemas import CalendarPut, CalendarRead, PolicyCreate
from collab.service.access import require_hr, require_unit_manager, scope_of
from collab.service.calendar import CalendarError, format_window, parse_window
from collab.service.sla import calendar_of
from collab.settings import Settings
from shared.auth import Principal
from shared.errors import invalid
from shared.paging import PageQuery


def _check_calendar(body: CalendarPut, settings: Settings) -> None:
    try:
        for windows in (*body.week.values(), body.makeup_hours):
            for text in windows:
                parse_window(text)
        calendar_of(_row("check", body, "check"), settings)
    except (CalendarError, ValueError, KeyError) as exc:
        raise invalid("week", str(exc) or "unknown time zone") from exc
    if not any(body.week.values()):
        raise invalid("week", "a calendar needs working hours on at least one weekday")
    clash = set(body.holidays) & set(body.makeup_days)
    if clash:
        raise invalid("makeup_days", f"a day cannot be both a holiday and a make-up day: {clash}")


def _row(unit_id: str, body: CalendarPut, by: str) -> UnitCalendar:
    return UnitCalendar(
        unit_id=unit_id,
        timezone=body.timezone,
        week={day.value: list(windows) for day, windows in body.week.items()},
        holidays=sorted(d.isoformat() for d in body.holidays),
        makeup_days=sorted(d.isoformat() for d in body.makeup_days),
        makeup_hours=list(body.makeup_hours),
        updated_by=by,
        version=1,
    )


async def put_calendar(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    unit_id: str,
    body: CalendarPut,
) -> CalendarRead:
    """Set a unit's calendar. Tickets already open keep their due times until their clock
    next changes (a pause, a new priority)."""
    scope = await scope_of(session, principal)
    require_unit_manager(scope, unit_id, "set a unit's business hours")
    _check_calendar(body, settings)
    row = _row(unit_id, body, principal.member_id)
    fields = ("timezone", "week", "holidays", "makeup_days", "makeup_hours")
    values = {field: getattr(row, field) for field in fields}
    # Two first calendars of a unit at once: one inserts, the other changes it (not a 409).
    inserted = await repository.add_calendar_if_missing(
        session, values={"unit_id": unit_id, **values, "updated_by": row.updated_by, "version": 1}
    )
    if not inserted:
        # Locked, so that two changes at once count two versions.
        existing = await repository.get_calendar(session, unit_id=unit_id, for_update=True)
        assert existing is not None  # a calendar is never deleted
        for field, value in values.items():
            setattr(existing, field, value)
        existing.updated_by = principal.member_id
        existing.version += 1
        await session.flush()
    return await get_calendar(session, settings=settings, unit_id=unit_id)


async def get_calendar(session: AsyncSession, *, settings: Settings, unit_id: str) -> CalendarRead:
    row = await repository.get_calendar(session, unit_id=unit_id)
    calendar = calendar_of(row, settings)
    return CalendarRead(
        unit_id=unit_id,
        timezone=calendar.timezone,
        week={day: [format_window(w) for w in windows] for day, windows in calendar.week.items()},
        holidays=sorted(calendar.holidays),
        makeup_days=sorted(calendar.makeup_days),
        makeup_hours=[format_window(w) for w in calendar.makeup_hours],
        version=row.version if row else 0,
        is_default=row is None,
    )


async def create_policy(
    session: AsyncSession, *, principal: Principal, body: PolicyCreate
) -> SlaPolicy:
    require_hr(principal)
    policy: SlaPolicy = await repository.add(
        session,
        row=SlaPolicy(
            id=str(uuid.uuid4()),
            name=body.name,
            rank=body.rank,
            categories=list(body.categories),
            priorities=[p.value for p in body.priorities],
            requester_unit_ids=list(body.requester_unit_ids),
            owner_unit_ids=list(body.owner_unit_ids),
            first_response_hours=body.first_response_hours,
            resolution_hours={p.value: str(h) for p, h in body.resolution_hours.items()},
            at_risk_share=body.at_risk_share,
            active=True,
            created_by=principal.member_id,
        ),
    )
    return policy


async def list_policies(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[SlaPolicy], str | None]:
    """One page of the active policies (by default in the order they are tried)."""
    return await repository.policies_page(session, page=page)
