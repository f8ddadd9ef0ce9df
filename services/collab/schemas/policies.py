"""Bodies of SLA policies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from collab.schemas.common import BusinessHours, Code, Hours, Ids, Priority, Share, Text200
from shared.api import RequestModel, examples
from shared.values import Ratio

POLICY_EXAMPLE: dict[str, Any] = {
    "name": "Product facts for marketing",
    "rank": 10,
    "categories": ["product_info"],
    "priorities": [],
    "requester_unit_ids": ["u-marketing"],
    "owner_unit_ids": ["u-product"],
    "first_response_hours": "8.0000",
    "resolution_hours": {
        "urgent": "4.0000",
        "high": "16.0000",
        "normal": "32.0000",
        "low": "64.0000",
    },
    "at_risk_share": "0.750000",
}


class PolicyCreate(RequestModel):
    """An SLA policy: the lowest rank whose conditions all match a ticket applies; an empty
    condition list matches anything. Priorities missing from ``resolution_hours`` use the
    service's defaults. Hours are decimal strings (at most 4 places), the share a ratio
    (at most 6)."""

    model_config = examples(POLICY_EXAMPLE)

    name: Text200
    rank: int = Field(default=100, ge=0, le=100_000)
    categories: list[Code] = Field(default_factory=list, max_length=100)
    priorities: list[Priority] = Field(default_factory=list)
    requester_unit_ids: Ids = Field(default_factory=list)
    owner_unit_ids: Ids = Field(default_factory=list)
    first_response_hours: Hours = Decimal("24.0000")
    resolution_hours: dict[Priority, Hours] = Field(default_factory=dict)
    at_risk_share: Share | None = None


class PolicyRead(BaseModel):
    model_config = examples(
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
    first_response_hours: BusinessHours
    resolution_hours: dict[str, BusinessHours]
    at_risk_share: Ratio | None
    active: bool
