"""The invariant checker's queries on the collab schema: read-only, in bulk (see ``verify``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from collab.models import (
    ActionItem,
    KnowledgeArticle,
    Meeting,
    MemberCopy,
    OrgUnitCopy,
    SlaDeadline,
    Ticket,
    TicketStep,
    UnitCalendar,
    outbox,
)

SLA_EVENT_TYPES = ("collab.ticket.sla-at-risk", "collab.ticket.sla-breached")


async def tickets_after(session: AsyncSession, *, after_id: str | None, limit: int) -> list[Ticket]:
    """A page of tickets in id order, after ``after_id``."""
    statement = select(Ticket).order_by(Ticket.id).limit(limit)
    if after_id is not None:
        statement = statement.where(Ticket.id > after_id)
    return list((await session.scalars(statement)).all())


async def steps_by_ticket(
    session: AsyncSession, *, ticket_ids: Sequence[str]
) -> dict[str, list[TicketStep]]:
    """Each ticket's steps in recorded order (the order ``repository.steps_of`` gives)."""
    rows = await session.scalars(
        select(TicketStep)
        .where(TicketStep.ticket_id.in_(list(ticket_ids)))
        .order_by(TicketStep.ticket_id, TicketStep.at, TicketStep.created_at, TicketStep.id)
    )
    found: dict[str, list[TicketStep]] = defaultdict(list)
    for step in rows.all():
        found[step.ticket_id].append(step)
    return found


async def deadlines_by_ticket(
    session: AsyncSession, *, ticket_ids: Sequence[str]
) -> dict[str, list[SlaDeadline]]:
    rows = await session.scalars(
        select(SlaDeadline).where(SlaDeadline.ticket_id.in_(list(ticket_ids)))
    )
    found: dict[str, list[SlaDeadline]] = defaultdict(list)
    for deadline in rows.all():
        found[deadline.ticket_id].append(deadline)
    return found


async def calendars(session: AsyncSession) -> dict[str, UnitCalendar]:
    rows = await session.scalars(select(UnitCalendar))
    return {row.unit_id: row for row in rows.all()}


async def sla_events_published(session: AsyncSession) -> dict[tuple[str, str, str], int]:
    """How many warnings and breaches the outbox holds (while it keeps them) per ticket,
    event type and clock, where that is more than one."""
    clock = outbox.c.envelope["data"]["clock"].astext
    rows = await session.execute(
        select(outbox.c.message_key, outbox.c.event_type, clock, func.count())
        .where(outbox.c.event_type.in_(SLA_EVENT_TYPES))
        .group_by(outbox.c.message_key, outbox.c.event_type, clock)
        .having(func.count() > 1)
    )
    return {(row[0], row[1], row[2]): row[3] for row in rows.all()}


async def articles_after(
    session: AsyncSession, *, after_id: str | None, limit: int
) -> list[KnowledgeArticle]:
    statement = select(KnowledgeArticle).order_by(KnowledgeArticle.id).limit(limit)
    if after_id is not None:
        statement = statement.where(KnowledgeArticle.id > after_id)
    return list((await session.scalars(statement)).all())


SEARCHED_TABLES = ("knowledge_articles", "tickets", "meetings")
"""The tables with ``search_tokens`` (see ``collab.service.search_tokens``)."""


async def tokens_differing(
    session: AsyncSession, expected: dict[str, str], table: str = "knowledge_articles"
) -> list[tuple[str, str]]:
    """(id, stored vector as text) of the rows of ``table`` among ``expected`` (id: tsvector
    literal) whose ``search_tokens`` are not that vector (compared as vectors, not as text)."""
    if table not in SEARCHED_TABLES:
        raise ValueError(f"{table} has no search tokens")
    if not expected:
        return []
    rows = await session.execute(
        text(
            f"SELECT a.id, CAST(a.search_tokens AS text) FROM collab.{table} a "
            "JOIN unnest(CAST(:ids AS text[]), CAST(:vectors AS text[])) AS v(id, vector) "
            "ON a.id = v.id WHERE a.search_tokens IS DISTINCT FROM CAST(v.vector AS tsvector) "
            "ORDER BY a.id"
        ),
        {"ids": list(expected), "vectors": list(expected.values())},
    )
    return [(row[0], row[1]) for row in rows.all()]


async def meetings_after(
    session: AsyncSession, *, after_id: str | None, limit: int
) -> list[Meeting]:
    statement = select(Meeting).order_by(Meeting.id).limit(limit)
    if after_id is not None:
        statement = statement.where(Meeting.id > after_id)
    return list((await session.scalars(statement)).all())


async def actions_done_out_of_step(session: AsyncSession) -> list[ActionItem]:
    """Action items whose ``done_at`` disagrees with their status (set exactly when done)."""
    rows = await session.scalars(
        select(ActionItem)
        .where((ActionItem.status == "done") != ActionItem.done_at.is_not(None))
        .order_by(ActionItem.id)
    )
    return list(rows.all())


async def member_copies(session: AsyncSession) -> list[MemberCopy]:
    return list((await session.scalars(select(MemberCopy).order_by(MemberCopy.id))).all())


async def org_unit_copies(session: AsyncSession) -> list[OrgUnitCopy]:
    return list((await session.scalars(select(OrgUnitCopy).order_by(OrgUnitCopy.id))).all())
