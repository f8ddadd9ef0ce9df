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
    "response_remaining_hours": "20.5000",
    "resolution_remaining_hours": "36.5000",
    "response_at_risk": False,
    "resolution_at_risk": False,
}


class SlaRead(BaseModel):
    """A ticket's targets and how much business time its clock has used (hours at 4 places,
    the at-risk share a ratio at 6). Due times count on the owner unit's calendar, in its
    ``timezone``: each ``*_due_at`` (UTC) has its ``*_due_local`` beside it, the same
    instant in that zone with its offset.

    At the moment of the read, each clock not yet met shows the business hours left of its
    target (``*_remaining_hours``, 0 once past it, null once met; a paused clock keeps what it
    had) and whether it is at risk: its used time has reached ``at_risk_share`` of the target
    (when ``TicketSLAAtRisk`` fires) but not the target. ``*_breached`` says the breach is
    recorded (``TicketSLABreached`` published, within seconds of the due time); the ticket's
    own ``breached`` flag counts a clock from the moment it reaches its target."""

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
    response_remaining_hours: BusinessHours | None = Field(
        description="Business hours left of the first-response target; null once answered"
    )
    resolution_remaining_hours: BusinessHours | None = Field(
        description="Business hours left of the resolution target; null once resolved"
    )
    response_at_risk: bool
    resolution_at_risk: bool
