"""A ticket's history: finding and locking a ticket for a change, the instant the change is
recorded at, and the steps that record it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import Ticket, TicketStep
from collab.service.access import Scope, require_ticket_visible, scope_of
from shared.auth import Principal


async def find_ticket(
    session: AsyncSession, *, scope: Scope, ticket_id: str, for_update: bool = False
) -> Ticket:
    """The ticket, if the scope reaches it (else 404)."""
    found = await repository.get_ticket(session, ticket_id=ticket_id, for_update=for_update)
    return require_ticket_visible(scope, found)


async def get_ticket(session: AsyncSession, *, principal: Principal, ticket_id: str) -> Ticket:
    """The ticket, if the principal may see it (else 404)."""
    return await find_ticket(session, scope=await scope_of(session, principal), ticket_id=ticket_id)


async def lock_for_change(
    session: AsyncSession, *, scope: Scope, ticket_id: str, now: datetime
) -> tuple[Ticket, datetime]:
    """The ticket, locked until the transaction ends, and the instant to record the change
    at: ``now``, or the latest instant the ticket has recorded when that is later.

    ``now`` is read when a request starts; one that then waited for the lock while another
    change (or the scheduler's breach) was recorded must come after it, or the clock would
    count from a history that is out of order (a breach before a response that stopped the
    clock earlier, a pause counted twice)."""
    ticket = await find_ticket(session, scope=scope, ticket_id=ticket_id, for_update=True)
    recorded = [
        instant
        for instant in (
            await repository.last_recorded_at(session, ticket_id=ticket.id),
            ticket.first_response_at,  # a first response by comment records no step
        )
        if instant is not None
    ]
    return ticket, max([now, *recorded])


async def record_step(
    session: AsyncSession, ticket: Ticket, *, kind: str, actor: str, at: datetime, **detail: Any
) -> TicketStep:
    """Record one step of a ticket (details that are None are left out)."""
    step = TicketStep(
        id=str(uuid.uuid4()),
        ticket_id=ticket.id,
        kind=kind,
        actor_id=actor,
        at=at,
        detail={k: v for k, v in detail.items() if v is not None},
    )
    await repository.add(session, row=step)
    return step
