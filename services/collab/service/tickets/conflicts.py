"""The conflict path of a ticket: the root cause noted, negotiation, escalation to a third
party who mediates or arbitrates, and the decision; each step with who and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from collab.models import TicketStep
from collab.schemas import (
    DecisionCreate,
    EscalationCreate,
    NegotiationCreate,
    RootCauseCreate,
    Status,
)
from collab.service.access import is_mediator, require_party, scope_of
from collab.service.tickets.history import lock_for_change, record_step
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, invalid


async def note_root_cause(
    session: AsyncSession,
    *,
    principal: Principal,
    ticket_id: str,
    body: RootCauseCreate,
    now: datetime,
) -> TicketStep:
    """Record why the sides disagree (goals disagree, resources contested, ...)."""
    scope = await scope_of(session, principal)
    ticket, now = await lock_for_change(session, scope=scope, ticket_id=ticket_id, now=now)
    require_party(scope, ticket, "note a root cause")
    ticket.root_cause = body.root_cause.value
    ticket.version += 1
    return await record_step(
        session,
        ticket,
        kind="root_cause",
        actor=principal.member_id,
        at=now,
        root_cause=body.root_cause.value,
        note=body.note,
    )


async def negotiate(
    session: AsyncSession,
    *,
    principal: Principal,
    ticket_id: str,
    body: NegotiationCreate,
    now: datetime,
) -> TicketStep:
    """Record a round of negotiation (under the ticket's lock, so that its step takes its
    place in the one history)."""
    scope = await scope_of(session, principal)
    ticket, now = await lock_for_change(session, scope=scope, ticket_id=ticket_id, now=now)
    require_party(scope, ticket, "record a negotiation")
    return await record_step(
        session, ticket, kind="negotiation", actor=principal.member_id, at=now, note=body.note
    )


async def escalate(
    session: AsyncSession,
    *,
    principal: Principal,
    ticket_id: str,
    body: EscalationCreate,
    now: datetime,
) -> TicketStep:
    """Hand the conflict to a named third party, who then sees the ticket."""
    scope = await scope_of(session, principal)
    ticket, now = await lock_for_change(session, scope=scope, ticket_id=ticket_id, now=now)
    require_party(scope, ticket, "escalate a ticket")
    if ticket.status in (Status.resolved, Status.closed):
        raise Conflict(f"a {ticket.status} ticket is not escalated")
    if body.mediator_id in (ticket.requester_id, ticket.assignee_id):
        raise invalid("mediator_id", "the mediator must be a third party, not a side of the ticket")
    ticket.escalated = True
    ticket.mediator_id = body.mediator_id
    ticket.version += 1
    return await record_step(
        session,
        ticket,
        kind="escalation",
        actor=principal.member_id,
        at=now,
        mediator_id=body.mediator_id,
        mode=body.mode.value,
        note=body.note,
    )


async def decide(
    session: AsyncSession,
    *,
    principal: Principal,
    ticket_id: str,
    body: DecisionCreate,
    now: datetime,
) -> TicketStep:
    """The decision: by the mediator once escalated, else agreed by the parties."""
    scope = await scope_of(session, principal)
    ticket, now = await lock_for_change(session, scope=scope, ticket_id=ticket_id, now=now)
    if ticket.escalated:
        if not (is_mediator(scope, ticket) or scope.everything):
            raise Forbidden("once escalated, the mediator records the decision")
    else:
        require_party(scope, ticket, "record a decision")
    ticket.version += 1
    return await record_step(
        session,
        ticket,
        kind="decision",
        actor=principal.member_id,
        at=now,
        decision=body.decision,
        note=body.note,
    )
