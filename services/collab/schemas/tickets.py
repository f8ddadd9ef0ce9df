"""Bodies of tickets: opening, editing and moving them, their comments and attachments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, field_validator

from collab.schemas.common import TICKET_ID, Code, Ident, LongText, Priority, Text200, Url
from collab.schemas.sla import SLA_EXAMPLE, SlaRead
from shared.api import RequestModel, examples

TICKET_TEXT: dict[str, Any] = {
    "title": "New product facts for the spring campaign",
    "description": "新品的卖点和参数, for the landing page.",
    "category": "product_info",
    "priority": "normal",
    "requester_unit_id": "u-marketing",
    "owner_unit_id": "u-product",
    "assignee_id": "m-wang",
}
COMMENT_BODY = "收到, 周三前给到 (we'll send it by Wednesday)."
SPECS_FILE: dict[str, Any] = {
    "name": "spring-specs.pdf",
    "url": "https://drive.example.com/d/spring-specs.pdf",
    "media_type": "application/pdf",
}


class Status(StrEnum):
    open = "open"
    in_progress = "in_progress"
    waiting_on_requester = "waiting_on_requester"
    resolved = "resolved"
    closed = "closed"


class TicketCreate(RequestModel):
    """A request from your unit (``requester_unit_id``) to another (``owner_unit_id``)."""

    model_config = examples(TICKET_TEXT)

    title: Text200
    description: LongText
    category: Code
    priority: Priority = Priority.normal
    requester_unit_id: Ident
    owner_unit_id: Ident
    assignee_id: Ident | None = None


class TicketUpdate(RequestModel):
    """A JSON merge patch of a ticket; guarded by If-Match. A new priority or category
    re-chooses the policy and moves the due times; time already waited stays excluded."""

    model_config = examples({"priority": "high", "assignee_id": "m-zhao"})

    title: Text200 | None = None
    description: LongText | None = None
    category: Code | None = None
    priority: Priority | None = None
    assignee_id: Ident | None = None

    @field_validator("title", "description", "category", "priority")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


class TransitionCreate(RequestModel):
    """Move a ticket: open > in_progress > waiting_on_requester > resolved > closed (waiting
    goes back to in_progress; resolving is allowed from any working state)."""

    model_config = examples({"to": "waiting_on_requester", "note": "Which markets?"})

    to: Status
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ReopenCreate(RequestModel):
    model_config = examples({"reason": "The figures were for last year's model."})

    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class TicketRead(BaseModel):
    model_config = examples(
        {
            **TICKET_TEXT,
            "id": TICKET_ID,
            "status": "open",
            "requester_id": "m-li",
            "opened_at": "2026-03-06T09:00:00Z",
            "resolved_at": None,
            "closed_at": None,
            "root_cause": None,
            "escalated": False,
            "mediator_id": None,
            "version": 1,
            "at_risk": False,
            "breached": False,
            "sla": SLA_EXAMPLE,
        }
    )

    id: str
    title: str
    description: str
    category: str
    priority: Priority
    status: Status
    requester_unit_id: str
    requester_id: str
    owner_unit_id: str
    assignee_id: str | None
    opened_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    root_cause: str | None
    escalated: bool
    mediator_id: str | None
    version: int
    at_risk: bool = Field(description="Either SLA clock is at risk now (see ``sla``)")
    breached: bool = Field(
        description="Either SLA clock has reached its target (now, or when it was met)"
    )
    sla: SlaRead


class CommentCreate(RequestModel):
    model_config = examples({"body": COMMENT_BODY})

    body: LongText


class CommentRead(BaseModel):
    model_config = examples(
        {
            "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
            "author_id": "m-wang",
            "body": COMMENT_BODY,
            "at": "2026-03-09T02:00:00Z",
        },
        from_attributes=True,
    )

    id: str
    author_id: str
    body: str
    at: datetime


class AttachmentCreate(RequestModel):
    """A file kept elsewhere, by reference: collab stores the address, not the bytes."""

    model_config = examples(SPECS_FILE)

    name: Text200
    url: Url
    media_type: Annotated[str, StringConstraints(max_length=100)] | None = None


class AttachmentRead(BaseModel):
    model_config = examples(
        {
            **SPECS_FILE,
            "id": "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e",
            "added_by": "m-wang",
            "created_at": "2026-03-09T02:05:00Z",
        },
        from_attributes=True,
    )

    id: str
    name: str
    url: str
    media_type: str | None
    added_by: str
    created_at: datetime
