"""Events the incentives service publishes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from incentives.models import outbox as outbox_table
from shared.api import examples
from shared.events import Event, EventCatalog
from shared.outbox import Outbox
from shared.values import Money, Points

catalog = EventCatalog("incentives")
outbox = Outbox(outbox_table, catalog)

CNY_58300 = {"amount": "58300.00", "currency": "CNY"}


class PaidLine(BaseModel):
    """One line of a member's pay: its rule, amount and tier."""

    model_config = examples(
        {
            "rule": "kpi_bonus",
            "amount": {"amount": "15000.00", "currency": "CNY"},
            "tier": "100% to 120% (linear 100% to 150%)",
        }
    )

    rule: str
    amount: Money
    tier: str | None


class PaidTotal(BaseModel):
    """What a run pays one member in one currency."""

    model_config = examples({"member_id": "s1", "currency": "CNY", "total": CNY_58300})

    member_id: str
    currency: str
    total: Money


@catalog.register
class BonusCalculated(Event):
    """A member's pay for a period is final: one per member of a payout run when finance
    approves it, with the lines that make it (draft recalculations are not published)."""

    event_type: ClassVar[str] = "incentives.bonus.calculated"
    event_name: ClassVar[str] = "BonusCalculated"
    model_config = examples(
        {
            "run_id": "8f0c2a4e-1b3d-4c5e-9f7a-0b1c2d3e4f5a",
            "member_id": "s1",
            "period": "2026-Q1",
            "currency": "CNY",
            "total": CNY_58300,
            "lines": [
                {
                    "rule": "kpi_bonus",
                    "amount": {"amount": "15000.00", "currency": "CNY"},
                    "tier": "100% to 120% (linear 100% to 150%)",
                }
            ],
            "rounding": "half up to the cent, once per line",
        }
    )

    run_id: str
    member_id: str
    period: str
    currency: str
    total: Money
    lines: list[PaidLine]
    rounding: str

    def key(self) -> str:
        return self.member_id


@catalog.register
class PayoutApproved(Event):
    """Finance approved a payout run; from now on it is immutable. Payroll takes it from here.
    ``approved_by`` gave the final approval; ``first_approved_by`` the first of two, when the
    run paid the person who approved it first (else null)."""

    event_type: ClassVar[str] = "incentives.payout.approved"
    event_name: ClassVar[str] = "PayoutApproved"
    model_config = examples(
        {
            "run_id": "8f0c2a4e-1b3d-4c5e-9f7a-0b1c2d3e4f5a",
            "period": "2026-Q1",
            "approved_by": "m-finance",
            "first_approved_by": None,
            "members": 12,
            "totals": [{"amount": "701234.50", "currency": "CNY"}],
            "member_totals": [{"member_id": "s1", "currency": "CNY", "total": CNY_58300}],
        }
    )

    run_id: str
    period: str
    approved_by: str
    first_approved_by: str | None = None
    members: int
    totals: list[Money]
    member_totals: list[PaidTotal]

    def key(self) -> str:
        return self.run_id


@catalog.register
class StarAwarded(Event):
    """A member was named one of the month's marketing stars."""

    event_type: ClassVar[str] = "incentives.star.awarded"
    event_name: ClassVar[str] = "StarAwarded"
    model_config = examples(
        {
            "month": "2026-03",
            "member_id": "s1",
            "name": "王芳 Wang Fang",
            "score": "96.5000",
            "rank": 1,
            "stars": 2,
            "eligible": 18,
            "rule": "top 10% of eligible members by score, rounded up; ties share the place",
            "revision": 1,
            "reason": None,
        }
    )

    month: str
    member_id: str
    name: str
    score: Points
    rank: int
    stars: int
    eligible: int
    rule: str
    revision: int | None = Field(
        default=None, description="The revision of performance's settlement it comes from"
    )
    reason: str | None = Field(
        default=None, description="The settlement's reason when a correction re-awarded it"
    )

    def key(self) -> str:
        return self.member_id


@catalog.register
class StarRevoked(Event):
    """A newer settlement of the month (a correction) left a member out of the month's stars:
    the star awarded earlier is revoked, with the settlement's reason."""

    event_type: ClassVar[str] = "incentives.star.revoked"
    event_name: ClassVar[str] = "StarRevoked"
    model_config = examples(
        {
            "month": "2026-03",
            "member_id": "s1",
            "name": "王芳 Wang Fang",
            "revision": 2,
            "reason": "Late revenue of 2026-03 corrected",
            "settled_by": "m-hr",
        }
    )

    month: str
    member_id: str
    name: str
    revision: int = Field(description="The settlement revision that revoked it")
    reason: str | None
    settled_by: str

    def key(self) -> str:
        return self.member_id


@catalog.register
class ProjectConcluded(Event):
    """A special project concluded, once: it succeeded (its bonuses then wait for finance)
    or it failed. ``core`` projects make the dashboard's success rate of their owner unit."""

    event_type: ClassVar[str] = "incentives.project.concluded"
    event_name: ClassVar[str] = "ProjectConcluded"
    model_config = examples(
        {
            "project_id": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            "name": "大客户签约 Big account",
            "unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "core": True,
            "outcome": "succeeded",
            "concluded_by": "lead",
            "concluded_at": "2026-03-12T08:00:00Z",
            "note": "The contract was signed on 2026-03-12",
        }
    )

    project_id: str
    name: str
    unit_id: str | None = Field(description="The owner unit; null for a project made before")
    core: bool
    outcome: Literal["succeeded", "failed"]
    concluded_by: str
    concluded_at: datetime
    note: str

    def key(self) -> str:
        return self.project_id


@catalog.register
class EquityGranted(Event):
    """An equity grant was approved: units of an instrument (not money) for a member, with
    its vesting schedule and conditions. Nothing of it is paid through payroll."""

    event_type: ClassVar[str] = "incentives.equity.granted"
    event_name: ClassVar[str] = "EquityGranted"
    model_config = examples(
        {
            "grant_id": "9b2f6c1e-3a4d-4e5f-8a7b-6c5d4e3f2a1b",
            "member_id": "s1",
            "instrument": "rsu",
            "quantity": "1200.0000",
            "granted_on": "2026-01-01",
            "tranches": [
                {"number": 1, "vests_on": "2027-01-01", "quantity": "600.0000"},
                {"number": 2, "vests_on": "2028-01-01", "quantity": "600.0000"},
            ],
            "conditions": {"min_tenure_months": 12, "min_score": "80.00"},
            "approved_by": "hr-2",
        }
    )

    grant_id: str
    member_id: str
    instrument: str
    quantity: Decimal
    granted_on: date
    tranches: list[dict[str, Any]]
    conditions: dict[str, Any]
    approved_by: str

    def key(self) -> str:
        return self.member_id


@catalog.register
class EquityVested(Event):
    """A tranche of an approved equity grant vested (once per tranche) on its date, its
    conditions met."""

    event_type: ClassVar[str] = "incentives.equity.vested"
    event_name: ClassVar[str] = "EquityVested"
    model_config = examples(
        {
            "grant_id": "9b2f6c1e-3a4d-4e5f-8a7b-6c5d4e3f2a1b",
            "member_id": "s1",
            "instrument": "rsu",
            "tranche": 1,
            "vests_on": "2027-01-01",
            "quantity": "600.0000",
            "vested_quantity": "600.0000",
        }
    )

    grant_id: str
    member_id: str
    instrument: str
    tranche: int
    vests_on: date
    quantity: Decimal
    vested_quantity: Decimal = Field(description="Every tranche of the grant vested so far")

    def key(self) -> str:
        return self.member_id
