"""Request and response bodies of the goals API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.api import RequestModel
from shared.events import Consumed
from shared.periods import Period

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=36)]
# Values travel as decimal strings (numbers are accepted too) and stay exact.
Value = Annotated[Decimal, Field(max_digits=20, decimal_places=6, allow_inf_nan=False)]
Weight = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=6, allow_inf_nan=False)]


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ----------------------------------------------------------------------------- organisation


class OrgUnitKind(StrEnum):
    company = "company"
    department = "department"
    team = "team"
    squad = "squad"


class Layer(StrEnum):
    management = "management"
    execution = "execution"
    support = "support"


class Tier(StrEnum):
    newcomer = "newcomer"
    backbone = "backbone"
    management_reserve = "management_reserve"


class LeaveReason(StrEnum):
    voluntary = "voluntary"
    involuntary = "involuntary"
    retirement = "retirement"
    transfer = "transfer"
    other = "other"


class OrgUnitCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "市场部 Marketing",
                "kind": "department",
                "parent_id": "0b6f3c1e-8a4e-4c1f-9d6a-2f1e5b7c9a10",
            }
        }
    )

    name: Text200
    kind: OrgUnitKind
    parent_id: Ident | None = None
    starts_on: date | None = Field(default=None, description="Squads only: first day")
    ends_on: date | None = Field(default=None, description="Squads only: last day")


class OrgUnitRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "name": "市场部 Marketing",
                "kind": "department",
                "parent_id": "0b6f3c1e-8a4e-4c1f-9d6a-2f1e5b7c9a10",
                "starts_on": None,
                "ends_on": None,
                "version": 1,
                "created_at": "2026-01-05T09:00:00+00:00",
                "updated_at": "2026-01-05T09:00:00+00:00",
            }
        }
    )

    id: str
    name: str
    kind: OrgUnitKind
    parent_id: str | None
    starts_on: date | None = None
    ends_on: date | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class MemberCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "王芳 Wang Fang",
                "email": "wang.fang@example.com",
                "home_unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "layer": "execution",
                "title": "Account manager",
                "manager_id": None,
                "tier": "newcomer",
                "hired_on": "2026-01-05",
            }
        }
    )

    id: Ident | None = Field(default=None, description="Optional id from the HR system")
    name: Text200
    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    home_unit_id: Ident
    layer: Layer
    title: Annotated[str, StringConstraints(max_length=200)] | None = None
    manager_id: Ident | None = None
    tier: Tier = Tier.newcomer
    hired_on: date


class MemberUpdate(RequestModel):
    """A JSON merge patch of a member; leaving needs a date and a reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "left_on": "2026-06-30",
                "leave_reason": "voluntary",
                "leave_note": "moved city",
            }
        }
    )

    name: Text200 | None = None
    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    home_unit_id: Ident | None = None
    layer: Layer | None = None
    title: Annotated[str, StringConstraints(max_length=200)] | None = None
    manager_id: Ident | None = None
    tier: Tier | None = None
    left_on: date | None = None
    leave_reason: LeaveReason | None = None
    leave_note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class MemberRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "name": "王芳 Wang Fang",
                "email": "wang.fang@example.com",
                "home_unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "layer": "execution",
                "title": "Account manager",
                "manager_id": None,
                "tier": "newcomer",
                "hired_on": "2026-01-05",
                "left_on": None,
                "leave_reason": None,
                "leave_note": None,
                "version": 1,
            }
        }
    )

    id: str
    name: str
    email: str | None
    home_unit_id: str
    layer: Layer
    title: str | None
    manager_id: str | None
    tier: Tier
    hired_on: date
    left_on: date | None
    leave_reason: LeaveReason | None
    leave_note: str | None
    version: int


class SquadMemberAdd(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"member_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a", "role": "data"}
        }
    )

    member_id: Ident
    role: Annotated[str, StringConstraints(min_length=1, max_length=50)]


class SquadMemberRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "squad_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "member_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "role": "data",
            }
        }
    )

    squad_id: str
    member_id: str
    role: str


class MentorshipCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "mentor_id": "1a2b3c4d-0000-4000-8000-000000000001",
                "mentee_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "starts_on": "2026-01-05",
            }
        }
    )

    mentor_id: Ident
    mentee_id: Ident
    starts_on: date
    months: int = Field(default=3, ge=1, le=24, description="Length; 3 months by default")


class MentorshipRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "b1c2d3e4-0000-4000-8000-000000000001",
                "mentor_id": "1a2b3c4d-0000-4000-8000-000000000001",
                "mentee_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "starts_on": "2026-01-05",
                "ends_on": "2026-04-05",
            }
        }
    )

    id: str
    mentor_id: str
    mentee_id: str
    starts_on: date
    ends_on: date


# ----------------------------------------------------------------------------- KPIs


class Direction(StrEnum):
    higher_is_better = "higher_is_better"
    lower_is_better = "lower_is_better"


class Aggregation(StrEnum):
    sum = "sum"
    average = "average"
    last = "last"


class KpiCategory(StrEnum):
    result = "result"
    process = "process"
    quality = "quality"
    team = "team"


class KpiCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "code": "roi",
                "name": "Return on marketing spend",
                "unit": "ratio",
                "direction": "higher_is_better",
                "aggregation": "sum",
                "category": "result",
                "formula": "revenue / spend",
            }
        }
    )

    code: Code
    name: Text200
    unit: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    direction: Direction = Direction.higher_is_better
    aggregation: Aggregation = Aggregation.sum
    category: KpiCategory = KpiCategory.result
    formula: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        default=None, description="Over other KPIs' codes with + - * / and parentheses"
    )
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None


class KpiRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9",
                "code": "acquisition_cost",
                "name": "Customer acquisition cost",
                "unit": "CNY",
                "direction": "lower_is_better",
                "aggregation": "average",
                "category": "result",
                "formula": None,
                "inputs": [],
                "description": None,
            }
        }
    )

    id: str
    code: str
    name: str
    unit: str
    direction: Direction
    aggregation: Aggregation
    category: KpiCategory
    formula: str | None
    inputs: list[str]
    description: str | None


# ----------------------------------------------------------------------------- goals


class GoalKind(StrEnum):
    objective = "objective"
    key_result = "key_result"
    kpi_target = "kpi_target"


class OwnerType(StrEnum):
    company = "company"
    unit = "unit"
    member = "member"


class GoalCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "kind": "kpi_target",
                "title": "Department revenue 2026",
                "description": "Grow marketing-sourced revenue to 12M CNY",
                "owner_type": "unit",
                "owner_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "period": "2026",
                "kpi": "revenue",
                "target_value": "12000000",
                "weight": "1",
                "parent_id": None,
            }
        }
    )

    kind: GoalKind
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    owner_type: OwnerType
    owner_id: Ident
    period: Period
    kpi: Code | None = Field(default=None, description="The KPI's code")
    target_value: Value | None = None
    weight: Weight = Decimal(1)
    parent_id: Ident | None = None


