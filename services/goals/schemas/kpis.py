"""KPI definitions."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from goals.schemas.common import Code, ReadModel, Text200
from shared.api import RequestModel, examples
from shared.values import MAX_VALUE_PLACES

DEFAULT_SCALE = 2
"""A KPI's values have 2 decimal places unless its definition says otherwise."""


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
    model_config = examples(
        {
            "code": "roi",
            "name": "Return on marketing spend",
            "unit": "ratio",
            "direction": "higher_is_better",
            "aggregation": "sum",
            "category": "result",
            "formula": "revenue / spend",
            "scale": 4,
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
    scale: int = Field(
        default=DEFAULT_SCALE,
        ge=0,
        le=MAX_VALUE_PLACES,
        description="Decimal places of the KPI's values (targets, actuals, figures)",
    )
    non_negative: bool | None = Field(
        default=None,
        description=(
            "Targets may not be below zero. Unless said: true for a summed KPI without a "
            "formula (counts, money), false otherwise"
        ),
    )


class KpiUpdate(RequestModel):
    """A JSON merge patch of a KPI definition: its labels, whether targets may be negative
    and whether it is active (code, formula, scale, direction and aggregation stay: figures
    were computed by them)."""

    model_config = examples({"name": "营收 Revenue", "non_negative": True})

    name: Text200 | None = None
    unit: Annotated[str, StringConstraints(min_length=1, max_length=30)] | None = None
    category: KpiCategory | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    non_negative: bool | None = None
    active: bool | None = Field(
        default=None,
        description="false retires the KPI (no new goals name it; its figures stay), true "
        "reinstates it",
    )


class KpiRead(ReadModel):
    model_config = examples(
        {
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
            "scale": 2,
            "non_negative": True,
            "active": True,
            "version": 1,
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
    scale: int
    non_negative: bool
    active: bool
    version: int
