"""Risk alerts and the corrections taken."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from goals.schemas.common import (
    OwnerType,
    ReadModel,
)
from shared.api import RequestModel, examples
from shared.values import Ratio


class RiskStatus(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"


class RiskAlert(BaseModel):
    model_config = examples(
        {
            "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            "title": "Q1 deals",
            "owner_type": "member",
            "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "period": "2026-Q1",
            "status": "off_track",
            "progress": "0.555556",
            "expected": "0.822222",
            "gap": "0.266666",
            "suggested_correction": "40 count of deals remain in 17 days: 2.35 a day; re-plan",
        }
    )

    goal_id: str
    title: str
    owner_type: OwnerType
    owner_id: str
    period: str
    status: RiskStatus
    progress: Ratio | None
    expected: Ratio
    gap: Ratio | None
    suggested_correction: str


class RiskCorrectionCreate(RequestModel):
    model_config = examples({"action_taken": "Moved two reps from service to sales for March"})

    action_taken: Annotated[str, StringConstraints(min_length=3, max_length=4000)]


class RiskCorrectionRead(ReadModel):
    model_config = examples(
        {
            "id": "r1c2d3e4-0000-4000-8000-000000000001",
            "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            "status_at_time": "off_track",
            "suggested": "40 count of deals remain in 17 days: 2.35 a day",
            "action_taken": "Paired the rep with the lead on every demo",
            "recorded_by": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "recorded_at": "2026-03-15T09:00:00+00:00",
        }
    )

    id: str
    goal_id: str
    status_at_time: str
    suggested: str
    action_taken: str
    recorded_by: str
    recorded_at: datetime
