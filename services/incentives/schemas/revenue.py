"""Closed revenue, refunds and credit notes, with the commission each pays or reverses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator

from incentives.schemas.common import Ident, Key64, PositiveMoney, Text2000, money_of
from incentives.service.calculator import money as to_cent
from shared.api import RequestModel, examples
from shared.values import Money, Ratio


class RevenueKind(StrEnum):
    deal = "deal"
    refund = "refund"
    credit_note = "credit_note"


class RevenueCreate(RequestModel):
    """Closed revenue from the CRM, or a refund or credit note against a deal. ``id`` is the
    source's id: sending the same entry again changes nothing. The amount is in the currency
    of the plan that pays the commission (of the deal, for a refund)."""

    model_config = examples(
        {
            "id": "crm-deal-10042",
            "member_id": "s1",
            "kind": "deal",
            "deal_id": None,
            "amount": {"amount": "40000.00", "currency": "CNY"},
            "closed_on": "2026-02-14",
            "note": None,
        }
    )

    id: Key64
    member_id: Ident
    kind: RevenueKind = RevenueKind.deal
    deal_id: Key64 | None = Field(default=None, description="For refunds: the deal refunded")
    amount: PositiveMoney
    closed_on: date
    note: Text2000 | None = None

    @model_validator(mode="after")
    def _refund_names_deal(self) -> RevenueCreate:
        if self.kind != RevenueKind.deal and not self.deal_id:
            raise ValueError("a refund or credit note names the deal it reverses (deal_id)")
        return self


class SliceRead(BaseModel):
    """Revenue between ``from`` and ``to`` of the period's cumulative revenue, at ``rate``."""

    model_config = examples(
        {
            "from": {"amount": "80000.00", "currency": "CNY"},
            "to": {"amount": "100000.00", "currency": "CNY"},
            "rate": "0.020000",
            "revenue": {"amount": "20000.00", "currency": "CNY"},
            "commission": {"amount": "400.00", "currency": "CNY"},
        },
        populate_by_name=True,
    )

    from_: Money = Field(alias="from", serialization_alias="from")
    to: Money
    rate: Ratio
    revenue: Money
    commission: Money = Field(description="Unrounded: the entry rounds the sum once")


def slice_read(stored: dict[str, Any], currency: str) -> dict[str, Any]:
    """A stored slice (amounts as text) with Money in ``currency``; commission stays exact
    to the cent only in the sum, so each slice's is written at the cent here."""
    return {
        key: (
            value
            if key == "rate" or isinstance(value, dict)
            else {"amount": _cent(value), "currency": currency}
        )
        for key, value in stored.items()
    }


def _cent(value: str) -> str:
    return str(to_cent(Decimal(value)))


class RevenueRead(BaseModel):
    model_config = examples(
        {
            "id": "d2",
            "member_id": "s1",
            "plan_id": "p-1",
            "period": "2026-Q1",
            "kind": "deal",
            "deal_id": "d2",
            "amount": {"amount": "40000.00", "currency": "CNY"},
            "currency": "CNY",
            "closed_on": "2026-02-10",
            "cumulative_before": {"amount": "80000.00", "currency": "CNY"},
            "slices": [
                {
                    "from": {"amount": "80000.00", "currency": "CNY"},
                    "to": {"amount": "100000.00", "currency": "CNY"},
                    "rate": "0.020000",
                    "revenue": {"amount": "20000.00", "currency": "CNY"},
                    "commission": {"amount": "400.00", "currency": "CNY"},
                },
                {
                    "from": {"amount": "100000.00", "currency": "CNY"},
                    "to": {"amount": "120000.00", "currency": "CNY"},
                    "rate": "0.030000",
                    "revenue": {"amount": "20000.00", "currency": "CNY"},
                    "commission": {"amount": "600.00", "currency": "CNY"},
                },
            ],
            "commission": {"amount": "1000.00", "currency": "CNY"},
        },
        from_attributes=True,
    )

    id: str
    member_id: str
    plan_id: str
    period: str
    kind: str
    deal_id: str
    amount: Money
    currency: str
    closed_on: date
    cumulative_before: Money
    slices: list[SliceRead]
    commission: Money

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        found = money_of(data, "amount", "cumulative_before", "commission")
        found["slices"] = [
            s if isinstance(s, SliceRead) else slice_read(s, found["currency"])
            for s in found["slices"]
        ]
        return found
