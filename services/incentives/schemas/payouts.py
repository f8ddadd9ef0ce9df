"""Payout runs, statements and adjustments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator

from incentives.schemas.common import LINE_EXAMPLE, Ident, SignedMoney, Text2000, money_of
from incentives.schemas.equity import NON_CASH_EXAMPLE, NonCashLine
from incentives.schemas.pay_lines import LineRead
from shared.api import RequestModel, examples
from shared.periods import Period
from shared.values import Money


class RunState(StrEnum):
    """draft > approved > exported; a run that pays its first approver waits in
    ``awaiting_second_approval`` for someone it does not pay (a recalculation returns it to
    ``draft``)."""

    draft = "draft"
    awaiting_second_approval = "awaiting_second_approval"
    approved = "approved"
    exported = "exported"


class RunCreate(RequestModel):
    model_config = examples({"period": "2026-Q1"})

    period: Period


class MemberTotal(BaseModel):
    model_config = examples(
        {"member_id": "s1", "currency": "CNY", "total": {"amount": "68913.33", "currency": "CNY"}}
    )

    member_id: str
    currency: str
    total: Money

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        return money_of(data, "total")


class RunRead(BaseModel):
    model_config = examples(
        {
            "id": "run-1",
            "period": "2026-Q1",
            "state": "draft",
            "version": 7,
            "members": 1,
            "lines": 4,
            "totals": [{"amount": "58000.00", "currency": "CNY"}],
            "member_totals": [
                {
                    "member_id": "s1",
                    "currency": "CNY",
                    "total": {"amount": "58000.00", "currency": "CNY"},
                }
            ],
            "created_by": "incentives",
            "created_at": "2026-04-01T09:00:00Z",
            "first_approved_by": None,
            "first_approved_at": None,
            "approved_by": None,
            "approved_at": None,
            "exported_by": None,
            "exported_at": None,
        }
    )

    id: str
    period: str
    state: RunState
    version: int
    members: int
    lines: int
    totals: list[Money] = Field(description="The total in each currency, by currency")
    member_totals: list[MemberTotal]
    created_by: str
    created_at: datetime
    first_approved_by: str | None = Field(
        description="Who gave the first of two approvals (the run pays them), else null"
    )
    first_approved_at: datetime | None
    approved_by: str | None = Field(description="Who gave the final approval")
    approved_at: datetime | None
    exported_by: str | None
    exported_at: datetime | None


class StatementRun(BaseModel):
    model_config = examples(
        {
            "run_id": "run-1",
            "state": "approved",
            "totals": [{"amount": "58000.00", "currency": "CNY"}],
            "lines": [LINE_EXAMPLE],
        }
    )

    run_id: str
    state: RunState
    totals: list[Money] = Field(description="The total in each currency, by currency")
    lines: list[LineRead]


class StatementRead(BaseModel):
    model_config = examples(
        {
            "member_id": "s1",
            "period": "2026-Q1",
            "rounding": "half up to the cent, once per line",
            "runs": [
                {
                    "run_id": "run-1",
                    "state": "approved",
                    "totals": [{"amount": "58000.00", "currency": "CNY"}],
                    "lines": [LINE_EXAMPLE],
                }
            ],
            "non_cash": [NON_CASH_EXAMPLE],
        }
    )

    member_id: str
    period: str
    rounding: str
    runs: list[StatementRun]
    non_cash: list[NonCashLine] = Field(
        default_factory=list,
        description="Equity grants made and tranches vesting in the period: units, not pay",
    )


class AdjustmentCreate(RequestModel):
    model_config = examples(
        {
            "member_id": "s1",
            "period": "2026-Q1",
            "amount": {"amount": "-200.00", "currency": "CNY"},
            "reason": "Credit note on deal d1 after the run was approved",
        }
    )

    member_id: Ident
    period: Period = Field(description="The period the correction is about")
    amount: SignedMoney = Field(description="Negative to take money back")
    reason: Text2000


class AdjustmentRead(BaseModel):
    model_config = examples(
        {
            "id": "a-1",
            "member_id": "s1",
            "period": "2026-Q1",
            "amount": {"amount": "-200.00", "currency": "CNY"},
            "currency": "CNY",
            "reason": "Credit note on deal d1",
            "source": {"kind": "manual", "by": "fin-1"},
            "created_by": "fin-1",
            "created_at": "2026-04-02T09:00:00Z",
            "run_id": None,
        },
        from_attributes=True,
    )

    id: str
    member_id: str
    period: str
    amount: Money
    currency: str
    reason: str
    source: dict[str, Any]
    created_by: str
    created_at: datetime
    run_id: str | None

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        return money_of(data, "amount")
