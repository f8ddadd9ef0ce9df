"""Request and response bodies of the collab API, and the slim copies of the events it
consumes (only the fields it needs)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    AnyHttpUrl,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    UrlConstraints,
    field_validator,
)

from shared.api import IsoDate, RequestModel
from shared.events import Consumed
from shared.periods import FIRST_DAY, LAST_DAY

Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=36)]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$")]
WindowText = Annotated[str, StringConstraints(pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$")]
Hours = Annotated[Decimal, Field(gt=0, le=10_000, max_digits=10, decimal_places=4)]
Share = Annotated[Decimal, Field(gt=0, lt=1, max_digits=5, decimal_places=4)]
Url = Annotated[AnyHttpUrl, UrlConstraints(max_length=1000)]
# The supported range of every service (1900-01-01 to 2999-12-31); what a rule adds to a
# day (a retro's due date) is checked where it is added.
Day = Annotated[IsoDate, Field(ge=FIRST_DAY, le=LAST_DAY)]
# A month as the periods write it, in the supported years: 2026-03.
MONTH_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$"
Ids = Annotated[list[Ident], Field(max_length=200)]


def _example(example: dict[str, Any], *, from_attributes: bool = False) -> ConfigDict:
    return ConfigDict(json_schema_extra={"example": example}, from_attributes=from_attributes)


# ----------------------------------------------------------------------------- consumed


class OrgUnitChangedV1(Consumed):
    """Collab's copy of goals' ``OrgUnitChanged`` (version 1)."""

    event_type: ClassVar[str] = "goals.org-unit.changed"

    unit_id: str
    name: str
    kind: str
    parent_id: str | None = None
    version: int


class MemberChangedV1(Consumed):
    """Collab's copy of goals' ``MemberChanged`` (version 1)."""

    event_type: ClassVar[str] = "goals.member.changed"

    member_id: str
    name: str
    home_unit_id: str
    unit_path: list[str] = Field(default_factory=list)
    manager_id: str | None = None
    version: int


# ----------------------------------------------------------------------------- enums


class Priority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class Status(StrEnum):
    open = "open"
    in_progress = "in_progress"
    waiting_on_requester = "waiting_on_requester"
    resolved = "resolved"
    closed = "closed"


class RootCause(StrEnum):
    goals_disagree = "goals_disagree"
    resources_contested = "resources_contested"
    priorities_unclear = "priorities_unclear"
    information_missing = "information_missing"
    process_gap = "process_gap"
    other = "other"


class EscalationMode(StrEnum):
    mediate = "mediate"
    arbitrate = "arbitrate"


class ActionStatus(StrEnum):
    open = "open"
    done = "done"


# ----------------------------------------------------------------------------- calendars

WEEK_EXAMPLE = {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


class CalendarPut(RequestModel):
    """A unit's business hours. Holidays stop work on a weekday; make-up days are weekend
    days worked with ``makeup_hours``."""

    model_config = _example(
        {
            "timezone": "Asia/Shanghai",
            "week": WEEK_EXAMPLE,
            "holidays": ["2026-04-06"],
            "makeup_days": ["2026-04-12"],
            "makeup_hours": ["09:00-18:00"],
        }
    )

    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "Asia/Shanghai"
    week: dict[Weekday, list[WindowText]] = Field(
        default_factory=lambda: {Weekday(d): list(w) for d, w in WEEK_EXAMPLE.items()}
    )
    holidays: list[Day] = Field(default_factory=list, max_length=1000)
    makeup_days: list[Day] = Field(default_factory=list, max_length=1000)
    makeup_hours: list[WindowText] = Field(default_factory=lambda: ["09:00-18:00"], max_length=24)


class CalendarRead(BaseModel):
    model_config = _example(
        {
            "unit_id": "u-product",
            "timezone": "Asia/Shanghai",
            "week": WEEK_EXAMPLE,
            "holidays": ["2026-04-06"],
            "makeup_days": ["2026-04-12"],
            "makeup_hours": ["09:00-18:00"],
            "version": 2,
            "is_default": False,
        }
    )

    unit_id: str
    timezone: str
    week: dict[str, list[str]]
    holidays: list[date]
    makeup_days: list[date]
    makeup_hours: list[str]
    version: int
    is_default: bool


# ----------------------------------------------------------------------------- SLA policies

POLICY_EXAMPLE: dict[str, Any] = {
    "name": "Product facts for marketing",
    "rank": 10,
    "categories": ["product_info"],
    "priorities": [],
    "requester_unit_ids": ["u-marketing"],
    "owner_unit_ids": ["u-product"],
    "first_response_hours": "8",
    "resolution_hours": {"urgent": "4", "high": "16", "normal": "32", "low": "64"},
    "at_risk_share": "0.75",
}


class PolicyCreate(RequestModel):
    """An SLA policy: the lowest rank whose conditions all match a ticket applies; an empty
    condition list matches anything. Priorities missing from ``resolution_hours`` use the
    service's defaults."""

    model_config = _example(POLICY_EXAMPLE)

    name: Text200
    rank: int = Field(default=100, ge=0, le=100_000)
    categories: list[Code] = Field(default_factory=list, max_length=100)
    priorities: list[Priority] = Field(default_factory=list)
    requester_unit_ids: Ids = Field(default_factory=list)
    owner_unit_ids: Ids = Field(default_factory=list)
    first_response_hours: Hours = Decimal(24)
    resolution_hours: dict[Priority, Hours] = Field(default_factory=dict)
    at_risk_share: Share | None = None


