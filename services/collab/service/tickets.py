"""Tickets between units: opening, editing, the status machine, comments, attachments,
and the conflict path (root cause, negotiation, escalation to a mediator, decision).

Statuses: open > in_progress > waiting_on_requester > resolved > closed, and reopen. The
first response is the owner side's first comment or move; waiting on the requester stops
the clock, and so does resolving."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.events import TicketOpened, TicketResolved, outbox
from collab.models import Ticket, TicketAttachment, TicketComment, TicketStep
from collab.schemas import (
    AttachmentCreate,
    CommentCreate,
    DecisionCreate,
    EscalationCreate,
    NegotiationCreate,
    RootCauseCreate,
    SlaRead,
    Status,
    TicketCreate,
    TicketRead,
    TicketUpdate,
)
from collab.service import sla
from collab.service.access import (
    is_mediator,
    on_owner_side,
    on_requester_side,
    repository_visibility,
    require_owner_side,
    require_party,
    require_requester_side,
    require_ticket_visible,
    sees_everything,
)
from collab.service.calendar import BusinessCalendar, hours_to_seconds
from collab.settings import Settings
from shared.api import check_if_match, created_cursor_position, created_page
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, Unprocessable, invalid

NEXT: dict[Status, set[Status]] = {
    Status.open: {Status.in_progress, Status.waiting_on_requester, Status.resolved},
    Status.in_progress: {Status.waiting_on_requester, Status.resolved},
    Status.waiting_on_requester: {Status.in_progress, Status.resolved},
    Status.resolved: {Status.closed},
    Status.closed: set(),
}


async def _step(
    session: AsyncSession, ticket: Ticket, *, kind: str, actor: str, at: datetime, **detail: Any
) -> None:
    await repository.add(
        session,
        row=TicketStep(
            id=str(uuid.uuid4()),
            ticket_id=ticket.id,
            kind=kind,
            actor_id=actor,
            at=at,
            detail={k: v for k, v in detail.items() if v is not None},
        ),
    )


async def _targets(session: AsyncSession, settings: Settings, ticket: Ticket) -> sla.Targets:
    return sla.choose_targets(
        await repository.active_policies(session),
        settings,
        category=ticket.category,
        priority=ticket.priority,
        requester_unit_id=ticket.requester_unit_id,
        owner_unit_id=ticket.owner_unit_id,
    )


async def _calendar(session: AsyncSession, settings: Settings, ticket: Ticket) -> BusinessCalendar:
    return await sla.calendar_for(session, settings, unit_id=ticket.owner_unit_id)


async def open_ticket(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    body: TicketCreate,
    now: datetime,
    idempotency_key: str | None = None,
) -> Ticket:
    """Open a ticket from one of your units to another; publishes ``TicketOpened``.

    A retry with the same ``idempotency_key`` and body returns the first ticket; the same
    key with another body is refused."""
    if not (sees_everything(principal) or body.requester_unit_id in principal.org_units):
        raise Forbidden("you may only ask on behalf of a unit you belong to")
    if body.owner_unit_id == body.requester_unit_id:
        raise invalid("owner_unit_id", "a ticket goes to another unit than the requester's")
    request_hash = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    if idempotency_key is not None:
        earlier = await repository.ticket_by_key(
            session, requester_id=principal.member_id, key=idempotency_key
        )
        if earlier is not None:
            return _replayed(earlier, request_hash)
    ticket = Ticket(
        id=str(uuid.uuid4()),
        title=body.title,
        description=body.description,
        category=body.category,
        priority=body.priority.value,
        status=Status.open.value,
        requester_unit_id=body.requester_unit_id,
        requester_id=principal.member_id,
        owner_unit_id=body.owner_unit_id,
        assignee_id=body.assignee_id,
        business_seconds_used=0,
        clock_since=now,
        opened_at=now,
        response_breached=False,
        resolution_breached=False,
        escalated=False,
        version=1,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
    )
    sla.apply_targets(ticket, await _targets(session, settings, ticket))
    try:
        async with session.begin_nested():
            await repository.add(session, row=ticket)
    except IntegrityError:  # the same key, sent twice at once: the other one won
        earlier = await repository.ticket_by_key(
            session, requester_id=principal.member_id, key=idempotency_key or ""
        )
        if earlier is None:
            raise
        return _replayed(earlier, request_hash)
    await sla.reschedule(session, ticket, await _calendar(session, settings, ticket))
    await _step(session, ticket, kind="opened", actor=principal.member_id, at=now)
    await outbox.publish(
        session,
        TicketOpened(
            ticket_id=ticket.id,
            title=ticket.title,
            category=ticket.category,
            priority=ticket.priority,
            requester_unit_id=ticket.requester_unit_id,
            requester_id=ticket.requester_id,
            owner_unit_id=ticket.owner_unit_id,
            assignee_id=ticket.assignee_id,
            opened_at=now,
            response_target_hours=ticket.response_target_hours,
            resolution_target_hours=ticket.resolution_target_hours,
            response_due_at=ticket.response_due_at,
            resolution_due_at=ticket.resolution_due_at,
            policy_id=ticket.policy_id,
        ),
    )
    return ticket


def _replayed(ticket: Ticket, request_hash: str) -> Ticket:
    if ticket.request_hash != request_hash:
        raise Unprocessable("this Idempotency-Key was used for a different ticket")
    return ticket


async def get_ticket(
    session: AsyncSession, *, principal: Principal, ticket_id: str, for_update: bool = False
) -> Ticket:
    found = await repository.get_ticket(session, ticket_id=ticket_id, for_update=for_update)
    return require_ticket_visible(principal, found)


async def list_tickets(
    session: AsyncSession,
    *,
    principal: Principal,
    status: Status | None,
    unit_id: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Ticket], str | None]:
    rows = await repository.list_tickets(
        session,
        visible=repository_visibility(principal),
        status=status.value if status else None,
        unit_id=unit_id,
        after=created_cursor_position(cursor),
        limit=limit,
    )
    return created_page(rows, limit)


async def to_read(
    session: AsyncSession, *, settings: Settings, ticket: Ticket, now: datetime
) -> TicketRead:
    calendar = await _calendar(session, settings, ticket)
    used = sla.used_seconds(ticket, calendar, max(now, ticket.clock_since or now))
    return TicketRead(
        id=ticket.id,
        title=ticket.title,
        description=ticket.description,
        category=ticket.category,
        priority=ticket.priority,
        status=ticket.status,
        requester_unit_id=ticket.requester_unit_id,
        requester_id=ticket.requester_id,
        owner_unit_id=ticket.owner_unit_id,
        assignee_id=ticket.assignee_id,
        opened_at=ticket.opened_at,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
        root_cause=ticket.root_cause,
        escalated=ticket.escalated,
        mediator_id=ticket.mediator_id,
        version=ticket.version,
        sla=SlaRead(
            policy_id=ticket.policy_id,
            response_target_hours=ticket.response_target_hours,
            resolution_target_hours=ticket.resolution_target_hours,
            at_risk_share=ticket.at_risk_share,
            business_hours_used=sla.hours(used),
            running=ticket.clock_since is not None,
            response_due_at=ticket.response_due_at,
            resolution_due_at=ticket.resolution_due_at,
            first_response_at=ticket.first_response_at,
            response_business_hours=ticket.response_business_hours,
            resolution_business_hours=ticket.resolution_business_hours,
            response_breached=ticket.response_breached,
            resolution_breached=ticket.resolution_breached,
        ),
    )


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
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id, for_update=True)
    require_party(principal, ticket, "change a ticket")
    check_if_match(if_match, ticket.id, ticket.version)
    if ticket.status in (Status.resolved, Status.closed):
        raise Conflict(f"a {ticket.status} ticket changes only by reopening it")
    changes = {
        field: value.value if hasattr(value, "value") else value
        for field, value in body.model_dump(exclude_unset=True).items()
        if getattr(ticket, field) != (value.value if hasattr(value, "value") else value)
    }
    if "priority" in changes or "assignee_id" in changes:
        require_owner_side(principal, ticket, "change the priority or the assignee")
    if not changes:
        return ticket
    calendar = await _calendar(session, settings, ticket)
    before = {field: getattr(ticket, field) for field in changes}
    for field, value in changes.items():
        setattr(ticket, field, value)
    if {"priority", "category"} & changes.keys():
        # Settle the old targets up to now, then move the deadlines to the new ones.
        await sla.settle_due(
            session, ticket=ticket, kinds=sla.RESPONSE_KINDS + sla.RESOLUTION_KINDS, now=now
        )
        sla.apply_targets(ticket, await _targets(session, settings, ticket))
        await sla.reschedule(session, ticket, calendar)
    ticket.version += 1
    await _step(
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


async def _first_response(
    session: AsyncSession, ticket: Ticket, calendar: BusinessCalendar, now: datetime
) -> None:
    if ticket.first_response_at is not None:
        return
    await sla.settle_due(session, ticket=ticket, kinds=sla.RESPONSE_KINDS, now=now)
    ticket.first_response_at = now
    ticket.response_business_hours = sla.hours(sla.used_seconds(ticket, calendar, now))
    await sla.reschedule(session, ticket, calendar)


def response_within_sla(ticket: Ticket) -> bool:
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
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id, for_update=True)
    if if_match is not None:
        check_if_match(if_match, ticket.id, ticket.version)
    current = Status(ticket.status)
    if to not in NEXT[current]:
        raise Conflict(f"a ticket cannot go from {current} to {to}")
    answered = current == Status.waiting_on_requester and to == Status.in_progress
    if to == Status.closed or answered:
        require_party(principal, ticket, f"move a ticket to {to}")
    else:
        require_owner_side(principal, ticket, f"move a ticket to {to}")
    calendar = await _calendar(session, settings, ticket)
    if to != Status.closed:  # only the owner side moves a ticket out of open
        await _first_response(session, ticket, calendar, now)
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
    await _step(
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
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id, for_update=True)
    if ticket.status not in (Status.resolved, Status.closed):
        raise Conflict(
            f"only a resolved or closed ticket can be reopened, not a {ticket.status} one"
        )
    require_requester_side(principal, ticket, "reopen a ticket")
    previous = ticket.status
    ticket.status = Status.in_progress.value
    ticket.resolved_at = None
    ticket.closed_at = None
    ticket.resolution_business_hours = None
    sla.start_clock(ticket, now)
    await sla.reschedule(session, ticket, await _calendar(session, settings, ticket))
    ticket.version += 1
    await _step(
        session,
        ticket,
        kind="reopened",
        actor=principal.member_id,
        at=now,
        **{"from": previous, "reason": reason},
    )
    await session.flush()
    return ticket


async def add_comment(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    ticket_id: str,
    body: CommentCreate,
    now: datetime,
) -> TicketComment:
    """A comment; the owner side's first one is the ticket's first response."""
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id, for_update=True)
    if not (
        sees_everything(principal)
        or on_owner_side(principal, ticket)
        or on_requester_side(principal, ticket)
        or is_mediator(principal, ticket)
    ):
        raise Forbidden("only the ticket's parties may comment")
    if on_owner_side(principal, ticket) and ticket.status not in (Status.resolved, Status.closed):
        await _first_response(session, ticket, await _calendar(session, settings, ticket), now)
    comment: TicketComment = await repository.add(
        session,
        row=TicketComment(
            id=str(uuid.uuid4()),
            ticket_id=ticket.id,
            author_id=principal.member_id,
            body=body.body,
            at=now,
        ),
    )
    return comment


async def comments(
    session: AsyncSession, *, principal: Principal, ticket_id: str
) -> list[TicketComment]:
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id)
    return await repository.comments_of(session, ticket_id=ticket.id)


async def add_attachment(
    session: AsyncSession, *, principal: Principal, ticket_id: str, body: AttachmentCreate
) -> TicketAttachment:
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id)
    require_party(principal, ticket, "attach files")
    attachment: TicketAttachment = await repository.add(
        session,
        row=TicketAttachment(
            id=str(uuid.uuid4()),
            ticket_id=ticket.id,
            name=body.name,
            url=str(body.url),
            media_type=body.media_type,
            added_by=principal.member_id,
        ),
    )
    return attachment


async def attachments(
    session: AsyncSession, *, principal: Principal, ticket_id: str
) -> list[TicketAttachment]:
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id)
    return await repository.attachments_of(session, ticket_id=ticket.id)


async def steps(session: AsyncSession, *, principal: Principal, ticket_id: str) -> list[TicketStep]:
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id)
    return await repository.steps_of(session, ticket_id=ticket.id)


# ----------------------------------------------------------------------------- conflicts


async def note_root_cause(
    session: AsyncSession,
    *,
    principal: Principal,
    ticket_id: str,
    body: RootCauseCreate,
    now: datetime,
) -> TicketStep:
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id, for_update=True)
    require_party(principal, ticket, "note a root cause")
    ticket.root_cause = body.root_cause.value
    ticket.version += 1
    return await _conflict_step(
        session,
        ticket,
        "root_cause",
        principal,
        now,
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
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id)
    require_party(principal, ticket, "record a negotiation")
    return await _conflict_step(session, ticket, "negotiation", principal, now, note=body.note)


async def escalate(
    session: AsyncSession,
    *,
    principal: Principal,
    ticket_id: str,
    body: EscalationCreate,
    now: datetime,
) -> TicketStep:
    """Hand the conflict to a named third party, who then sees the ticket."""
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id, for_update=True)
    require_party(principal, ticket, "escalate a ticket")
    if ticket.status in (Status.resolved, Status.closed):
        raise Conflict(f"a {ticket.status} ticket is not escalated")
    if body.mediator_id in (ticket.requester_id, ticket.assignee_id):
        raise invalid("mediator_id", "the mediator must be a third party, not a side of the ticket")
    ticket.escalated = True
    ticket.mediator_id = body.mediator_id
    ticket.version += 1
    return await _conflict_step(
        session,
        ticket,
        "escalation",
        principal,
        now,
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
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id, for_update=True)
    if ticket.escalated:
        if not (is_mediator(principal, ticket) or sees_everything(principal)):
            raise Forbidden("once escalated, the mediator records the decision")
    else:
        require_party(principal, ticket, "record a decision")
    ticket.version += 1
    return await _conflict_step(
        session, ticket, "decision", principal, now, decision=body.decision, note=body.note
    )


async def _conflict_step(
    session: AsyncSession,
    ticket: Ticket,
    kind: str,
    principal: Principal,
    now: datetime,
    **detail: Any,
) -> TicketStep:
    step = TicketStep(
        id=str(uuid.uuid4()),
        ticket_id=ticket.id,
        kind=kind,
        actor_id=principal.member_id,
        at=now,
        detail={k: v for k, v in detail.items() if v is not None},
    )
    await repository.add(session, row=step)
    return step
