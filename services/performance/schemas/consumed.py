"""The slim copies of the events performance consumes (only the fields it needs)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class OrgUnitChangedV1(BaseModel):
    """Performance's copy of goals' ``OrgUnitChanged`` (version 1)."""

    model_config = ConfigDict(extra="ignore")

    unit_id: str
    name: str
    kind: str
    parent_id: str | None = None
    version: int


class MemberChangedV1(BaseModel):
    """Performance's copy of goals' ``MemberChanged`` (version 1)."""

    model_config = ConfigDict(extra="ignore")

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
    version: int


class KPIUpdatedV1(BaseModel):
    """Performance's copy of goals' ``KPIUpdated`` (version 1)."""

    model_config = ConfigDict(extra="ignore")

    owner_type: str
    owner_id: str
    kpi: str
    period: str
    attainment: Decimal | None = None
    version: int | None = None


class TicketResolvedV1(BaseModel):
    """Performance's copy of collab's ``TicketResolved``: who answered, and in time or not."""

    model_config = ConfigDict(extra="ignore")

    ticket_id: str
    assignee_id: str | None = None
    resolved_at: datetime
    first_response_within_sla: bool


class TicketSLABreachedV1(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ticket_id: str
    assignee_id: str | None = None
    breached_at: datetime
