"""Editing a ticket under If-Match: its fields, and the targets a new priority or category
brings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from collab.models import Ticket
from collab.schemas import Status, TicketUpdate
from collab.service import sla
from collab.service.access import require_owner_side, require_party, scope_of
from collab.service.searching import index_ticket
from collab.service.tickets.history import lock_for_change, record_step
from collab.settings import Settings
from shared.api import check_if_match
from shared.auth import Principal
from shared.errors import Conflict


async def update_ticket(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    ticket_id: str,
    body: TicketUpdate,
    if_match: str | None,
    now: datetime,
) -> Ticket:
    """Merge-patch a ticket. A new priority or category re-chooses the targets; the due times
    follow from the business time already used, so time spent waiting stays excluded."""
    scope = await scope_of(session, principal)
    ticket, now = await lock_for_change(session, scope=scope, ticket_id=ticket_id, now=now)
    require_party(scope, ticket, "change a ticket")
    check_if_match(if_match, ticket.id, ticket.version)
    if ticket.status in (Status.resolved, Status.closed):
        raise Conflict(f"a {ticket.status} ticket changes only by reopening it")
    changes = {
        field: value.value if hasattr(value, "value") else value
        for field, value in body.model_dump(exclude_unset=True).items()
        if getattr(ticket, field) != (value.value if hasattr(value, "value") else value)
    }
    if "priority" in changes or "assignee_id" in changes:
        require_owner_side(scope, ticket, "change the priority or the assignee")
    if not changes:
        return ticket
    calendar = await sla.owner_calendar(session, settings, ticket)
    before = {field: getattr(ticket, field) for field in changes}
    for field, value in changes.items():
        setattr(ticket, field, value)
    if {"title", "description"} & changes.keys():
        index_ticket(ticket)
    if {"priority", "category"} & changes.keys():
        # Settle the old targets up to now, then move the deadlines to the new ones.
        await sla.settle_due(
            session, ticket=ticket, kinds=sla.RESPONSE_KINDS + sla.RESOLUTION_KINDS, now=now
        )
        sla.apply_targets(ticket, await sla.targets_for(session, settings, ticket))
        await sla.reschedule(session, ticket, calendar)
    ticket.version += 1
    await record_step(
        session,
        ticket,
        kind="changed",
        actor=principal.member_id,
        at=now,
        before=before,
        after=changes,
    )
    await session.flush()
    return ticket
