"""The slim copies of the events performance consumes (only the fields it needs)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.events import Consumed


class OrgUnitChangedV1(Consumed):
    """Performance's copy of goals' ``OrgUnitChanged`` (version 1)."""

    event_type: ClassVar[str] = "goals.org-unit.changed"

    unit_id: str
    name: str
    kind: str
    parent_id: str | None = None
    version: int


class MemberChangedV1(Consumed):
    """Performance's copy of goals' ``MemberChanged`` (version 1)."""

    event_type: ClassVar[str] = "goals.member.changed"

    member_id: str
    name: str
    home_unit_id: str
    unit_path: list[str] = Field(default_factory=list)
    layer: str
    tier: str
    manager_id: str | None = None
    hired_on: date
    left_on: date | None = None
    leave_reason: str | None = None
    # The member's position and mentor (goals added them within version 1: null before).
    position_id: str | None = None
    mentor_id: str | None = None
    version: int


class RequiredCompetencyV1(Consumed):
    """A competency a position requires, and the level (1-5)."""

    competency: str
    level: int
    name: str | None = None


class PositionChangedV1(Consumed):
    """Performance's copy of goals' ``PositionChanged`` (version 1): what a position's holders
    are assessed against."""

    event_type: ClassVar[str] = "goals.position.changed"

    position_id: str
    unit_id: str
    title: str
    function: str
    layer: str
    core: bool
    jd_version: int
    required_competencies: list[RequiredCompetencyV1] = Field(default_factory=list)
    active: bool = True
    version: int


class KPIUpdatedV1(Consumed):
    """Performance's copy of goals' ``KPIUpdated`` (version 1)."""

    event_type: ClassVar[str] = "goals.kpi.updated"

    owner_type: str
    owner_id: str
    kpi: str
    period: str
    # Plain Decimal: goals sends a decimal string ("1.040000"); older events a number.
    attainment: Decimal | None = None
    version: int | None = None


class TicketResolvedV1(Consumed):
    """Performance's copy of collab's ``TicketResolved``: who answered, and in time or not."""

    event_type: ClassVar[str] = "collab.ticket.resolved"

    ticket_id: str
    assignee_id: str | None = None
    resolved_at: datetime
    first_response_within_sla: bool


class TicketSLABreachedV1(Consumed):
    """Performance's copy of collab's ``TicketSLABreached``: who missed the first response."""

    event_type: ClassVar[str] = "collab.ticket.sla-breached"

    ticket_id: str
    assignee_id: str | None = None
    breached_at: datetime
