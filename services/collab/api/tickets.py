"""Tickets, their comments, attachments, steps and the conflict path."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from collab import repository
from collab.api.deps import NowDep, SettingsDep
from collab.models import Ticket
from collab.schemas import (
    AttachmentCreate,
    AttachmentRead,
    CommentCreate,
    CommentRead,
    DecisionCreate,
    EscalationCreate,
    NegotiationCreate,
    ReopenCreate,
    RootCauseCreate,
    Status,
    StepRead,
    TicketCreate,
    TicketRead,
    TicketUpdate,
    TransitionCreate,
)
from collab.service import tickets
from shared.api import Page, etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["tickets"])
IfMatch = Annotated[str | None, Header()]
TicketPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=repository.TICKET_SORTS, default="created_at")),
]
CommentPage = Annotated[
    PageQuery, Depends(page_query(sortable=repository.COMMENT_SORTS, default="at"))
]
AttachmentPage = Annotated[
    PageQuery, Depends(page_query(sortable=repository.ATTACHMENT_SORTS, default="created_at"))
]
StepPage = Annotated[PageQuery, Depends(page_query(sortable=repository.STEP_SORTS, default="at"))]


async def _answer(
    session: SessionDep, settings: SettingsDep, ticket: Ticket, now: NowDep, response: Response
) -> TicketRead:
    response.headers["ETag"] = etag_of(ticket.id, ticket.version)
    return await tickets.to_read(session, settings=settings, ticket=ticket, now=now)


@router.post("/tickets", status_code=201, response_model=TicketRead)
async def open_ticket(
    body: TicketCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> TicketRead:
    """Open a ticket from your unit to another; due times follow the owner unit's business
    hours and the matching SLA policy. Publishes ``TicketOpened``. A retry with the same
    ``Idempotency-Key`` and body returns the first ticket; with another body, 422."""
    ticket = await tickets.open_ticket(
        session,
        principal=principal,
        settings=settings,
        body=body,
        now=now,
        idempotency_key=idempotency_key,
    )
    response.headers["Location"] = f"/collab/tickets/{ticket.id}"
    return await _answer(session, settings, ticket, now, response)


@router.get("/tickets", response_model=Page[TicketRead])
async def list_tickets(
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
    page: TicketPage,
    status: Status | None = None,
    unit_id: str | None = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words or a phrase the title or description holds (see the operation)",
        ),
    ] = None,
    at_risk: Annotated[
        bool | None, Query(description="Only tickets whose at_risk flag is this, now")
    ] = None,
    breached: Annotated[
        bool | None, Query(description="Only tickets whose breached flag is this, now")
    ] = None,
) -> Page[TicketRead]:
    """The tickets you may see (yours, your units', for a manager also those of the units
    below, the ones you mediate), oldest first unless ``sort`` says otherwise; ``status``
    and ``unit_id`` (either side) filter them, and so do ``at_risk`` and ``breached``: the
    flags each ticket shows at the moment of the request (see ``TicketRead``).

    ``q`` searches the title and description as the knowledge base is searched (see
    ``GET /collab/knowledge-articles``): every part must appear, one or two Chinese
    characters anywhere (``营销`` inside ``营销活动``), an English word as a prefix; only
    among the tickets you may see. ``sort=-relevance`` puts the best matches first (a
    ticket whose whole title is ``q`` first, title matches above description matches)."""
    rows, next_cursor = await tickets.list_tickets(
        session,
        principal=principal,
        status=status,
        unit_id=unit_id,
        page=page,
        text=q,
        at_risk=at_risk,
        breached=breached,
        now=now,
    )
    return Page[TicketRead](
        items=[await tickets.to_read(session, settings=settings, ticket=t, now=now) for t in rows],
        next_cursor=next_cursor,
    )


@router.get("/tickets/{ticket_id}", response_model=TicketRead)
async def get_ticket(
    ticket_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
) -> TicketRead:
    """A ticket with its SLA state and its ETag; 404 unless it is yours to see."""
    ticket = await tickets.get_ticket(session, principal=principal, ticket_id=ticket_id)
    return await _answer(session, settings, ticket, now, response)


@router.patch("/tickets/{ticket_id}", response_model=TicketRead)
async def update_ticket(
    ticket_id: str,
    body: TicketUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
    if_match: IfMatch = None,
) -> TicketRead:
    """Change title, description, category, priority or assignee; guarded by If-Match."""
    ticket = await tickets.update_ticket(
        session,
        principal=principal,
        settings=settings,
        ticket_id=ticket_id,
        body=body,
        if_match=if_match,
        now=now,
    )
    return await _answer(session, settings, ticket, now, response)


@router.post("/tickets/{ticket_id}/transition", response_model=TicketRead)
async def transition(
    ticket_id: str,
    body: TransitionCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
    if_match: IfMatch = None,
) -> TicketRead:
    """Move the ticket to another status (409 for a move its state does not allow);
    resolving publishes ``TicketResolved``. If-Match is checked when sent."""
    ticket = await tickets.transition(
        session,
        principal=principal,
        settings=settings,
        ticket_id=ticket_id,
        to=body.to,
        note=body.note,
        if_match=if_match,
        now=now,
    )
    return await _answer(session, settings, ticket, now, response)


@router.post("/tickets/{ticket_id}/reopen", response_model=TicketRead)
async def reopen(
    ticket_id: str,
    body: ReopenCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
) -> TicketRead:
    """Reopen a resolved or closed ticket (the requester's side), with a reason."""
    ticket = await tickets.reopen(
        session,
        principal=principal,
        settings=settings,
        ticket_id=ticket_id,
        reason=body.reason,
        now=now,
    )
    return await _answer(session, settings, ticket, now, response)


@router.post("/tickets/{ticket_id}/comments", status_code=201, response_model=CommentRead)
async def add_comment(
    ticket_id: str,
    body: CommentCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
) -> CommentRead:
    """Comment; the owner side's first comment is the ticket's first response."""
    comment = await tickets.add_comment(
        session, principal=principal, settings=settings, ticket_id=ticket_id, body=body, now=now
    )
    return CommentRead.model_validate(comment)


@router.get("/tickets/{ticket_id}/comments", response_model=Page[CommentRead])
async def list_comments(
    ticket_id: str, session: SessionDep, principal: CurrentPrincipal, page: CommentPage
) -> Page[CommentRead]:
    """The ticket's comments, oldest first unless ``sort`` says otherwise."""
    found, next_cursor = await tickets.comments(
        session, principal=principal, ticket_id=ticket_id, page=page
    )
    return Page[CommentRead](
        items=[CommentRead.model_validate(c) for c in found], next_cursor=next_cursor
    )


@router.post("/tickets/{ticket_id}/attachments", status_code=201, response_model=AttachmentRead)
async def add_attachment(
    ticket_id: str, body: AttachmentCreate, session: SessionDep, principal: CurrentPrincipal
) -> AttachmentRead:
    """Attach a file by reference (its address in a document store)."""
    found = await tickets.add_attachment(
        session, principal=principal, ticket_id=ticket_id, body=body
    )
    return AttachmentRead.model_validate(found)


@router.get("/tickets/{ticket_id}/attachments", response_model=Page[AttachmentRead])
async def list_attachments(
    ticket_id: str, session: SessionDep, principal: CurrentPrincipal, page: AttachmentPage
) -> Page[AttachmentRead]:
    """The ticket's attachments, in the order they were added unless ``sort`` says
    otherwise."""
    found, next_cursor = await tickets.attachments(
        session, principal=principal, ticket_id=ticket_id, page=page
    )
    return Page[AttachmentRead](
        items=[AttachmentRead.model_validate(a) for a in found], next_cursor=next_cursor
    )


@router.get("/tickets/{ticket_id}/steps", response_model=Page[StepRead])
async def list_steps(
    ticket_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    page: StepPage,
) -> Page[StepRead]:
    """Everything that happened to the ticket, with who and when, in order (unless ``sort``
    says otherwise): status moves, changes, SLA warnings and breaches, and the conflict
    path. SLA warnings and breaches give their time in the owner unit's zone too
    (``timezone``, ``at_local``)."""
    found, next_cursor = await tickets.steps(
        session, principal=principal, settings=settings, ticket_id=ticket_id, page=page
    )
    return Page[StepRead](items=found, next_cursor=next_cursor)


@router.post("/tickets/{ticket_id}/root-cause", status_code=201, response_model=StepRead)
async def note_root_cause(
    ticket_id: str,
    body: RootCauseCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> StepRead:
    """Record why the sides disagree (goals disagree, resources contested, ...)."""
    step = await tickets.note_root_cause(
        session, principal=principal, ticket_id=ticket_id, body=body, now=now
    )
    return StepRead.model_validate(step)


@router.post("/tickets/{ticket_id}/negotiations", status_code=201, response_model=StepRead)
async def negotiate(
    ticket_id: str,
    body: NegotiationCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> StepRead:
    """Record a round of negotiation between the sides."""
    step = await tickets.negotiate(
        session, principal=principal, ticket_id=ticket_id, body=body, now=now
    )
    return StepRead.model_validate(step)


@router.post("/tickets/{ticket_id}/escalation", status_code=201, response_model=StepRead)
async def escalate(
    ticket_id: str,
    body: EscalationCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> StepRead:
    """Escalate to a named third party who mediates or arbitrates (and then sees it)."""
    step = await tickets.escalate(
        session, principal=principal, ticket_id=ticket_id, body=body, now=now
    )
    return StepRead.model_validate(step)


@router.post("/tickets/{ticket_id}/decision", status_code=201, response_model=StepRead)
async def decide(
    ticket_id: str,
    body: DecisionCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> StepRead:
    """Record the decision: the mediator's once escalated, else the parties' agreement."""
    step = await tickets.decide(
        session, principal=principal, ticket_id=ticket_id, body=body, now=now
    )
    return StepRead.model_validate(step)
