"""Request and response bodies of the performance API, and the slim copies of the events it
consumes (only the fields it needs)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.api import RequestModel
from shared.periods import Period

Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=36)]
Ratio = Annotated[Decimal, Field(ge=0, le=1000, max_digits=12, decimal_places=6)]

# ----------------------------------------------------------------------------- consumed


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


# ----------------------------------------------------------------------------- copies


class OrgUnitRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "name": "市场部 Marketing",
                "kind": "department",
                "parent_id": None,
                "source_version": 1,
            }
        },
    )

    id: str
    name: str
    kind: str
    parent_id: str | None
    source_version: int


# ----------------------------------------------------------------------------- scorecards


class Category(StrEnum):
    result = "result"
    process = "process"
    quality = "quality"
    team = "team"


class Curve(RequestModel):
    """Attainment to points: straight lines between the points, nothing below the floor,
    never more than the cap."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "points": [["0", "0"], ["1", "100"], ["1.2", "130"]],
                "floor": "0.5",
                "cap": "130",
            }
        }
    )

    points: list[tuple[Ratio, Annotated[Decimal, Field(ge=0, le=1000)]]] = Field(
        default_factory=lambda: [(Decimal(0), Decimal(0)), (Decimal(1), Decimal(100))],
        min_length=2,
        max_length=20,
    )
    floor: Ratio = Decimal(0)
    cap: Annotated[Decimal, Field(gt=0, le=1000)] = Decimal(120)

    @model_validator(mode="after")
    def _increasing(self) -> Curve:
        xs = [x for x, _y in self.points]
        if xs != sorted(xs) or len(set(xs)) != len(xs):
            raise ValueError("curve points must have increasing attainments")
        return self


class Indicator(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "code": "revenue",
                "name": "Revenue attainment",
                "category": "result",
                "source": "kpi:revenue",
                "weight": "0.6",
            }
        }
    )

    code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    name: Text200
    category: Category
    source: Annotated[str, StringConstraints(pattern=r"^(kpi:[a-z][a-z0-9_]{0,63}|collab:sla)$")]
    weight: Annotated[Decimal, Field(gt=0, le=1, max_digits=7, decimal_places=4)]
    curve: Curve = Field(default_factory=Curve)


class Population(RequestModel):
    """Who a template or a cycle is for; an empty list means anyone."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {"unit_ids": ["team-sales"], "layers": ["execution"], "tiers": []}
        }
    )

    unit_ids: list[Ident] = Field(default_factory=list, max_length=200)
    layers: list[Annotated[str, StringConstraints(max_length=20)]] = Field(
        default_factory=list, max_length=3
    )
    tiers: list[Annotated[str, StringConstraints(max_length=30)]] = Field(
        default_factory=list, max_length=3
    )


class TemplateCreate(RequestModel):
    """A scorecard template; the weights must add up to exactly 1. Posting an existing key
    makes a new version of it."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "key": "sales-reps",
                "name": "Sales reps",
                "population": {"layers": ["execution"]},
                "indicators": [
                    {
                        "code": "revenue",
                        "name": "Revenue",
                        "category": "result",
                        "source": "kpi:revenue",
                        "weight": "0.6",
                    },
                    {
                        "code": "leads",
                        "name": "Leads",
                        "category": "process",
                        "source": "kpi:leads",
                        "weight": "0.3",
                        "curve": {"cap": "100"},
                    },
                    {
                        "code": "collaboration",
                        "name": "Requests answered in SLA",
                        "category": "team",
                        "source": "collab:sla",
                        "weight": "0.1",
                    },
                ],
            }
        }
    )

    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
    name: Text200
    population: Population = Field(default_factory=Population)
    indicators: list[Indicator] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _weights(self) -> TemplateCreate:
        total = sum(i.weight for i in self.indicators)
        if total != 1:
            raise ValueError(f"indicator weights must add up to 1, not {total}")
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("indicator codes must be unique")
        return self


class TemplateRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "t-1",
                "key": "sales-reps",
                "version": 2,
                "name": "Sales reps",
                "population": {"unit_ids": [], "layers": ["execution"], "tiers": []},
                "indicators": [],
                "current": True,
            }
        },
    )

    id: str
    key: str
    version: int
    name: str
    population: dict[str, Any]
    indicators: list[dict[str, Any]]
    current: bool


class IndicatorLine(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "code": "revenue",
                "name": "Revenue",
                "category": "result",
                "source": "kpi:revenue",
                "input": "1.04",
                "points": "104",
                "weight": "0.6",
                "contribution": "62.4",
                "events": ["0b8e6d2a-64f1-4c1e-9d55-3d8a0f1e2b3c"],
                "note": None,
            }
        }
    )

    code: str
    name: str
    category: str
    source: str
    input: Decimal | None
    points: Decimal
    weight: Decimal
    contribution: Decimal
    events: list[str]
    note: str | None = None


class ScoreRead(BaseModel):
    """A live monthly score and every line of where it comes from."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s1",
                "month": "2026-03",
                "score": "82.4000",
                "revision": 2,
                "template_id": "t-1",
                "template_key": "sales-reps",
                "template_version": 1,
                "indicators": [
                    {
                        "code": "revenue",
                        "name": "Revenue",
                        "category": "result",
                        "source": "kpi:revenue",
                        "input": "1.04",
                        "points": "104",
                        "weight": "0.6",
                        "contribution": "62.4",
                        "events": ["ev-1"],
                        "note": None,
                    }
                ],
                "formula": "score = sum of weight x points",
            }
        }
    )

    member_id: str
    month: str
    score: Decimal
    revision: int
    template_id: str
    template_key: str
    template_version: int
    indicators: list[IndicatorLine]
    formula: str


# ----------------------------------------------------------------------------- reviews


class CycleKind(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    annual = "annual"


class CycleState(StrEnum):
    draft = "draft"
    self_assessment = "self_assessment"
    manager_assessment = "manager_assessment"
    calibration = "calibration"
    closed = "closed"


class Source(StrEnum):
    self = "self"
    manager = "manager"
    peer = "peer"
    customer = "customer"


class RatingBand(RequestModel):
    model_config = ConfigDict(json_schema_extra={"example": {"rating": "A", "min_score": "80"}})

    rating: Annotated[str, StringConstraints(min_length=1, max_length=10)]
    min_score: Annotated[Decimal, Field(ge=0, le=200)]


def _default_scale() -> list[RatingBand]:
    return [
        RatingBand(rating=r, min_score=Decimal(m))
        for r, m in (("S", 90), ("A", 80), ("B", 70), ("C", 60), ("D", 0))
    ]


class CycleCreate(RequestModel):
    """A review cycle for a population. The final score is ``results x w_results + ability x
    w_ability + attitude x w_attitude``; ability and attitude come from 360 ratings (1-5,
    shown as 20-100) weighted by source."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "Sales Q1 2026",
                "kind": "quarterly",
                "period": "2026-Q1",
                "population": {"unit_ids": ["team-sales"]},
                "weights": {"results": "0.6", "ability": "0.2", "attitude": "0.2"},
                "source_weights": {
                    "self": "0.1",
                    "manager": "0.5",
                    "peer": "0.2",
                    "customer": "0.2",
                },
                "peers_anonymous": True,
                "target_distribution": {
                    "S": "0.1",
                    "A": "0.2",
                    "B": "0.5",
                    "C": "0.15",
                    "D": "0.05",
                },
            }
        }
    )

    name: Text200
    kind: CycleKind
    period: Period
    population: Population = Field(default_factory=Population)
    weights: dict[str, Annotated[Decimal, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: {
            "results": Decimal("0.6"),
            "ability": Decimal("0.2"),
            "attitude": Decimal("0.2"),
        }
    )
    source_weights: dict[Source, Annotated[Decimal, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: {
            Source.self: Decimal("0.1"),
            Source.manager: Decimal("0.5"),
            Source.peer: Decimal("0.2"),
            Source.customer: Decimal("0.2"),
        }
    )
    peers_anonymous: bool = True
    rating_scale: list[RatingBand] = Field(
        default_factory=_default_scale, min_length=1, max_length=10
    )
    target_distribution: dict[str, Annotated[Decimal, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: {
            "S": Decimal("0.1"),
            "A": Decimal("0.2"),
            "B": Decimal("0.5"),
            "C": Decimal("0.15"),
            "D": Decimal("0.05"),
        }
    )

    @model_validator(mode="after")
    def _check(self) -> CycleCreate:
        grain = {"monthly": "month", "quarterly": "quarter", "annual": "year"}[self.kind]
        if self.period.grain != grain:
            raise ValueError(f"a {self.kind} cycle needs a {grain} period")
        if (
            set(self.weights) != {"results", "ability", "attitude"}
            or sum(self.weights.values()) != 1
        ):
            raise ValueError("weights are results, ability and attitude, adding up to 1")
        if sum(self.source_weights.values()) != 1:
            raise ValueError("source weights must add up to 1")
        ratings = [band.rating for band in self.rating_scale]
        if (
            set(self.target_distribution) - set(ratings)
            or sum(self.target_distribution.values()) != 1
        ):
            raise ValueError("the target distribution covers the scale's ratings and adds up to 1")
        return self


class CycleRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "c-1",
                "name": "Sales Q1 2026",
                "kind": "quarterly",
                "period": "2026-Q1",
                "state": "self_assessment",
                "population": {"unit_ids": ["team-sales"]},
                "weights": {"results": "0.6", "ability": "0.2", "attitude": "0.2"},
                "source_weights": {
                    "self": "0.1",
                    "manager": "0.5",
                    "peer": "0.2",
                    "customer": "0.2",
                },
                "peers_anonymous": True,
                "rating_scale": [],
                "target_distribution": {},
            }
        },
    )

    id: str
    name: str
    kind: CycleKind
    period: str
    state: CycleState
    population: dict[str, Any]
    weights: dict[str, Any]
    source_weights: dict[str, Any]
    peers_anonymous: bool
    rating_scale: list[dict[str, Any]]
    target_distribution: dict[str, Any]


