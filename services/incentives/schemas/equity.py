"""Equity grants: long-term rewards in units of an instrument, with a vesting schedule."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

from incentives.schemas.common import Currency, Ident, PositiveMoney, Text2000
from shared.api import RequestModel, examples
from shared.values import DecimalText, Money, Points

QUANTITY_PLACES = 4
Quantity = Annotated[
    Decimal,
    DecimalText(QUANTITY_PLACES, signed=False, pad=True, example="600.0000"),
    Field(gt=0, max_digits=14),
]
"""Units of an instrument (not money): up to 4 decimal places, above zero."""
Units = Annotated[Decimal, DecimalText(QUANTITY_PLACES, signed=False, example="600.0000")]
"""Units as the service answers them (zero or more, 4 places)."""

GRANT_EXAMPLE = {
    "member_id": "s1",
    "instrument": "rsu",
    "quantity": "1200.0000",
    "granted_on": "2026-01-01",
    "cliff_months": 12,
    "tranches": [
        {"vests_on": "2027-01-01", "quantity": "600.0000"},
        {"vests_on": "2028-01-01", "quantity": "600.0000"},
    ],
    "conditions": {"min_tenure_months": 12, "min_score": "80.0000"},
    "currency": "CNY",
    "strike_price": None,
    "fair_value": {"amount": "35.00", "currency": "CNY"},
    "note": "Retention grant",
}


class Instrument(StrEnum):
    options = "options"
    rsu = "rsu"
    phantom_shares = "phantom_shares"


class GrantState(StrEnum):
    draft = "draft"
    approved = "approved"


class TrancheState(StrEnum):
    pending = "pending"
    vested = "vested"
    forfeited = "forfeited"


class TrancheCreate(RequestModel):
    model_config = examples({"vests_on": "2027-01-01", "quantity": "600.0000"})

    vests_on: date
    quantity: Quantity


class GrantConditions(RequestModel):
    """What a tranche needs on its date: the member's tenure (months since hired, and not
    left), and the final score of their newest review closed by then."""

    model_config = examples({"min_tenure_months": 12, "min_score": "80.0000"})

    min_tenure_months: int | None = Field(default=None, ge=0, le=600)
    min_score: Points | None = Field(default=None, ge=0)


class ConditionsRead(BaseModel):
    model_config = examples({"min_tenure_months": 12, "min_score": "80.0000"})

    min_tenure_months: int | None = None
    min_score: Points | None = None


class EquityGrantCreate(RequestModel):
    """Tranches add up to the quantity, in date order, none before the grant date plus the
    cliff; the strike price and fair value (per unit) are in ``currency`` (a 422 names the
    field otherwise)."""

    model_config = examples(GRANT_EXAMPLE)

    member_id: Ident
    instrument: Instrument
    quantity: Quantity
    granted_on: date
    cliff_months: int = Field(default=0, ge=0, le=120)
    tranches: list[TrancheCreate] = Field(min_length=1, max_length=120)
    conditions: GrantConditions = Field(default_factory=GrantConditions)
    currency: Currency | None = Field(
        default=None, description="Of the strike price and fair value; none: the configured one"
    )
    strike_price: PositiveMoney | None = Field(default=None, description="Per unit (options)")
    fair_value: PositiveMoney | None = Field(default=None, description="Per unit, at grant")
    note: Text2000 | None = None


class TrancheRead(BaseModel):
    model_config = examples(
        {
            "number": 1,
            "vests_on": "2027-01-01",
            "quantity": "600.0000",
            "state": "pending",
            "note": None,
        }
    )

    number: int
    vests_on: date
    quantity: Units
    state: TrancheState
    note: str | None = Field(description="Why it vested, was forfeited or still waits")


class EquityGrantRead(BaseModel):
    model_config = examples(
        {
            **GRANT_EXAMPLE,
            "id": "9b2f6c1e-3a4d-4e5f-8a7b-6c5d4e3f2a1b",
            "tranches": [
                {
                    "number": 1,
                    "vests_on": "2027-01-01",
                    "quantity": "600.0000",
                    "state": "pending",
                    "note": None,
                }
            ],
            "state": "approved",
            "vested_quantity": "0.0000",
            "created_by": "lead",
            "created_at": "2026-01-02T09:00:00Z",
            "approved_by": "hr-2",
            "approved_at": "2026-01-03T09:00:00Z",
        },
        from_attributes=True,
    )

    id: str
    member_id: str
    instrument: Instrument
    quantity: Units
    granted_on: date
    cliff_months: int
    tranches: list[TrancheRead]
    conditions: ConditionsRead
    currency: str | None
    strike_price: Money | None
    fair_value: Money | None
    note: str | None
    state: GrantState
    vested_quantity: Units
    created_by: str
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None


NON_CASH_EXAMPLE = {
    "rule": "equity_vesting",
    "grant_id": "9b2f6c1e-3a4d-4e5f-8a7b-6c5d4e3f2a1b",
    "instrument": "rsu",
    "quantity": "600.0000",
    "on": "2027-01-01",
    "state": "vested",
    "value": {"amount": "21000.00", "currency": "CNY"},
    "explanation": "tranche 1 of 2 of the rsu grant of 2026-01-01: 600.0000 units",
}


class NonCashLine(BaseModel):
    """A long-term reward on a statement: never money paid, never in the payroll export."""

    model_config = examples(NON_CASH_EXAMPLE)

    rule: str = Field(description="equity_grant or equity_vesting")
    grant_id: str
    instrument: Instrument
    quantity: Units
    on: date
    state: str
    value: Money | None = Field(description="At the grant's fair value per unit, if stated")
    explanation: str
