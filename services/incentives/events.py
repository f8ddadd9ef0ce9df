"""Events the incentives service publishes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from pydantic import ConfigDict

from incentives.models import outbox as outbox_table
from shared.events import Event, EventCatalog
from shared.outbox import Outbox

catalog = EventCatalog("incentives")
outbox = Outbox(outbox_table, catalog)


@catalog.register
class BonusCalculated(Event):
    """A member's pay for a period is final: one per member of a payout run when finance
    approves it, with the lines that make it (draft recalculations are not published)."""

    event_type: ClassVar[str] = "incentives.bonus.calculated"
    event_name: ClassVar[str] = "BonusCalculated"
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "run_id": "8f0c2a4e-1b3d-4c5e-9f7a-0b1c2d3e4f5a",
                "member_id": "s1",
                "period": "2026-Q1",
                "currency": "CNY",
                "total": "58300.00",
                "lines": [
                    {
                        "rule": "kpi_bonus",
                        "amount": "15000.00",
                        "tier": "100% to 120% (linear 100% to 150%)",
                    }
                ],
                "rounding": "half up to the cent, once per line",
            }
        }
    )

    run_id: str
    member_id: str
    period: str
    currency: str
    total: Decimal
    lines: list[dict[str, Any]]
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
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "run_id": "8f0c2a4e-1b3d-4c5e-9f7a-0b1c2d3e4f5a",
                "period": "2026-Q1",
                "approved_by": "m-finance",
                "first_approved_by": None,
                "members": 12,
                "totals": {"CNY": "701234.50"},
                "member_totals": [{"member_id": "s1", "currency": "CNY", "total": "58300.00"}],
            }
        }
    )

    run_id: str
    period: str
    approved_by: str
    first_approved_by: str | None = None
    members: int
    totals: dict[str, Decimal]
    member_totals: list[dict[str, Any]]

    def key(self) -> str:
        return self.run_id


@catalog.register
class StarAwarded(Event):
    """A member was named one of the month's marketing stars."""

    event_type: ClassVar[str] = "incentives.star.awarded"
    event_name: ClassVar[str] = "StarAwarded"
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "month": "2026-03",
                "member_id": "s1",
                "name": "王芳 Wang Fang",
                "score": "96.5000",
                "rank": 1,
                "stars": 2,
                "eligible": 18,
                "rule": "top 10% of eligible members by score, rounded up; ties share the place",
            }
        }
    )

    month: str
    member_id: str
    name: str
    score: Decimal
    rank: int
    stars: int
    eligible: int
    rule: str

    def key(self) -> str:
        return self.member_id