class Advance(RequestModel):
    model_config = ConfigDict(json_schema_extra={"example": {"to": "manager_assessment"}})

    to: CycleState


class FeedbackCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "source": "peer",
                "ability": "4",
                "attitude": "5",
                "comment": "Always shares leads with the team",
            }
        }
    )

    source: Source
    ability: Annotated[Decimal, Field(ge=1, le=5, max_digits=3, decimal_places=1)]
    attitude: Annotated[Decimal, Field(ge=1, le=5, max_digits=3, decimal_places=1)]
    comment: Annotated[str, StringConstraints(max_length=4000)] | None = None


class CustomerFeedbackCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"ability": "5", "attitude": "4", "comment": "Answers within the hour"}
        }
    )

    ability: Annotated[Decimal, Field(ge=1, le=5, max_digits=3, decimal_places=1)]
    attitude: Annotated[Decimal, Field(ge=1, le=5, max_digits=3, decimal_places=1)]
    comment: Annotated[str, StringConstraints(max_length=4000)] | None = None


class InviteCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"customer_name": "Acme Trading Co.", "valid_days": 14}}
    )

    customer_name: Text200
    valid_days: int = Field(default=14, ge=1, le=90)


class InviteRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "token": "vR3...",
                "path": "/performance/customer-feedback/vR3...",
                "expires_at": "2026-04-14T00:00:00+00:00",
            }
        }
    )

    token: str
    path: str
    expires_at: datetime