class PolicyRead(BaseModel):
    model_config = _example(
        {**POLICY_EXAMPLE, "id": "3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f", "active": True},
        from_attributes=True,
    )

    id: str
    name: str
    rank: int
    categories: list[str]
    priorities: list[str]
    requester_unit_ids: list[str]
    owner_unit_ids: list[str]
    first_response_hours: Decimal
    resolution_hours: dict[str, Decimal]
    at_risk_share: Decimal | None
    active: bool


# ----------------------------------------------------------------------------- tickets

TICKET_ID = "0b7f5c1e-2d3a-4c5b-8e9f-1a2b3c4d5e6f"


class TicketCreate(RequestModel):
    """A request from your unit (``requester_unit_id``) to another (``owner_unit_id``)."""

    model_config = _example(
        {
            "title": "New product facts for the spring campaign",
            "description": "新品的卖点和参数, for the landing page.",
            "category": "product_info",
            "priority": "normal",
            "requester_unit_id": "u-marketing",
            "owner_unit_id": "u-product",
            "assignee_id": "m-wang",
        }
    )

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

    model_config = _example({"priority": "high", "assignee_id": "m-zhao"})

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

    model_config = _example({"to": "waiting_on_requester", "note": "Which markets?"})

    to: Status
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ReopenCreate(RequestModel):
    model_config = _example({"reason": "The figures were for last year's model."})

    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class SlaRead(BaseModel):
    model_config = _example(
        {
            "policy_id": None,
            "response_target_hours": "24",
            "resolution_target_hours": "40",
            "at_risk_share": "0.8",
            "business_hours_used": "3.5000",
            "running": True,
            "response_due_at": "2026-03-11T06:00:00Z",
            "resolution_due_at": "2026-03-13T02:00:00Z",
            "first_response_at": None,
            "response_business_hours": None,
            "resolution_business_hours": None,
            "response_breached": False,
            "resolution_breached": False,
        }
    )

    policy_id: str | None
    response_target_hours: Decimal
    resolution_target_hours: Decimal
    at_risk_share: Decimal
    business_hours_used: Decimal
    running: bool
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_response_at: datetime | None
    response_business_hours: Decimal | None
    resolution_business_hours: Decimal | None
    response_breached: bool
    resolution_breached: bool