class GoalUpdate(RequestModel):
    """A JSON merge patch of a goal. A target change needs a reason; changing the target of a
    period that has ended also needs ``restate: true``."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {"target_value": "13000000", "reason": "New product launch moved to Q2"}
        }
    )

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    target_value: Value | None = None
    weight: Weight | None = None
    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000)] | None = None
    restate: bool = False


class SmartFinding(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "criterion": "achievable",
                "message": "the target is 285% beyond the best of the last 4 month periods",
            }
        }
    )

    criterion: str
    message: str


class SmartReport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "errors": [],
                "warnings": [
                    {
                        "criterion": "achievable",
                        "message": "the target is 45% above the best of the last 4 periods",
                    }
                ],
            }
        }
    )

    errors: list[SmartFinding]
    warnings: list[SmartFinding]


class GoalRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
                "kind": "kpi_target",
                "title": "Department revenue 2026",
                "description": "Grow revenue to 12M CNY",
                "owner_type": "unit",
                "owner_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "period": "2026",
                "kpi": "revenue",
                "target_value": "12000000.000000",
                "weight": "1.000000",
                "parent_id": None,
                "smart_warnings": [],
                "version": 1,
            }
        }
    )

    id: str
    kind: GoalKind
    title: str
    description: str | None
    owner_type: OwnerType
    owner_id: str
    period: str
    kpi: str | None
    target_value: Decimal | None
    weight: Decimal
    parent_id: str | None
    smart_warnings: list[SmartFinding]
    version: int


class CascadeMode(StrEnum):
    even = "even"
    weights = "weights"
    last_year = "last_year"


class CascadeChild(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "owner_type": "unit",
                "owner_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "period": "2026-03",
                "weight": "5",
            }
        }
    )

    owner_type: OwnerType
    owner_id: Ident
    period: Period | None = Field(default=None, description="Defaults to the parent's period")
    weight: Weight | None = Field(default=None, description="Needed when splitting by weights")


class CascadeRequest(RequestModel):
    """Create child targets from a parent target: across owners, across sub-periods, or both.

    With ``by_period`` the children are the parent's sub-periods for the same owner (a year's
    quarters, a quarter's months); otherwise they are listed in ``children``."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "mode": "weights",
                "children": [
                    {"owner_type": "unit", "owner_id": "team-promotion", "weight": "3"},
                    {"owner_type": "unit", "owner_id": "team-sales", "weight": "5"},
                    {"owner_type": "unit", "owner_id": "team-service", "weight": "2"},
                ],
            }
        }
    )

    mode: CascadeMode = CascadeMode.even
    by_period: bool = False
    children: list[CascadeChild] = Field(default_factory=list, max_length=1000)


class TemplateItem(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "kind": "kpi_target",
                "title": "Leads",
                "kpi": "leads",
                "target_value": "40",
                "weight": "1",
                "description": "Qualified leads a month",
            }
        }
    )

    kind: GoalKind = GoalKind.kpi_target
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    kpi: Code | None = None
    target_value: Value | None = None
    weight: Weight = Decimal(1)


class GoalTemplateCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "Account manager standard",
                "items": [
                    {
                        "title": "Leads",
                        "kpi": "leads",
                        "target_value": "40",
                        "description": "Qualified leads a month",
                    }
                ],
            }
        }
    )

    name: Text200
    items: list[TemplateItem] = Field(min_length=1, max_length=50)


class GoalTemplateRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "t1e2m3p4-0000-4000-8000-000000000001",
                "name": "Account manager standard",
                "items": [
                    {
                        "kind": "kpi_target",
                        "title": "Leads",
                        "kpi": "leads",
                        "target_value": "40",
                        "weight": "1",
                        "description": "Qualified leads a month",
                    }
                ],
            }
        }
    )

    id: str
    name: str
    items: list[dict[str, Any]]


class TemplateApply(RequestModel):
    """Apply a template to many members for one period, optionally aligned to a parent."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {"member_ids": ["m-1", "m-2"], "period": "2026-03", "parent_id": None}
        }
    )

    member_ids: list[Ident] = Field(min_length=1, max_length=1000)
    period: Period
    parent_id: Ident | None = None


class TargetAdjustmentRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "d1e2f3a4-0000-4000-8000-000000000001",
                "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
                "old_value": "1000000.000000",
                "new_value": "1100000.000000",
                "reason": "New product launch",
                "restated": False,
                "adjusted_by": "m-director",
                "adjusted_at": "2026-03-20T08:00:00+00:00",
            }
        }
    )

    id: str
    goal_id: str
    old_value: Decimal | None
    new_value: Decimal
    reason: str
    restated: bool
    adjusted_by: str
    adjusted_at: datetime


class ChildProgress(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
                "owner_type": "member",
                "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "period": "2026-03",
                "weight": "1.000000",
                "attainment": "1.040000",
            }
        }
    )

    goal_id: str
    owner_type: OwnerType
    owner_id: str
    period: str
    weight: Decimal
    attainment: Decimal | None


class GoalProgress(BaseModel):
    """How a goal stands, and where each number comes from."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
                "kpi": "revenue",
                "direction": "higher_is_better",
                "period": "2026-Q1",
                "target": "3000000",
                "actual": "2400000",
                "attainment": "0.8",
                "measurements": 36,
                "rolled_up_progress": "0.82",
                "children": [],
                "explanation": [
                    "actual = sum of 36 measurements of revenue in 2026-Q1",
                    "attainment = actual / target = 2400000 / 3000000 = 0.8",
                ],
            }
        }
    )

    goal_id: str
    kpi: str | None
    direction: Direction | None
    period: str
    target: Decimal | None
    actual: Decimal | None
    attainment: Decimal | None
    measurements: int
    rolled_up_progress: Decimal | None
    children: list[ChildProgress]
    explanation: list[str]


