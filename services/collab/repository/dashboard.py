"""Queries for the dashboard: the tickets an owner subtree was asked in a span of time, and
the status steps their clocks are replayed from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from collab.models import Ticket, TicketStep


async def owned_tickets_opened(
    session: AsyncSession, *, owner_unit_ids: Iterable[str], start: datetime, end: datetime
) -> list[Ticket]:
    """Tickets owned by one of ``owner_unit_ids`` opened in ``[start, end)``, oldest first."""
    rows = await session.scalars(
        select(Ticket)
        .where(
            Ticket.owner_unit_id.in_(sorted(set(owner_unit_ids))),
            Ticket.opened_at >= start,
            Ticket.opened_at < end,
        )
        .order_by(Ticket.opened_at, Ticket.id)
    )
    return list(rows.all())


async def steps_of_tickets(
    session: AsyncSession, *, ticket_ids: Sequence[str], kinds: Sequence[str]
) -> dict[str, list[TicketStep]]:
    """The steps of ``kinds`` of each ticket, in recorded order (as ``steps_of`` gives them)."""
    found: dict[str, list[TicketStep]] = defaultdict(list)
    if not ticket_ids:
        return found
    rows = await session.scalars(
        select(TicketStep)
        .where(TicketStep.ticket_id.in_(list(ticket_ids)), TicketStep.kind.in_(list(kinds)))
        .order_by(TicketStep.ticket_id, TicketStep.at, TicketStep.created_at, TicketStep.id)
    )
    for step in rows.all():
        found[step.ticket_id].append(step)
    return found
