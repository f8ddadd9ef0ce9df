"""KPI figures: an owner's actual, target and attainment per KPI and period."""

from __future__ import annotations

from pydantic import Field

from goals.schemas.common import (
    KpiValueOut,
    OwnerType,
    ReadModel,
)
from shared.api import examples
from shared.values import Ratio


class FigureRead(ReadModel):
    model_config = examples(
        {
            "owner_type": "member",
            "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "kpi": "revenue",
            "period": "2026-03",
            "actual": "61000.00",
            "target": "80000.00",
            "attainment": "0.762500",
            "measurements": 4,
        }
    )

    owner_type: OwnerType
    owner_id: str
    kpi: str
    period: str
    actual: KpiValueOut | None = Field(description="At the KPI's scale")
    target: KpiValueOut | None = Field(description="At the KPI's scale")
    attainment: Ratio | None
    measurements: int