# ----------------------------------------------------------------------------- actuals


class MeasurementCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "owner_type": "member",
                "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "kpi": "revenue",
                "date": "2026-03-14",
                "value": "18500.00",
                "source": "crm",
                "idempotency_key": "crm-deal-88213",
            }
        }
    )

    owner_type: OwnerType = OwnerType.member
    owner_id: Ident
    kpi: Code
    date: date
    value: Value
    source: Annotated[str, StringConstraints(min_length=1, max_length=50)] = "api"
    idempotency_key: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class MeasurementRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "a1b2c3d4-0000-4000-8000-000000000001",
                "owner_type": "member",
                "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "kpi": "revenue",
                "date": "2026-03-14",
                "value": "18500.000000",
                "source": "crm",
                "idempotency_key": "crm-deal-88213",
                "corrects_id": None,
                "reason": None,
                "superseded": False,
            }
        }
    )

    id: str
    owner_type: OwnerType
    owner_id: str
    kpi: str
    date: date
    value: Decimal
    source: str
    idempotency_key: str
    corrects_id: str | None
    reason: str | None
    superseded: bool


class CorrectionCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "value": "17500.00",
                "reason": "Deal 88213 was partly refunded",
                "idempotency_key": "crm-deal-88213-fix-1",
            }
        }
    )

    value: Value
    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000)]
    idempotency_key: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class RowError(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"row": 22, "errors": ["value: Input should be a valid decimal"]}
        }
    )

    row: int = Field(description="1-based row number (CSV: the header is row 1)")
    errors: list[str]


