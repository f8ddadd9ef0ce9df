"""A goal's progress: its own attainment, and its roll-ups along each axis, never mixed."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from goals.schemas.common import KpiValueOut, OwnerType
from goals.schemas.kpis import Direction
from shared.api import examples
from shared.values import Ratio


class ProgressSource(StrEnum):
    """Where the progress a goal shows comes from."""

    rolled_up = "rolled_up"
    measured = "measured"
    checked_in = "checked_in"
    none = "none"


class Axis(StrEnum):
    """How a child relates to its parent.

    ``time``: the same owner in a sub-period (months > quarter > year); ``org``: another
    owner (a sub-unit or a member) in the same period; ``key_results``: the same owner and
    period (an objective's key results); ``none``: another owner in another period, shown
    but rolled up along neither axis."""

    time = "time"
    org = "org"
    key_results = "key_results"
    none = "none"


class ChildProgress(BaseModel):
    model_config = examples(
        {
            "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            "owner_type": "member",
            "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "period": "2026-03",
            "axis": "org",
            "weight": "1.000000",
            "attainment": "1.040000",
            "progress": "1.040000",
            "progress_source": "measured",
        }
    )

    goal_id: str
    owner_type: OwnerType
    owner_id: str
    period: str
    axis: Axis
    weight: Ratio
    attainment: Ratio | None = Field(description="The child's own measured attainment")
    progress: Ratio | None = Field(
        description="The progress the child shows (what is rolled up; no data counts as 0)"
    )
    progress_source: ProgressSource


class AxisProgress(BaseModel):
    model_config = examples(
        {
            "axis": "org",
            "progress": "0.920000",
            "total_weight": "2.000000",
            "children": [
                {
                    "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
                    "owner_type": "member",
                    "owner_id": "m-1",
                    "period": "2026",
                    "axis": "org",
                    "weight": "1.000000",
                    "attainment": "1.040000",
                    "progress": "1.040000",
                    "progress_source": "measured",
                }
            ],
        }
    )

    axis: Axis
    progress: Ratio = Field(description="sum(weight x progress) / sum(weight) over children")
    total_weight: Ratio
    children: list[ChildProgress]


class GoalProgress(BaseModel):
    """How a goal stands, and where each number comes from.

    ``progress`` is the single headline, and ``progress_source`` says where it comes from:
    the org axis's roll-up when the goal has children owned by others in its period (the
    owners' results), else the time axis's (its sub-periods), else its key results', else
    its own measured attainment, else its latest check-in. Axes are never averaged together;
    ``rolled_up_progress`` is the headline axis's roll-up."""

    model_config = examples(
        {
            "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            "kpi": "revenue",
            "direction": "higher_is_better",
            "period": "2026-Q1",
            "target": "3000000.00",
            "actual": "2400000.00",
            "attainment": "0.800000",
            "measurements": 36,
            "progress": "0.820000",
            "progress_source": "rolled_up",
            "progress_axis": "org",
            "rolled_up_progress": "0.820000",
            "check_in_progress": None,
            "time_axis": None,
            "org_axis": None,
            "key_results_axis": None,
            "children": [],
            "explanation": [
                "actual = sum of 36 measurements of revenue in 2026-Q1",
                "attainment = actual / target = 2400000 / 3000000 = 0.8",
            ],
        }
    )

    goal_id: str
    kpi: str | None
    direction: Direction | None
    period: str
    target: KpiValueOut | None = Field(description="At the KPI's scale")
    actual: KpiValueOut | None = Field(description="At the KPI's scale")
    attainment: Ratio | None
    measurements: int
    progress: Ratio | None = Field(description="The headline progress (see progress_source)")
    progress_source: ProgressSource
    progress_axis: Axis | None = Field(description="The axis rolled up, when rolled_up")
    rolled_up_progress: Ratio | None = Field(description="The headline axis's roll-up")
    check_in_progress: Ratio | None = Field(description="The latest check-in's progress")
    time_axis: AxisProgress | None = Field(description="Same owner, sub-periods")
    org_axis: AxisProgress | None = Field(description="Other owners, same period")
    key_results_axis: AxisProgress | None = Field(description="Same owner and period")
    children: list[ChildProgress] = Field(description="Every child, each naming its axis")
    explanation: list[str]
