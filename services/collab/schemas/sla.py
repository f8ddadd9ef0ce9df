"""The SLA state a ticket shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

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
    "response_due_at": "2026-03-11T06:00:00Z",
    "resolution_due_at": "2026-03-13T02:00:00Z",
    "first_response_at": None,
    "response_business_hours": None,
    "resolution_business_hours": None,
    "response_breached": False,
    "resolution_breached": False,
}


class SlaRead(BaseModel):
    """A ticket's targets and how much business time its clock has used (hours at 4 places,
    the at-risk share a ratio at 6)."""

    model_config = examples(SLA_EXAMPLE)

    policy_id: str | None
    response_target_hours: BusinessHours
    resolution_target_hours: BusinessHours
    at_risk_share: Ratio
    business_hours_used: BusinessHours
    running: bool
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_response_at: datetime | None
    response_business_hours: BusinessHours | None
    resolution_business_hours: BusinessHours | None
    response_breached: bool
    resolution_breached: bool