class FeedbackRead(BaseModel):
    """One rating as the reader may see it: a peer's name is hidden from the reviewee."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "f-1",
                "source": "peer",
                "author": None,
                "ability": "4.00",
                "attitude": "5.00",
                "comment": "Always shares leads",
            }
        }
    )

    id: str
    source: Source
    author: str | None
    ability: Decimal
    attitude: Decimal
    comment: str | None


class ReviewRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "r-1",
                "cycle_id": "c-1",
                "member_id": "s1",
                "state": "closed",
                "results_score": "82.40",
                "ability_score": "80.00",
                "attitude_score": "86.00",
                "final_score": "82.60",
                "rating": "A",
                "calibrated_rating": None,
                "revision": 1,
                "explanation": ["results = average of 3 monthly scores = 82.40"],
                "feedback": [],
            }
        }
    )

    id: str
    cycle_id: str
    member_id: str
    state: str
    results_score: Decimal | None
    ability_score: Decimal | None
    attitude_score: Decimal | None
    final_score: Decimal | None
    rating: str | None
    calibrated_rating: str | None
    revision: int
    explanation: list[str]
    feedback: list[FeedbackRead]


class CalibrationCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "rating": "A",
                "reason": "Carried the team's biggest account through the launch",
            }
        }
    )

    rating: Annotated[str, StringConstraints(min_length=1, max_length=10)]
    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000)]


class CalibrationView(BaseModel):
    """How far the cycle's ratings are from the target distribution."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "cycle_id": "c-1",
                "reviews": 4,
                "ratings": [
                    {"rating": "A", "count": 2, "share": "0.5", "target": "0.2", "gap": "0.3"}
                ],
            }
        }
    )

    cycle_id: str
    reviews: int
    ratings: list[dict[str, Any]]


class ReopenCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"reason": "A refund reversed March revenue"}}
    )

    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000)]


# ----------------------------------------------------------------------------- development


class Checkpoint(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"due_on": "2026-05-15", "description": "Shadow two demos", "done": False}
        }
    )

    due_on: date
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    done: bool = False


class ImprovementPlanCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s2",
                "review_id": None,
                "goals": ["Lift conversion to 20%"],
                "checkpoints": [{"due_on": "2026-05-15", "description": "Shadow two demos"}],
            }
        }
    )

    member_id: Ident
    review_id: Ident | None = None
    goals: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        min_length=1, max_length=20
    )
    checkpoints: list[Checkpoint] = Field(min_length=1, max_length=50)


class ImprovementPlanUpdate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "checkpoints": [
                    {"due_on": "2026-05-15", "description": "Shadow two demos", "done": True}
                ],
                "outcome": "completed",
                "outcome_note": "Conversion at 21% in June",
            }
        }
    )

    checkpoints: list[Checkpoint] | None = None
    outcome: Annotated[str, StringConstraints(pattern=r"^(completed|extended|failed)$")] | None = (
        None
    )
    outcome_note: Annotated[str, StringConstraints(max_length=4000)] | None = None


class ImprovementPlanRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "p-1",
                "member_id": "s2",
                "review_id": None,
                "goals": ["Lift conversion"],
                "checkpoints": [],
                "outcome": None,
                "outcome_note": None,
                "version": 1,
            }
        },
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

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s2",
                "indicator": "leads",
                "method": "five_whys",
                "whys": ["Few leads", "Few events attended", "No event budget this quarter"],
            }
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
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "n-1",
                "member_id": "s2",
                "indicator": "leads",
                "method": "fishbone",
                "whys": [],
                "fishbone": {"resources": ["No event budget"]},
                "created_by": "lead",
            }
        },
    )

    id: str
    member_id: str
    indicator: str
    method: str
    whys: list[str]
    fishbone: dict[str, list[str]]
    created_by: str


class TrailingIndicator(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "indicator": "leads",
                "points": "50",
                "team_median": "100",
                "trailing_since": "2026-02",
            }
        }
    )

    indicator: str
    points: Decimal
    team_median: Decimal
    trailing_since: str


