"""A ticket's life: opened, listed, read, edited, moved between statuses and reopened.
Each answer carries the ticket's ETag."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from collab import repository
from collab.api.deps import NowDep, SettingsDep
from collab.models import Ticket
from collab.schemas import (
    ReopenCreate,
    Status,
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
