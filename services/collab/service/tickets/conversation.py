"""The conversation on a ticket: comments (the owner side's first one is the first
response), attachments, and the recorded steps."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import TicketAttachment, TicketComment, TicketStep
from collab.schemas import AttachmentCreate, CommentCreate, Status, StepRead
from collab.service import sla
from collab.service.access import (
    is_mediator,
    on_owner_side,
    on_requester_side,
    require_party,
    scope_of,
)
from collab.service.calendar import BusinessCalendar
from collab.service.tickets.history import find_ticket, get_ticket, lock_for_change
from collab.service.tickets.status import first_response
from collab.settings import Settings
from shared.auth import Principal
from shared.errors import Forbidden
from shared.paging import PageQuery

SLA_STEP_KINDS = frozenset({"sla_at_risk", "sla_breached"})


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
    scope = await scope_of(session, principal)
    ticket, now = await lock_for_change(session, scope=scope, ticket_id=ticket_id, now=now)
    if not (
        scope.everything
        or on_owner_side(scope, ticket)
        or on_requester_side(scope, ticket)
        or is_mediator(scope, ticket)
    ):
        raise Forbidden("only the ticket's parties may comment")
    if on_owner_side(scope, ticket) and ticket.status not in (Status.resolved, Status.closed):
        calendar = await sla.owner_calendar(session, settings, ticket)
        await first_response(session, ticket, calendar, now)
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
    session: AsyncSession, *, principal: Principal, ticket_id: str, page: PageQuery
) -> tuple[list[TicketComment], str | None]:
    """One page of a ticket's comments and the next cursor."""
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id)
    return await repository.comments_of(session, ticket_id=ticket.id, page=page)


async def add_attachment(
    session: AsyncSession, *, principal: Principal, ticket_id: str, body: AttachmentCreate
) -> TicketAttachment:
    """Attach a file by reference (no lock: an attachment changes nothing derived)."""
    scope = await scope_of(session, principal)
    ticket = await find_ticket(session, scope=scope, ticket_id=ticket_id)
    require_party(scope, ticket, "attach files")
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
    session: AsyncSession, *, principal: Principal, ticket_id: str, page: PageQuery
) -> tuple[list[TicketAttachment], str | None]:
    """One page of a ticket's attachments and the next cursor."""
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id)
    return await repository.attachments_of(session, ticket_id=ticket.id, page=page)


async def steps(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    ticket_id: str,
    page: PageQuery,
) -> tuple[list[StepRead], str | None]:
    """One page of what happened to a ticket (by default in recorded order); SLA warnings
    and breaches carry their time in the owner unit's zone too."""
    ticket = await get_ticket(session, principal=principal, ticket_id=ticket_id)
    found, next_cursor = await repository.steps_page(session, ticket_id=ticket.id, page=page)
    calendar = None
    if any(step.kind in SLA_STEP_KINDS for step in found):
        calendar = await sla.owner_calendar(session, settings, ticket)
    return [_step_read(step, calendar) for step in found], next_cursor


def _step_read(step: TicketStep, calendar: BusinessCalendar | None) -> StepRead:
    read = StepRead.model_validate(step)
    if calendar is not None and step.kind in SLA_STEP_KINDS:
        read.timezone = calendar.timezone
        read.at_local = sla.local(step.at, calendar)
    return read
