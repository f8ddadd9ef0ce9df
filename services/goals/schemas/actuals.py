"""Actuals: measurements, corrections and upload reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from goals.schemas.common import (
    Code,
    Ident,
    KpiValue,
    KpiValueOut,
    OwnerType,
    ReadModel,
)
from shared.api import RequestModel, examples


class MeasurementCreate(RequestModel):
    model_config = examples(
        {
            "owner_type": "member",
            "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "kpi": "revenue",
            "date": "2026-03-14",
            "value": "18500.00",
            "source": "crm",
            "idempotency_key": "crm-deal-88213",
        }
    )

    owner_type: OwnerType = OwnerType.member
    owner_id: Ident
    kpi: Code
    date: date
    value: KpiValue = Field(description="At most the KPI's scale of decimal places")
    source: Annotated[str, StringConstraints(min_length=1, max_length=50)] = "api"
    idempotency_key: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class MeasurementRead(ReadModel):
    model_config = examples(
        {
            "id": "a1b2c3d4-0000-4000-8000-000000000001",
            "owner_type": "member",
            "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "kpi": "revenue",
            "date": "2026-03-14",
            "value": "18500.00",
            "source": "crm",
            "idempotency_key": "crm-deal-88213",
            "corrects_id": None,
            "reason": None,
            "superseded": False,
        }
    )

    id: str
    owner_type: OwnerType
    owner_id: str
    kpi: str
    date: date
    value: KpiValueOut = Field(description="At the KPI's scale")
    source: str
    idempotency_key: str
    corrects_id: str | None
    reason: str | None
    superseded: bool


class CorrectionCreate(RequestModel):
    model_config = examples(
        {
            "value": "17500.00",
            "reason": "Deal 88213 was partly refunded",
            "idempotency_key": "crm-deal-88213-fix-1",
        }
    )

    value: KpiValue = Field(description="At most the KPI's scale of decimal places")
    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000)]
    idempotency_key: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class RowError(BaseModel):
    model_config = examples({"row": 22, "errors": ["value: Input should be a valid decimal"]})

    row: int = Field(description="1-based row number (CSV: the header is row 1)")
    errors: list[str]


class ImportReport(BaseModel):
    """What an upload did: a bad row never stops the good ones."""

    model_config = examples(
        {
            "rows": 3,
            "accepted": 2,
            "duplicates": 0,
            "rejected": 1,
            "errors": [{"row": 3, "errors": ["value: not a number"]}],
            "figures_changed": 6,
        }
    )

    rows: int
    accepted: int
    duplicates: int
    rejected: int
    errors: list[RowError]
    figures_changed: int


class BulkMeasurements(RequestModel):
    model_config = examples(
        {
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
    )

    items: list[dict[str, Any]] = Field(min_length=1, max_length=10_000)
