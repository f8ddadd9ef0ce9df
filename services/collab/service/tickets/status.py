"""The status machine: open > in_progress > waiting_on_requester > resolved > closed, and
reopen. The first response is the owner side's first comment or move; waiting on the
requester stops the clock, and so does resolving."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.events import TicketResolved, outbox
from collab.models import Ticket
from collab.schemas import Status
from collab.service import sla
from collab.service.access import (
    require_owner_side,
    require_party,
    require_requester_side,
    scope_of,
)
from collab.service.calendar import BusinessCalendar, hours_to_seconds
from collab.service.tickets.history import lock_for_change, record_step
from collab.settings import Settings
from shared.api import check_if_match
from shared.auth import Principal
from shared.errors import Conflict

NEXT: dict[Status, set[Status]] = {
    Status.open: {Status.in_progress, Status.waiting_on_requester, Status.resolved},
    Status.in_progress: {Status.waiting_on_requester, Status.resolved},
    Status.waiting_on_requester: {Status.in_progress, Status.resolved},
    Status.resolved: {Status.closed},
    Status.closed: set(),
}


async def first_response(
    session: AsyncSession, ticket: Ticket, calendar: BusinessCalendar, now: datetime
) -> None:
    """Record the ticket's first response at ``now`` (once): its business hours, the
    response deadlines settled or dropped."""
    if ticket.first_response_at is not None:
        return
    await sla.settle_due(session, ticket=ticket, kinds=sla.RESPONSE_KINDS, now=now)
    ticket.first_response_at = now
    ticket.response_business_hours = sla.hours(sla.used_seconds(ticket, calendar, now))
    await sla.reschedule(session, ticket, calendar)


def response_within_sla(ticket: Ticket) -> bool:
    """Whether the first response came within its target and without a breach."""
    return (
        not ticket.response_breached
        and ticket.response_business_hours is not None
        and hours_to_seconds(ticket.response_business_hours)
        <= hours_to_seconds(ticket.response_target_hours)
    )


async def transition(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    ticket_id: str,
    to: Status,
    note: str | None,
    if_match: str | None,
    now: datetime,
) -> Ticket:
    """Move a ticket along its states; an illegal move is 409."""
    scope = await scope_of(session, principal)
    ticket, now = await lock_for_change(session, scope=scope, ticket_id=ticket_id, now=now)
    if if_match is not None:
        check_if_match(if_match, ticket.id, ticket.version)
    current = Status(ticket.status)
    if to not in NEXT[current]:
        raise Conflict(f"a ticket cannot go from {current} to {to}")
    answered = current == Status.waiting_on_requester and to == Status.in_progress
    if to == Status.closed or answered:
        require_party(scope, ticket, f"move a ticket to {to}")
    else:
        require_owner_side(scope, ticket, f"move a ticket to {to}")
    calendar = await sla.owner_calendar(session, settings, ticket)
    if to != Status.closed:  # only the owner side moves a ticket out of open
        await first_response(session, ticket, calendar, now)
    if to == Status.waiting_on_requester:
        await sla.settle_due(session, ticket=ticket, kinds=sla.RESOLUTION_KINDS, now=now)
        sla.stop_clock(ticket, calendar, now)
    elif to == Status.in_progress:
        sla.start_clock(ticket, now)
    elif to == Status.resolved:
        await _resolve(session, ticket, calendar, now)
    elif to == Status.closed:
        ticket.closed_at = now
    ticket.status = to.value
    await sla.reschedule(session, ticket, calendar)
    ticket.version += 1
    await record_step(
        session,
        ticket,
        kind="status",
        actor=principal.member_id,
        at=now,
        **{"from": current.value, "to": to.value, "note": note},
    )
    await session.flush()
    return ticket


async def _resolve(
    session: AsyncSession, ticket: Ticket, calendar: BusinessCalendar, now: datetime
) -> None:
    await sla.settle_due(session, ticket=ticket, kinds=sla.RESOLUTION_KINDS, now=now)
    sla.stop_clock(ticket, calendar, now)
    ticket.resolved_at = now
    ticket.resolution_business_hours = sla.hours(ticket.business_seconds_used)
    if ticket.first_response_at is None:  # resolving answers, too
        ticket.first_response_at = now
        ticket.response_business_hours = ticket.resolution_business_hours
    reopened = await _was_reopened(session, ticket)
    await outbox.publish(
        session,
        TicketResolved(
            ticket_id=ticket.id,
            assignee_id=ticket.assignee_id,
            requester_unit_id=ticket.requester_unit_id,
            owner_unit_id=ticket.owner_unit_id,
            category=ticket.category,
            priority=ticket.priority,
            opened_at=ticket.opened_at,
            first_response_at=ticket.first_response_at,
            resolved_at=now,
            response_business_hours=ticket.response_business_hours or sla.hours(0),
            resolution_business_hours=ticket.resolution_business_hours,
            response_target_hours=ticket.response_target_hours,
            resolution_target_hours=ticket.resolution_target_hours,
            first_response_within_sla=response_within_sla(ticket),
            resolved_within_sla=not ticket.resolution_breached
            and ticket.business_seconds_used <= hours_to_seconds(ticket.resolution_target_hours),
            reopened=reopened,
        ),
    )


async def _was_reopened(session: AsyncSession, ticket: Ticket) -> bool:
    return any(
        step.kind == "reopened" for step in await repository.steps_of(session, ticket_id=ticket.id)
    )


async def reopen(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    ticket_id: str,
    reason: str,
    now: datetime,
) -> Ticket:
    """Reopen a resolved or closed ticket: its clock runs on from the time it had used; a
    breach that already fired is not published again."""
    scope = await scope_of(session, principal)
    ticket, now = await lock_for_change(session, scope=scope, ticket_id=ticket_id, now=now)
    if ticket.status not in (Status.resolved, Status.closed):
        raise Conflict(
            f"only a resolved or closed ticket can be reopened, not a {ticket.status} one"
        )
    require_requester_side(scope, ticket, "reopen a ticket")
    previous = ticket.status
    ticket.status = Status.in_progress.value
    ticket.resolved_at = None
    ticket.closed_at = None
    ticket.resolution_business_hours = None
    sla.start_clock(ticket, now)
    await sla.reschedule(session, ticket, await sla.owner_calendar(session, settings, ticket))
    ticket.version += 1
    await record_step(
        session,
        ticket,
        kind="reopened",
        actor=principal.member_id,
        at=now,
        **{"from": previous, "reason": reason},
    )
    await session.flush()
    return ticket
