"""Goals and targets: SMART checks, cascades, templates, adjustments, progress."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from goals.schemas.common import (
    Code,
    Ident,
    KpiValue,
    KpiValueOut,
    OwnerType,
    ReadModel,
    Text200,
    Weight,
)
from shared.api import RequestModel, examples
from shared.periods import Period
from shared.values import Ratio


class GoalKind(StrEnum):
    objective = "objective"
    key_result = "key_result"
    kpi_target = "kpi_target"


class GoalCreate(RequestModel):
    model_config = examples(
        {
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
    )

    kind: GoalKind
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    owner_type: OwnerType
    owner_id: Ident
    period: Period
    kpi: Code | None = Field(default=None, description="The KPI's code")
    target_value: KpiValue | None = Field(
        default=None, description="At most the KPI's scale of decimal places"
    )
    weight: Weight = Decimal(1)
    parent_id: Ident | None = None


class GoalUpdate(RequestModel):
    """A JSON merge patch of a goal. A target change needs a reason; changing the target of a
    period that has ended also needs ``restate: true``."""

    model_config = examples(
        {"target_value": "13000000", "reason": "New product launch moved to Q2"}
    )

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    target_value: KpiValue | None = Field(
        default=None, description="At most the KPI's scale of decimal places"
    )
    weight: Weight | None = None
    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000)] | None = None
    restate: bool = False


class SmartFinding(BaseModel):
    """One SMART finding: the criterion, the field of the goal it is about, and why (the
    message starts with the field's name)."""

    model_config = examples(
        {
            "criterion": "achievable",
            "field": "target_value",
            "message": "target_value: 500000 is 285% beyond the best of the last 4 month periods",
        }
    )

    criterion: str
    field: str | None = Field(
        default=None,
        description="The goal's field it is about (description, kpi, target_value, period...)",
    )
    message: str


class SmartReport(BaseModel):
    model_config = examples(
        {
            "errors": [],
            "warnings": [
                {
                    "criterion": "achievable",
                    "field": "target_value",
                    "message": "target_value: 150 is 45% beyond the best of the last 4 periods",
                }
            ],
        }
    )

    errors: list[SmartFinding]
    warnings: list[SmartFinding]


class GoalRead(ReadModel):
    model_config = examples(
        {
            "id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            "kind": "kpi_target",
            "title": "Department revenue 2026",
            "description": "Grow revenue to 12M CNY",
            "owner_type": "unit",
            "owner_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "period": "2026",
            "kpi": "revenue",
            "target_value": "12000000.00",
            "weight": "1.000000",
            "parent_id": None,
            "smart_warnings": [],
            "version": 1,
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
    target_value: KpiValueOut | None = Field(description="At the KPI's scale")
    weight: Ratio
    parent_id: str | None
    smart_warnings: list[SmartFinding]
    version: int


class CascadeMode(StrEnum):
    even = "even"
    weights = "weights"
    last_year = "last_year"


class CascadeChild(RequestModel):
    model_config = examples(
        {
            "owner_type": "unit",
            "owner_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "period": "2026-03",
            "weight": "5",
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

    model_config = examples(
        {
            "mode": "weights",
            "children": [
                {"owner_type": "unit", "owner_id": "team-promotion", "weight": "3"},
                {"owner_type": "unit", "owner_id": "team-sales", "weight": "5"},
                {"owner_type": "unit", "owner_id": "team-service", "weight": "2"},
            ],
        }
    )

    mode: CascadeMode = CascadeMode.even
    by_period: bool = False
    children: list[CascadeChild] = Field(default_factory=list, max_length=1000)


class TemplateItem(RequestModel):
    model_config = examples(
        {
            "kind": "kpi_target",
            "title": "Leads",
            "kpi": "leads",
            "target_value": "40",
            "weight": "1",
            "description": "Qualified leads a month",
        }
    )

    kind: GoalKind = GoalKind.kpi_target
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None
    kpi: Code | None = None
    target_value: KpiValue | None = None
    weight: Weight = Decimal(1)


class TemplateItemRead(BaseModel):
    model_config = examples(
        {
            "kind": "kpi_target",
            "title": "Leads",
            "description": "Qualified leads a month",
            "kpi": "leads",
            "target_value": "40",
            "weight": "1.000000",
        }
    )

    kind: GoalKind
    title: str
    description: str | None = None
    kpi: str | None = None
    target_value: KpiValueOut | None = Field(default=None, description="At the KPI's scale")
    weight: Ratio


class GoalTemplateCreate(RequestModel):
    model_config = examples(
        {
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
    )

    name: Text200
    items: list[TemplateItem] = Field(min_length=1, max_length=50)


class GoalTemplateRead(ReadModel):
    model_config = examples(
        {
            "id": "t1e2m3p4-0000-4000-8000-000000000001",
            "name": "Account manager standard",
            "items": [
                {
                    "kind": "kpi_target",
                    "title": "Leads",
                    "kpi": "leads",
                    "target_value": "40",
                    "weight": "1.000000",
                    "description": "Qualified leads a month",
                }
            ],
        }
    )

    id: str
    name: str
    items: list[TemplateItemRead]


class TemplateApply(RequestModel):
    """Apply a template to many members for one period, optionally aligned to a parent."""

    model_config = examples({"member_ids": ["m-1", "m-2"], "period": "2026-03", "parent_id": None})

    member_ids: list[Ident] = Field(min_length=1, max_length=1000)
    period: Period
    parent_id: Ident | None = None


class TargetAdjustmentRead(ReadModel):
    model_config = examples(
        {
            "id": "d1e2f3a4-0000-4000-8000-000000000001",
            "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            "old_value": "1000000.00",
            "new_value": "1100000.00",
            "reason": "New product launch",
            "restated": False,
            "adjusted_by": "m-director",
            "adjusted_at": "2026-03-20T08:00:00+00:00",
        }
    )

    id: str
    goal_id: str
    old_value: KpiValueOut | None = Field(description="At the KPI's scale")
    new_value: KpiValueOut = Field(description="At the KPI's scale")
    reason: str
    restated: bool
    adjusted_by: str
    adjusted_at: datetime
