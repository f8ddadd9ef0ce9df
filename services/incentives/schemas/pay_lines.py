"""Explained pay lines, live projections and what-if figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, model_validator

from incentives.schemas.common import LINE_EXAMPLE, Ident, KpiCode, Share, money_of
from shared.api import RequestModel, examples
from shared.periods import Period
from shared.values import Money


class LineRead(BaseModel):
    """One explained amount: the rule, the inputs (and events) behind it, the tier.
    ``inputs`` are what the rule read, as it recorded them."""

    model_config = examples(LINE_EXAMPLE, from_attributes=True)

    rule: str
    amount: Money
    currency: str
    tier: str | None
    inputs: dict[str, Any]
    explanation: str
    plan_id: str | None = None
    member_id: str | None = Field(default=None, description="On a run's lines: whose it is")

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        return money_of(data, "amount")


class ProjectionRead(BaseModel):
    model_config = examples(
        {
            "member_id": "s1",
            "plan_id": "p-1",
            "period": "2026-Q1",
            "currency": "CNY",
            "total": {"amount": "58000.00", "currency": "CNY"},
            "revision": 4,
            "updated_at": "2026-03-15T10:00:00Z",
            "lines": [LINE_EXAMPLE],
        },
        from_attributes=True,
    )

    member_id: str
    plan_id: str
    period: str
    currency: str
    total: Money
    revision: int
    updated_at: datetime
    lines: list[LineRead]

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        return money_of(data, "total")


class WhatIfCreate(RequestModel):
    """Hypothetical figures for a member's plan; nothing is stored."""

    model_config = examples(
        {
            "member_id": "s1",
            "period": "2026-Q1",
            "attainments": {"revenue": "1.2"},
            "rating": "A",
        }
    )

    member_id: Ident
    period: Period
    attainments: dict[KpiCode, Share] = Field(default_factory=dict, max_length=50)
    rating: Annotated[str, StringConstraints(max_length=20)] | None = None


class WhatIfRead(BaseModel):
    model_config = examples(
        {
            "member_id": "s1",
            "plan_id": "p-1",
            "period": "2026-Q1",
            "currency": "CNY",
            "total": {"amount": "62800.00", "currency": "CNY"},
            "lines": [LINE_EXAMPLE],
        }
    )

    member_id: str
    plan_id: str
    period: str
    currency: str
    total: Money
    lines: list[LineRead]
