"""Bodies of meetings, their minutes and the action items they agree."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from collab.schemas.common import (
    MEETING_ID,
    MONTH_PATTERN,
    SPECS_ACTION,
    TICKET_ID,
    Day,
    Ident,
    Ids,
    LongText,
    Text200,
    Url,
)
from shared.api import RequestModel, examples

AGENDA_EXAMPLE = [{"item": "Spring campaign: product facts late", "ticket_id": TICKET_ID}]
FUNNEL = {"name": "Q1 funnel.xlsx", "url": "https://drive.example.com/d/q1-funnel.xlsx"}
WEEKLY: dict[str, Any] = {
    "title": "Marketing x Product weekly",
    "goal": "Agree the spring launch dates",
    "agenda": AGENDA_EXAMPLE,
    "scheduled_at": "2026-03-12T02:00:00Z",
    "unit_ids": ["u-marketing", "u-product"],
    "host_id": "m-li",
    "recorder_id": "m-chen",
    "speaker_ids": ["m-wang"],
    "attendee_ids": ["m-zhao"],
}


class ActionStatus(StrEnum):
    open = "open"
    done = "done"


class ActionState(StrEnum):
    """What ``GET /collab/action-items`` filters by: ``open`` (overdue ones too), ``done``, or
    ``overdue`` (open and due before today)."""

    open = "open"
    done = "done"
    overdue = "overdue"


class AgendaItem(RequestModel):
    model_config = examples(AGENDA_EXAMPLE[0])

    item: Text200
    ticket_id: Ident | None = None


class Material(RequestModel):
    model_config = examples(FUNNEL)

    name: Text200
    url: Url


class ActionItemCreate(RequestModel):
    model_config = examples(SPECS_ACTION)

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    owner_id: Ident
    due_on: Day


class ActionItemRead(BaseModel):
    model_config = examples(
        {
            **SPECS_ACTION,
            "id": "ad1e2f3a-4b5c-4d6e-9f7a-8b9c0d1e2f3a",
            "source_type": "meeting",
            "source_id": MEETING_ID,
            "status": "open",
            "done_at": None,
            "version": 1,
        },
        from_attributes=True,
    )

    id: str
    source_type: str
    source_id: str
    title: str
    owner_id: str
    due_on: date
    status: ActionStatus
    done_at: datetime | None
    version: int


class ActionItemUpdate(RequestModel):
    """Mark an action done (or open again); guarded by If-Match."""

    model_config = examples({"status": "done"})

    status: ActionStatus


class MeetingCreate(RequestModel):
    """A meeting needs a goal and an agenda; roles name a host, a recorder and speakers."""

    model_config = examples({**WEEKLY, "materials": [FUNNEL]})

    title: Text200
    goal: LongText
    agenda: list[AgendaItem] = Field(min_length=1, max_length=100)
    scheduled_at: AwareDatetime
    unit_ids: Ids = Field(default_factory=list)
    host_id: Ident
    recorder_id: Ident
    speaker_ids: Ids = Field(default_factory=list)
    attendee_ids: Ids = Field(default_factory=list)
    materials: list[Material] = Field(default_factory=list, max_length=100)


class MonthlyMeetingCreate(RequestModel):
    """Generate the month's cross-department meeting; its agenda is the open bottlenecks
    (breached or escalated tickets)."""

    model_config = examples(
        {
            "month": "2026-03",
            "scheduled_at": "2026-03-30T06:00:00Z",
            "host_id": "m-director",
            "recorder_id": "m-chen",
            "attendee_ids": ["m-li", "m-wang"],
        }
    )

    month: Annotated[str, StringConstraints(pattern=MONTH_PATTERN)]
    scheduled_at: AwareDatetime
    host_id: Ident
    recorder_id: Ident
    attendee_ids: Ids = Field(default_factory=list)


class MinutesCreate(RequestModel):
    """Minutes after the meeting, with the action items it agreed."""

    model_config = examples(
        {
            "minutes": "Product sends the specs by Thursday; the page goes live Monday.",
            "action_items": [SPECS_ACTION],
        }
    )

    minutes: LongText
    action_items: list[ActionItemCreate] = Field(default_factory=list, max_length=100)


class MeetingRead(BaseModel):
    model_config = examples(
        {
            **WEEKLY,
            "id": MEETING_ID,
            "kind": "regular",
            "month": None,
            "materials": [],
            "minutes": None,
            "minutes_by": None,
            "minutes_at": None,
            "action_items": [],
        }
    )

    id: str
    kind: str
    month: str | None
    title: str
    goal: str
    agenda: list[dict[str, Any]]
    scheduled_at: datetime
    unit_ids: list[str]
    host_id: str
    recorder_id: str
    speaker_ids: list[str]
    attendee_ids: list[str]
    materials: list[dict[str, Any]]
    minutes: str | None
    minutes_by: str | None
    minutes_at: datetime | None
    action_items: list[ActionItemRead]
