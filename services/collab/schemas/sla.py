"""The SLA state a ticket shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from collab.schemas.common import BusinessHours
from shared.api import examples
from shared.values import Ratio

SLA_EXAMPLE: dict[str, Any] = {
    "policy_id": None,
    "response_target_hours": "24.0000",
    "resolution_target_hours": "40.0000",
    "at_risk_share": "0.800000",
    "business_hours_used": "3.5000",
    "running": True,
    "timezone": "Asia/Shanghai",
    "response_due_at": "2026-03-11T06:00:00Z",
    "response_due_local": "2026-03-11T14:00:00+08:00",
    "resolution_due_at": "2026-03-13T02:00:00Z",
    "resolution_due_local": "2026-03-13T10:00:00+08:00",
    "first_response_at": None,
    "response_business_hours": None,
    "resolution_business_hours": None,
    "response_breached": False,
    "resolution_breached": False,
}


class SlaRead(BaseModel):
    """A ticket's targets and how much business time its clock has used (hours at 4 places,
    the at-risk share a ratio at 6). Due times count on the owner unit's calendar, in its
    ``timezone``: each ``*_due_at`` (UTC) has its ``*_due_local`` beside it, the same
    instant in that zone with its offset."""

    model_config = examples(SLA_EXAMPLE)

    policy_id: str | None
    response_target_hours: BusinessHours
    resolution_target_hours: BusinessHours
    at_risk_share: Ratio
    business_hours_used: BusinessHours
    running: bool
    timezone: str = Field(description="The owner unit's calendar time zone (IANA name)")
    response_due_at: datetime | None
    response_due_local: datetime | None = Field(
        description="response_due_at in the owner unit's time zone, with its offset"
    )
    resolution_due_at: datetime | None
    resolution_due_local: datetime | None = Field(
        description="resolution_due_at in the owner unit's time zone, with its offset"
    )
    first_response_at: datetime | None
    response_business_hours: BusinessHours | None
    resolution_business_hours: BusinessHours | None
    response_breached: bool
    resolution_breached: bool
