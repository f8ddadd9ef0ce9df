"""Request and response bodies of the collab API, one module per area of ``service/``, and
the slim copies of the events it consumes (``contracts``)."""

from collab.schemas.calendar import CalendarPut, CalendarRead, Weekday
from collab.schemas.common import Priority
from collab.schemas.conflicts import (
    DecisionCreate,
    EscalationCreate,
    EscalationMode,
    NegotiationCreate,
    RootCause,
    RootCauseCreate,
    StepRead,
)
from collab.schemas.contracts import MemberChangedV1, OrgUnitChangedV1
from collab.schemas.grants import DataSet, GrantCreate, GrantRead, GrantUpdate
from collab.schemas.meetings import (
    ActionItemCreate,
    ActionItemRead,
    ActionItemUpdate,
    ActionState,
    ActionStatus,
    AgendaItem,
    Material,
    MeetingCreate,
    MeetingRead,
    MinutesCreate,
    MonthlyMeetingCreate,
)
from collab.schemas.policies import PolicyCreate, PolicyRead
from collab.schemas.retros import ArticleCreate, ArticleRead, RetroCreate, RetroFile, RetroRead
from collab.schemas.sla import SlaRead
from collab.schemas.tickets import (
    AttachmentCreate,
    AttachmentRead,
    CommentCreate,
    CommentRead,
    ReopenCreate,
    Status,
    TicketCreate,
    TicketRead,
    TicketUpdate,
    TransitionCreate,
)

__all__ = [
    "ActionItemCreate",
    "ActionItemRead",
    "ActionItemUpdate",
    "ActionState",
    "ActionStatus",
    "AgendaItem",
    "ArticleCreate",
    "ArticleRead",
    "AttachmentCreate",
    "AttachmentRead",
    "CalendarPut",
    "CalendarRead",
    "CommentCreate",
    "CommentRead",
    "DataSet",
    "DecisionCreate",
    "EscalationCreate",
    "EscalationMode",
    "GrantCreate",
    "GrantRead",
    "GrantUpdate",
    "Material",
    "MeetingCreate",
    "MeetingRead",
    "MemberChangedV1",
    "MinutesCreate",
    "MonthlyMeetingCreate",
    "NegotiationCreate",
    "OrgUnitChangedV1",
    "PolicyCreate",
    "PolicyRead",
    "Priority",
    "ReopenCreate",
    "RetroCreate",
    "RetroFile",
    "RetroRead",
    "RootCause",
    "RootCauseCreate",
    "SlaRead",
    "Status",
    "StepRead",
    "TicketCreate",
    "TicketRead",
    "TicketUpdate",
    "TransitionCreate",
    "Weekday",
]
