"""Queries on calendars, SLA policies and the deadlines the scheduler fires."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, delete, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from collab.models import (
    OrgUnitCopy,
    SlaDeadline,
    SlaPolicy,
    Ticket,
    UnitCalendar,
)
from shared.paging import Column, PageQuery


async def get_calendar(
    session: AsyncSession, *, unit_id: str, for_update: bool = False
) -> UnitCalendar | None:
    if not for_update:
        return await session.get(UnitCalendar, unit_id)
    statement = (
        select(UnitCalendar)
        .where(UnitCalendar.unit_id == unit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).first()


async def nearest_calendar(
    session: AsyncSession, *, unit_id: str, max_depth: int
) -> UnitCalendar | None:
    """The calendar of ``unit_id`` or else of its nearest ancestor (by the copies' parent
    ids, at most ``max_depth`` levels up), in one recursive query; None when none has one."""
    up = select(literal(unit_id, String).label("id"), literal(0, Integer).label("depth")).cte(
        "up", recursive=True
    )
    up = up.union_all(
        select(OrgUnitCopy.parent_id, up.c.depth + 1)
        .join(up, OrgUnitCopy.id == up.c.id)
        .where(OrgUnitCopy.parent_id.is_not(None), up.c.depth < max_depth)
    )
    statement = (
        select(UnitCalendar).join(up, UnitCalendar.unit_id == up.c.id).order_by(up.c.depth).limit(1)
    )
    return (await session.scalars(statement)).first()


async def add_calendar_if_missing(session: AsyncSession, *, values: dict[str, Any]) -> bool:
    """Insert a unit's first calendar; False (and nothing written) when it has one, even one
    another transaction is inserting right now (this waits for that one to commit)."""
    inserted = await session.scalar(
        insert(UnitCalendar)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[UnitCalendar.unit_id])
        .returning(UnitCalendar.unit_id)
    )
    return inserted is not None


async def active_policies(session: AsyncSession) -> list[SlaPolicy]:
    rows = await session.scalars(
        select(SlaPolicy)
        .where(SlaPolicy.active)
        .order_by(SlaPolicy.rank, SlaPolicy.created_at, SlaPolicy.id)
    )
    return list(rows.all())


POLICY_COLUMNS: dict[str, Column] = {
    "rank": SlaPolicy.rank,
    "name": SlaPolicy.name,
    "created_at": SlaPolicy.created_at,
}
POLICY_SORTS = tuple(POLICY_COLUMNS)


async def policies_page(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[SlaPolicy], str | None]:
    """One page of the active policies."""
    statement = select(SlaPolicy).where(SlaPolicy.active)
    return await page.fetch(session, statement, POLICY_COLUMNS, SlaPolicy.id)


async def get_policy(session: AsyncSession, *, policy_id: str) -> SlaPolicy | None:
    return await session.get(SlaPolicy, policy_id)


async def set_deadline(
    session: AsyncSession, *, ticket_id: str, kind: str, due_at: datetime
) -> None:
    """Schedule (or move) a deadline; one that has fired stays as it was."""
    statement = insert(SlaDeadline).values(ticket_id=ticket_id, kind=kind, due_at=due_at)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[SlaDeadline.ticket_id, SlaDeadline.kind],
            set_={"due_at": statement.excluded.due_at},
            where=SlaDeadline.fired_at.is_(None),
        )
    )


async def drop_deadlines(session: AsyncSession, *, ticket_id: str, kinds: Sequence[str]) -> None:
    """Unschedule deadlines that have not fired (the clock stopped, or the goal was met)."""
    await session.execute(
        delete(SlaDeadline).where(
            SlaDeadline.ticket_id == ticket_id,
            SlaDeadline.kind.in_(list(kinds)),
            SlaDeadline.fired_at.is_(None),
        )
    )


async def deadlines_of(session: AsyncSession, *, ticket_id: str) -> list[SlaDeadline]:
    rows = await session.scalars(
        select(SlaDeadline).where(SlaDeadline.ticket_id == ticket_id).order_by(SlaDeadline.kind)
    )
    return list(rows.all())


async def claim_due_deadlines(
    session: AsyncSession, *, now: datetime, limit: int
) -> list[tuple[SlaDeadline, Ticket]]:
    """Due, unfired deadlines with their tickets, both rows locked; rows another replica
    (or a request changing the ticket) holds are skipped, never waited on."""
    rows = await session.execute(
        select(SlaDeadline, Ticket)
        .join(Ticket, Ticket.id == SlaDeadline.ticket_id)
        .where(SlaDeadline.fired_at.is_(None), SlaDeadline.due_at <= now)
        .order_by(SlaDeadline.due_at, SlaDeadline.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [(row[0], row[1]) for row in rows.all()]


async def mark_fired(session: AsyncSession, *, deadline_ids: Sequence[int], at: datetime) -> None:
    await session.execute(
        update(SlaDeadline).where(SlaDeadline.id.in_(list(deadline_ids))).values(fired_at=at)
    )