class TicketRead(BaseModel):
    model_config = _example(
        {
            "id": TICKET_ID,
            "title": "New product facts for the spring campaign",
            "description": "新品的卖点和参数, for the landing page.",
            "category": "product_info",
            "priority": "normal",
            "status": "open",
            "requester_unit_id": "u-marketing",
            "requester_id": "m-li",
            "owner_unit_id": "u-product",
            "assignee_id": "m-wang",
            "opened_at": "2026-03-06T09:00:00Z",
            "resolved_at": None,
            "closed_at": None,
            "root_cause": None,
            "escalated": False,
            "mediator_id": None,
            "version": 1,
            "sla": SlaRead.model_config["json_schema_extra"]["example"],  # type: ignore[index]
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
    sla: SlaRead


class CommentCreate(RequestModel):
    model_config = _example({"body": "收到, 周三前给到 (we'll send it by Wednesday)."})

    body: LongText


class CommentRead(BaseModel):
    model_config = _example(
        {
            "id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
            "author_id": "m-wang",
            "body": "收到, 周三前给到 (we'll send it by Wednesday).",
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

    model_config = _example(
        {
            "name": "spring-specs.pdf",
            "url": "https://drive.example.com/d/spring-specs.pdf",
            "media_type": "application/pdf",
        }
    )

    name: Text200
    url: Url
    media_type: Annotated[str, StringConstraints(max_length=100)] | None = None


class AttachmentRead(BaseModel):
    model_config = _example(
        {
            "id": "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e",
            "name": "spring-specs.pdf",
            "url": "https://drive.example.com/d/spring-specs.pdf",
            "media_type": "application/pdf",
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


# ----------------------------------------------------------------------------- conflicts


class RootCauseCreate(RequestModel):
    model_config = _example(
        {"root_cause": "resources_contested", "note": "Both launches need the same designer."}
    )

    root_cause: RootCause
    note: LongText


class NegotiationCreate(RequestModel):
    model_config = _example({"note": "Product offers the specs on Friday; marketing asks Wed."})

    note: LongText


class EscalationCreate(RequestModel):
    """Hand the conflict to a named third party who mediates or arbitrates."""

    model_config = _example(
        {"mediator_id": "m-director", "mode": "arbitrate", "note": "No agreement on the date."}
    )

    mediator_id: Ident
    mode: EscalationMode
    note: LongText


class DecisionCreate(RequestModel):
    model_config = _example(
        {"decision": "Specs by Thursday; the landing page moves one day.", "note": None}
    )

    decision: LongText
    note: LongText | None = None


class StepRead(BaseModel):
    """One recorded step of a ticket: who, when, what."""

    model_config = _example(
        {
            "id": "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
            "kind": "escalation",
            "actor_id": "m-li",
            "at": "2026-03-10T03:00:00Z",
            "detail": {"mediator_id": "m-director", "mode": "arbitrate", "note": "No agreement."},
        },
        from_attributes=True,
    )

    id: str
    kind: str
    actor_id: str
    at: datetime
    detail: dict[str, Any]


# ----------------------------------------------------------------------------- meetings

AGENDA_EXAMPLE = [{"item": "Spring campaign: product facts late", "ticket_id": TICKET_ID}]


class AgendaItem(RequestModel):
    model_config = _example(AGENDA_EXAMPLE[0])

    item: Text200
    ticket_id: Ident | None = None


class Material(RequestModel):
    model_config = _example(
        {"name": "Q1 funnel.xlsx", "url": "https://drive.example.com/d/q1-funnel.xlsx"}
    )

    name: Text200
    url: Url


class ActionItemCreate(RequestModel):
    model_config = _example(
        {"title": "Send the spring specs", "owner_id": "m-wang", "due_on": "2026-03-12"}
    )

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    owner_id: Ident
    due_on: Day


class ActionItemRead(BaseModel):
    model_config = _example(
        {
            "id": "ad1e2f3a-4b5c-4d6e-9f7a-8b9c0d1e2f3a",
            "source_type": "meeting",
            "source_id": "be2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b",
            "title": "Send the spring specs",
            "owner_id": "m-wang",
            "due_on": "2026-03-12",
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

    model_config = _example({"status": "done"})

    status: ActionStatus


class MeetingCreate(RequestModel):
    """A meeting needs a goal and an agenda; roles name a host, a recorder and speakers."""

    model_config = _example(
        {
            "title": "Marketing x Product weekly",
            "goal": "Agree the spring launch dates",
            "agenda": AGENDA_EXAMPLE,
            "scheduled_at": "2026-03-12T02:00:00Z",
            "unit_ids": ["u-marketing", "u-product"],
            "host_id": "m-li",
            "recorder_id": "m-chen",
            "speaker_ids": ["m-wang"],
            "attendee_ids": ["m-zhao"],
            "materials": [
                {"name": "Q1 funnel.xlsx", "url": "https://drive.example.com/d/q1-funnel.xlsx"}
            ],
        }
    )

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

    model_config = _example(
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

    model_config = _example(
        {
            "minutes": "Product sends the specs by Thursday; the page goes live Monday.",
            "action_items": [
                {"title": "Send the spring specs", "owner_id": "m-wang", "due_on": "2026-03-12"}
            ],
        }
    )

    minutes: LongText
    action_items: list[ActionItemCreate] = Field(default_factory=list, max_length=100)


class MeetingRead(BaseModel):
    model_config = _example(
        {
            "id": "be2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b",
            "kind": "regular",
            "month": None,
            "title": "Marketing x Product weekly",
            "goal": "Agree the spring launch dates",
            "agenda": AGENDA_EXAMPLE,
            "scheduled_at": "2026-03-12T02:00:00Z",
            "unit_ids": ["u-marketing", "u-product"],
            "host_id": "m-li",
            "recorder_id": "m-chen",
            "speaker_ids": ["m-wang"],
            "attendee_ids": ["m-zhao"],
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


# ----------------------------------------------------------------------------- retros


class RetroCreate(RequestModel):
    """A project's retrospective, due ``retro_due_days`` (3) after the project ends."""

    model_config = _example(
        {
            "project": "Spring launch 2026",
            "unit_id": "u-marketing",
            "ended_on": "2026-03-20",
            "facilitator_id": "m-li",
        }
    )

    project: Text200
    unit_id: Ident
    ended_on: Day
    facilitator_id: Ident


class RetroFile(RequestModel):
    """What worked, what failed, and the process changes (each a tracked action); filed in
    the knowledge base under ``category``."""

    model_config = _example(
        {
            "what_worked": "每日站会让需求更清楚 (daily stand-ups made requests clear).",
            "what_failed": "Specs arrived two days late.",
            "process_changes": [
                {
                    "title": "Product facts due 10 days before launch",
                    "owner_id": "m-wang",
                    "due_on": "2026-04-15",
                }
            ],
            "category": "launch",
        }
    )

    what_worked: LongText
    what_failed: LongText
    process_changes: list[ActionItemCreate] = Field(default_factory=list, max_length=100)
    category: Code


class RetroRead(BaseModel):
    model_config = _example(
        {
            "id": "cf3a4b5c-6d7e-4f8a-9b0c-1d2e3f4a5b6c",
            "project": "Spring launch 2026",
            "unit_id": "u-marketing",
            "ended_on": "2026-03-20",
            "due_on": "2026-03-23",
            "facilitator_id": "m-li",
            "status": "due",
            "overdue": False,
            "what_worked": None,
            "what_failed": None,
            "category": None,
            "article_id": None,
            "filed_at": None,
            "action_items": [],
        }
    )

    id: str
    project: str
    unit_id: str
    ended_on: date
    due_on: date
    facilitator_id: str
    status: str
    overdue: bool
    what_worked: str | None
    what_failed: str | None
    category: str | None
    article_id: str | None
    filed_at: datetime | None
    action_items: list[ActionItemRead]


class ArticleCreate(RequestModel):
    model_config = _example(
        {
            "title": "跨部门需求模板 Cross-department request template",
            "body": "提需求时写清楚目标、截止日期和负责人。State the goal, date and owner.",
            "category": "process",
        }
    )

    title: Text200
    body: LongText
    category: Code


class ArticleRead(BaseModel):
    model_config = _example(
        {
            "id": "d04b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d",
            "title": "跨部门需求模板 Cross-department request template",
            "body": "提需求时写清楚目标、截止日期和负责人。State the goal, date and owner.",
            "category": "process",
            "retrospective_id": None,
            "created_by": "m-li",
            "created_at": "2026-03-23T08:00:00Z",
        },
        from_attributes=True,
    )

    id: str
    title: str
    body: str
    category: str
    retrospective_id: str | None
    created_by: str
    created_at: datetime


# ----------------------------------------------------------------------------- grants


class DataSet(StrEnum):
    """What a unit may share: its KPI figures (honoured by goals), customer profiles, the
    conversion funnel."""

    kpi_figures = "kpi_figures"
    customer_profiles = "customer_profiles"
    conversion_funnel = "conversion_funnel"


class GrantCreate(RequestModel):
    model_config = _example(
        {
            "grantor_unit_id": "u-product",
            "grantee_unit_id": "u-marketing",
            "data_set": "kpi_figures",
            "valid_until": "2026-06-30",
            "reason": "Joint launch planning",
        }
    )

    grantor_unit_id: Ident
    grantee_unit_id: Ident
    data_set: DataSet
    valid_until: Day
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None


class GrantUpdate(RequestModel):
    """Move a grant's end date; guarded by If-Match."""

    model_config = _example({"valid_until": "2026-09-30"})

    valid_until: Day


class GrantRead(BaseModel):
    model_config = _example(
        {
            "id": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
            "grantor_unit_id": "u-product",
            "grantee_unit_id": "u-marketing",
            "data_set": "kpi_figures",
            "valid_until": "2026-06-30",
            "revoked_at": None,
            "granted_by": "m-product-head",
            "reason": "Joint launch planning",
            "active": True,
            "version": 1,
        }
    )

    id: str
    grantor_unit_id: str
    grantee_unit_id: str
    data_set: str
    valid_until: date
    revoked_at: datetime | None
    granted_by: str
    reason: str | None
    active: bool
    version: int