class Diagnosis(BaseModel):
    """Indicators where the member trails their team's median, and since when."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s2",
                "month": "2026-03",
                "team_size": 3,
                "trailing": [
                    {
                        "indicator": "leads",
                        "points": "50",
                        "team_median": "100",
                        "trailing_since": "2026-02",
                    }
                ],
                "notes": [],
            }
        }
    )

    member_id: str
    month: str
    team_size: int
    trailing: list[TrailingIndicator]
    notes: list[RootCauseRead]


class DevelopmentPlanCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
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
        }
    )

    member_id: Ident
    year: int = Field(ge=2000, le=2100)
    objectives: list[dict[str, Annotated[str, StringConstraints(max_length=500)]]] = Field(
        min_length=1, max_length=30
    )


class DevelopmentPlanRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {"id": "d-1", "member_id": "s2", "year": 2026, "objectives": []}
        },
    )

    id: str
    member_id: str
    year: int
    objectives: list[dict[str, Any]]


class TrainingCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s2",
                "title": "Key-account selling",
                "hours": "16",
                "completed_on": "2026-04-10",
                "provider": "Sales academy",
            }
        }
    )

    member_id: Ident
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    hours: Annotated[Decimal, Field(gt=0, le=1000, max_digits=8, decimal_places=2)]
    completed_on: date
    provider: Annotated[str, StringConstraints(max_length=200)] | None = None


class TrainingRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "tr-1",
                "member_id": "s2",
                "title": "Key-account selling",
                "hours": "16.00",
                "completed_on": "2026-04-10",
                "provider": "Sales academy",
            }
        },
    )

    id: str
    member_id: str
    title: str
    hours: Decimal
    completed_on: date
    provider: str | None


class TrainingSummary(BaseModel):
    """Training coverage and hours a member for a unit's subtree in a year, against targets."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "unit_id": "team-sales",
                "year": 2026,
                "members": 3,
                "trained": 2,
                "coverage": "0.67",
                "coverage_target": "1",
                "hours_per_member": "18.67",
                "hours_target": "40",
                "members_below_hours": ["lead", "s1", "s2"],
            }
        }
    )

    unit_id: str
    year: int
    members: int
    trained: int
    coverage: Decimal
    coverage_target: Decimal
    hours_per_member: Decimal
    hours_target: Decimal
    members_below_hours: list[str]


class Criterion(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"name": "tenure", "met": True, "detail": "11 months, 6 needed"}
        }
    )

    name: str
    met: bool
    detail: str


class PromotionReadiness(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s1",
                "tier": "newcomer",
                "next_tier": "backbone",
                "ready": True,
                "criteria": [{"name": "tenure", "met": True, "detail": "11 months >= 6"}],
            }
        }
    )

    member_id: str
    tier: str
    next_tier: str | None
    ready: bool
    criteria: list[Criterion]


class PulseSurveyCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "unit_id": "team-sales",
                "question": "How satisfied are you with your work this month?",
                "opens_on": "2026-03-25",
                "closes_on": "2026-03-31",
            }
        }
    )

    unit_id: Ident
    question: Annotated[str, StringConstraints(min_length=3, max_length=500)]
    opens_on: date
    closes_on: date


class PulseSurveyRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "ps-1",
                "unit_id": "team-sales",
                "question": "How satisfied are you?",
                "opens_on": "2026-03-25",
                "closes_on": "2026-03-31",
            }
        },
    )

    id: str
    unit_id: str
    question: str
    opens_on: date
    closes_on: date


class PulseAnswerCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"example": {"score": 4, "comment": None}})

    score: int = Field(ge=1, le=5)
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None


class TeamHealth(BaseModel):
    """A unit's health for a year against the plan's targets."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "unit_id": "team-sales",
                "year": 2026,
                "satisfaction": "0.75",
                "satisfaction_target": "0.85",
                "answers": 4,
                "core_members": ["s1"],
                "core_retention": "1",
                "core_retention_target": "0.9",
                "headcount_at_start": 3,
                "voluntary_leavers": 1,
                "voluntary_attrition": "0.33",
                "voluntary_attrition_target": "0.08",
                "explanation": [],
            }
        }
    )

    unit_id: str
    year: int
    satisfaction: Decimal | None
    satisfaction_target: Decimal
    answers: int
    core_members: list[str]
    core_retention: Decimal | None
    core_retention_target: Decimal
    headcount_at_start: int
    voluntary_leavers: int
    voluntary_attrition: Decimal | None
    voluntary_attrition_target: Decimal
    explanation: list[str]
