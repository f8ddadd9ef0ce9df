"""Risk alerts and the corrections taken."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from goals.schemas.common import (
    OwnerType,
    ReadModel,
)
from goals.schemas.progress import Axis, ProgressSource
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
            "progress_source": "measured",
            "progress_axis": None,
            "expected": "0.822222",
            "gap": "0.266666",
            "threshold": "0.250000",
            "suggested_correction": (
                "deals 还差 40 count, 剩 17 天, 每天 2.35; 与负责人重新规划 "
                "(40 count of deals remain in 17 days: 2.35 a day; re-plan with the owner)"
            ),
        }
    )

    goal_id: str
    title: str
    owner_type: OwnerType
    owner_id: str
    period: str
    status: RiskStatus
    progress: Ratio | None = Field(description="The progress the goal shows on /progress")
    progress_source: ProgressSource = Field(description="Where that progress comes from")
    progress_axis: Axis | None = Field(description="The axis rolled up, when rolled_up")
    expected: Ratio = Field(description="Where progress should be by now")
    gap: Ratio | None = Field(description="expected - progress")
    threshold: Ratio = Field(description="The margin the gap was compared with")
    suggested_correction: str


class RiskEvaluation(BaseModel):
    """What an evaluation of every live goal found: how many were judged, how many are at
    risk or off track, how many changed state (one event each)."""

    model_config = examples(
        {"evaluated_on": "2026-03-15", "evaluated": 42, "at_risk": 3, "off_track": 1, "changed": 2}
    )

    evaluated_on: date
    evaluated: int
    at_risk: int
    off_track: int
    changed: int


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
