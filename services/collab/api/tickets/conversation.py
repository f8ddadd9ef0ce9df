"""A ticket's conversation and record: comments, attachments, and the steps that happened
to it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from collab import repository
from collab.api.deps import NowDep, SettingsDep
from collab.schemas import (
    AttachmentCreate,
    AttachmentRead,
    CommentCreate,
    CommentRead,
    StepRead,
)
from collab.service import tickets
from shared.api import Page
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["tickets"])
CommentPage = Annotated[
    PageQuery, Depends(page_query(sortable=repository.COMMENT_SORTS, default="at"))
]
AttachmentPage = Annotated[
    PageQuery, Depends(page_query(sortable=repository.ATTACHMENT_SORTS, default="created_at"))
]
StepPage = Annotated[PageQuery, Depends(page_query(sortable=repository.STEP_SORTS, default="at"))]


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
