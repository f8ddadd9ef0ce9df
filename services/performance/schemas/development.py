"""Improvement plans, diagnosis, development plans, training and promotion readiness."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, model_validator

from performance.schemas.common import Hours, Ident, Points, Ratio, Share
from shared.api import RequestModel, examples


class Checkpoint(RequestModel):
    model_config = examples(
        {"due_on": "2026-05-15", "description": "Shadow two demos", "done": False}
    )

    due_on: date
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    done: bool = False


class ImprovementPlanCreate(RequestModel):
    model_config = examples(
        {
            "member_id": "s2",
            "review_id": None,
            "goals": ["Lift conversion to 20%"],
            "checkpoints": [{"due_on": "2026-05-15", "description": "Shadow two demos"}],
        }
    )

    member_id: Ident
    review_id: Ident | None = None
    goals: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        min_length=1, max_length=20
    )
    checkpoints: list[Checkpoint] = Field(min_length=1, max_length=50)


class ImprovementPlanUpdate(RequestModel):
    model_config = examples(
        {
            "checkpoints": [
                {"due_on": "2026-05-15", "description": "Shadow two demos", "done": True}
            ],
            "outcome": "completed",
            "outcome_note": "Conversion at 21% in June",
        }
    )

    checkpoints: list[Checkpoint] | None = None
    outcome: Annotated[str, StringConstraints(pattern=r"^(completed|extended|failed)$")] | None = (
        None
    )
    outcome_note: Annotated[str, StringConstraints(max_length=4000)] | None = None


class ImprovementPlanRead(BaseModel):
    model_config = examples(
        {
            "id": "p-1",
            "member_id": "s2",
            "review_id": None,
            "goals": ["Lift conversion"],
            "checkpoints": [],
            "outcome": None,
            "outcome_note": None,
            "version": 1,
        },
        from_attributes=True,
    )

    id: str
    member_id: str
    review_id: str | None
    goals: list[str]
    checkpoints: list[dict[str, Any]]
    outcome: str | None
    outcome_note: str | None
    version: int


class Fishbone(StrEnum):
    goals = "goals"
    process = "process"
    skills = "skills"
    resources = "resources"
    morale = "morale"


class RootCauseCreate(RequestModel):
    """Five whys (an ordered chain) or fishbone notes per category."""

    model_config = examples(
        {
            "member_id": "s2",
            "indicator": "leads",
            "method": "five_whys",
            "whys": ["Few leads", "Few events attended", "No event budget this quarter"],
        }
    )

    member_id: Ident
    indicator: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    method: Annotated[str, StringConstraints(pattern=r"^(five_whys|fishbone)$")]
    whys: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=5
    )
    fishbone: dict[Fishbone, list[Annotated[str, StringConstraints(max_length=500)]]] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _content(self) -> RootCauseCreate:
        if self.method == "five_whys" and not self.whys:
            raise ValueError("five whys needs at least one why")
        if self.method == "fishbone" and not any(self.fishbone.values()):
            raise ValueError("a fishbone needs notes in at least one category")
        return self


class RootCauseRead(BaseModel):
    model_config = examples(
        {
            "id": "n-1",
            "member_id": "s2",
            "indicator": "leads",
            "method": "fishbone",
            "whys": [],
            "fishbone": {"resources": ["No event budget"]},
            "created_by": "lead",
        },
        from_attributes=True,
    )

    id: str
    member_id: str
    indicator: str
    method: str
    whys: list[str]
    fishbone: dict[str, list[str]]
    created_by: str


class TrailingIndicator(BaseModel):
    model_config = examples(
        {
            "indicator": "leads",
            "points": "50.0000",
            "team_median": "100.0000",
            "trailing_since": "2026-02",
        }
    )

    indicator: str
    points: Points
    team_median: Points
    trailing_since: str


class Diagnosis(BaseModel):
    """Indicators where the member trails their team's median, and since when."""

    model_config = examples(
        {
            "member_id": "s2",
            "month": "2026-03",
            "team_size": 3,
            "trailing": [
                {
                    "indicator": "leads",
                    "points": "50.0000",
                    "team_median": "100.0000",
                    "trailing_since": "2026-02",
                }
            ],
            "notes": [],
        }
    )

    member_id: str
    month: str
    team_size: int
    trailing: list[TrailingIndicator]
    notes: list[RootCauseRead]


class DevelopmentPlanCreate(RequestModel):
    model_config = examples(
        {
            "member_id": "s2",
            "year": 2026,
            "objectives": [
                {
                    "skill": "Negotiation",
                    "action": "Complete the key-account course",
                    "due_on": "2026-06-30",
                }
            ],
        }
    )

    member_id: Ident
    year: int = Field(ge=2000, le=2100)
    objectives: list[dict[str, Annotated[str, StringConstraints(max_length=500)]]] = Field(
        min_length=1, max_length=30
    )


class DevelopmentPlanUpdate(RequestModel):
    """A merge patch of a development plan: the objectives replace the old ones."""

    model_config = examples(
        {
            "objectives": [
                {
                    "skill": "Negotiation",
                    "action": "Lead two renewals with a key account",
                    "due_on": "2026-09-30",
                }
            ]
        }
    )

    objectives: list[dict[str, Annotated[str, StringConstraints(max_length=500)]]] | None = Field(
        default=None, min_length=1, max_length=30
    )


class DevelopmentPlanRead(BaseModel):
    model_config = examples(
        {"id": "d-1", "member_id": "s2", "year": 2026, "objectives": [], "version": 1},
        from_attributes=True,
    )

    id: str
    member_id: str
    year: int
    objectives: list[dict[str, Any]]
    version: int


class TrainingCreate(RequestModel):
    model_config = examples(
        {
            "member_id": "s2",
            "title": "Key-account selling",
            "hours": "16",
            "completed_on": "2026-04-10",
            "provider": "Sales academy",
        }
    )

    member_id: Ident
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    hours: Annotated[Hours, Field(gt=0, le=1000)]
    completed_on: date
    provider: Annotated[str, StringConstraints(max_length=200)] | None = None


class TrainingRead(BaseModel):
    model_config = examples(
        {
            "id": "tr-1",
            "member_id": "s2",
            "title": "Key-account selling",
            "hours": "16.00",
            "completed_on": "2026-04-10",
            "provider": "Sales academy",
        },
        from_attributes=True,
    )

    id: str
    member_id: str
    title: str
    hours: Hours
    completed_on: date
    provider: str | None


class TrainingSummary(BaseModel):
    """Training coverage and hours a member for a unit's subtree in a year, against targets."""

    model_config = examples(
        {
            "unit_id": "team-sales",
            "year": 2026,
            "members": 3,
            "trained": 2,
            "coverage": "0.670000",
            "coverage_target": "1.000000",
            "hours_per_member": "18.67",
            "hours_target": "40.00",
            "members_below_hours": ["lead", "s1", "s2"],
        }
    )

    unit_id: str
    year: int
    members: int
    trained: int
    coverage: Share
    coverage_target: Ratio
    hours_per_member: Hours
    hours_target: Hours
    members_below_hours: list[str]


class Criterion(BaseModel):
    model_config = examples({"name": "tenure", "met": True, "detail": "11 months, 6 needed"})

    name: str
    met: bool
    detail: str


class PromotionReadiness(BaseModel):
    model_config = examples(
        {
            "member_id": "s1",
            "tier": "newcomer",
            "next_tier": "backbone",
            "ready": True,
            "criteria": [{"name": "tenure", "met": True, "detail": "11 months >= 6"}],
        }
    )

    member_id: str
    tier: str
    next_tier: str | None
    ready: bool
    criteria: list[Criterion]