class ImportReport(BaseModel):
    """What an upload did: a bad row never stops the good ones."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "rows": 3,
                "accepted": 2,
                "duplicates": 0,
                "rejected": 1,
                "errors": [{"row": 3, "errors": ["value: not a number"]}],
                "figures_changed": 6,
            }
        }
    )

    rows: int
    accepted: int
    duplicates: int
    rejected: int
    errors: list[RowError]
    figures_changed: int


class BulkMeasurements(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "items": [
                    {
                        "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                        "kpi": "revenue",
                        "date": "2026-03-14",
                        "value": "18500.00",
                        "source": "crm",
                        "idempotency_key": "crm-deal-88213",
                    }
                ]
            }
        }
    )

    items: list[dict[str, Any]] = Field(min_length=1, max_length=10_000)


class FigureRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "owner_type": "member",
                "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "kpi": "revenue",
                "period": "2026-03",
                "actual": "61000.000000",
                "target": "80000.000000",
                "attainment": "0.762500",
                "measurements": 4,
            }
        }
    )

    owner_type: OwnerType
    owner_id: str
    kpi: str
    period: str
    actual: Decimal | None
    target: Decimal | None
    attainment: Decimal | None
    measurements: int


# ----------------------------------------------------------------------------- work


class Confidence(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class CheckInCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "month": "2026-03",
                "progress": "0.35",
                "confidence": "medium",
                "blockers": "Waiting for the product team's launch date",
            }
        }
    )

    month: Period
    progress: Annotated[Decimal, Field(ge=0, le=10, max_digits=12, decimal_places=6)]
    confidence: Confidence
    blockers: Annotated[str, StringConstraints(max_length=4000)] | None = None


class CheckInRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "c1d2e3f4-0000-4000-8000-000000000001",
                "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
                "month": "2026-03",
                "progress": "0.350000",
                "confidence": "medium",
                "blockers": "Waiting for the launch date",
                "author_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "created_at": "2026-03-28T10:00:00+00:00",
            }
        }
    )

    id: str
    goal_id: str
    month: str
    progress: Decimal
    confidence: Confidence
    blockers: str | None
    author_id: str
    created_at: datetime


class TaskStatus(StrEnum):
    todo = "todo"
    in_progress = "in_progress"
    blocked = "blocked"
    done = "done"


class Quadrant(StrEnum):
    do_first = "do_first"  # urgent and important
    schedule = "schedule"  # important, not urgent
    delegate = "delegate"  # urgent, not important
    eliminate = "eliminate"  # neither


class TaskCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "title": "Prepare trade-show leads",
                "due_on": "2026-03-20",
                "urgent": True,
                "important": True,
                "key_result_id": None,
                "resources": "Booth budget 20k CNY",
            }
        }
    )

    owner_id: Ident
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    due_on: date
    urgent: bool = False
    important: bool = True
    key_result_id: Ident | None = None
    resources: Annotated[str, StringConstraints(max_length=4000)] | None = None


class TaskUpdate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"example": {"status": "done"}})

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    due_on: date | None = None
    status: TaskStatus | None = None
    urgent: bool | None = None
    important: bool | None = None
    resources: Annotated[str, StringConstraints(max_length=4000)] | None = None


class TaskRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "e1f2a3b4-0000-4000-8000-000000000001",
                "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "key_result_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
                "title": "Call back hot leads",
                "resources": None,
                "due_on": "2026-03-13",
                "status": "todo",
                "urgent": True,
                "important": True,
                "quadrant": "do_first",
                "completed_at": None,
                "version": 1,
            }
        }
    )

    id: str
    owner_id: str
    key_result_id: str | None
    title: str
    resources: str | None
    due_on: date
    status: TaskStatus
    urgent: bool
    important: bool
    quadrant: Quadrant
    completed_at: datetime | None
    version: int


class WeeklyReport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "week_start": "2026-03-09",
                "week_end": "2026-03-15",
                "done": [],
                "next": [],
                "at_risk": [],
                "check_ins": [],
            }
        }
    )

    member_id: str
    week_start: date
    week_end: date
    done: list[TaskRead]
    next: list[TaskRead]
    at_risk: list[TaskRead]
    check_ins: list[CheckInRead]


class RiskStatus(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"


class RiskAlert(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
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
        }
    )

    goal_id: str
    title: str
    owner_type: OwnerType
    owner_id: str
    period: str
    status: RiskStatus
    progress: Decimal | None
    expected: Decimal
    gap: Decimal | None
    suggested_correction: str


class RiskCorrectionCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"action_taken": "Moved two reps from service to sales for March"}
        }
    )

    action_taken: Annotated[str, StringConstraints(min_length=3, max_length=4000)]


class RiskCorrectionRead(ReadModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "r1c2d3e4-0000-4000-8000-000000000001",
                "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
                "status_at_time": "off_track",
                "suggested": "40 count of deals remain in 17 days: 2.35 a day",
                "action_taken": "Paired the rep with the lead on every demo",
                "recorded_by": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
                "recorded_at": "2026-03-15T09:00:00+00:00",
            }
        }
    )

    id: str
    goal_id: str
    status_at_time: str
    suggested: str
    action_taken: str
    recorded_by: str
    recorded_at: datetime


# ----------------------------------------------------------------------------- consumed


class DataGrantChangedV1(Consumed):
    """Goals' copy of collab's ``DataGrantChanged`` (version 1): only the fields it needs."""

    event_type: ClassVar[str] = "collab.data-grant.changed"

    grant_id: str
    grantor_unit_id: str
    grantee_unit_id: str
    data_set: str
    valid_until: date
    active: bool
    version: int
