"""Opening a ticket (once, whatever retries), and reading tickets with their SLA state."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, not_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.events import Clock, TicketOpened, outbox
from collab.models import Ticket
from collab.schemas import SlaRead, Status, TicketCreate, TicketRead
from collab.service import sla
from collab.service.access import repository_visibility, require_may_ask_for, scope_of
from collab.service.searching import index_ticket, search_of
from collab.service.sla_state import clock_state
from collab.service.tickets.history import record_step
from collab.settings import Settings
from shared.auth import Principal
from shared.errors import Unprocessable, invalid
from shared.paging import PageQuery


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
    require_may_ask_for(await scope_of(session, principal), body.requester_unit_id)
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
    index_ticket(ticket)
    sla.apply_targets(ticket, await sla.targets_for(session, settings, ticket))
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
    await sla.reschedule(session, ticket, await sla.owner_calendar(session, settings, ticket))
    await record_step(session, ticket, kind="opened", actor=principal.member_id, at=now)
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


async def list_tickets(
    session: AsyncSession,
    *,
    principal: Principal,
    status: Status | None,
    unit_id: str | None,
    page: PageQuery,
    text: str | None = None,
    at_risk: bool | None = None,
    breached: bool | None = None,
    now: datetime | None = None,
) -> tuple[list[Ticket], str | None]:
    """A page of the tickets the principal may see and the next cursor; with ``text``, only
    those whose title or description holds every part of it (read as the knowledge base's
    search reads it), none when it has nothing to search for (only punctuation); with
    ``at_risk`` or ``breached``, only those whose flag at ``now`` is that (as ``to_read``
    shows them)."""
    search, finds_nothing = search_of(text)
    if finds_nothing:
        return [], None
    flags = []
    if at_risk is not None and now is not None:
        condition = repository.at_risk_condition(now)
        flags.append(condition if at_risk else not_(condition))
    if breached is not None and now is not None:
        condition = repository.breached_condition(now)
        flags.append(condition if breached else not_(condition))
    return await repository.list_tickets(
        session,
        visible=repository_visibility(await scope_of(session, principal)),
        status=status.value if status else None,
        unit_id=unit_id,
        page=page,
        search=search,
        flags=and_(*flags) if flags else None,
    )


async def to_read(
    session: AsyncSession, *, settings: Settings, ticket: Ticket, now: datetime
) -> TicketRead:
    """A ticket as the API shows it, with the business time its clock has used by ``now``."""
    calendar = await sla.owner_calendar(session, settings, ticket)
    # A change may be recorded a little after the request's ``now`` (see lock_for_change).
    used = sla.used_seconds(ticket, calendar, max(now, ticket.clock_since or now))
    response = clock_state(ticket, Clock.response, used)
    resolution = clock_state(ticket, Clock.resolution, used)
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
        at_risk=response.at_risk or resolution.at_risk,
        breached=response.breached or resolution.breached,
        sla=SlaRead(
            policy_id=ticket.policy_id,
            response_target_hours=ticket.response_target_hours,
            resolution_target_hours=ticket.resolution_target_hours,
            at_risk_share=ticket.at_risk_share,
            business_hours_used=sla.hours(used),
            running=ticket.clock_since is not None,
            timezone=calendar.timezone,
            response_due_at=ticket.response_due_at,
            response_due_local=sla.local(ticket.response_due_at, calendar),
            resolution_due_at=ticket.resolution_due_at,
            resolution_due_local=sla.local(ticket.resolution_due_at, calendar),
            first_response_at=ticket.first_response_at,
            response_business_hours=ticket.response_business_hours,
            resolution_business_hours=ticket.resolution_business_hours,
            response_breached=ticket.response_breached,
            resolution_breached=ticket.resolution_breached,
            response_remaining_hours=_hours(response.remaining_seconds),
            resolution_remaining_hours=_hours(resolution.remaining_seconds),
            response_at_risk=response.at_risk,
            resolution_at_risk=resolution.at_risk,
        ),
    )


def _hours(seconds: int | None) -> Decimal | None:
    return sla.hours(seconds) if seconds is not None else None
