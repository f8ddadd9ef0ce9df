"""Request and response bodies of the incentives API, and the slim copies of the events it
consumes (only the fields it needs)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.api import RequestModel
from shared.events import Consumed
from shared.periods import Grain, Period

Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text2000 = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=36)]
Key64 = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Currency = Annotated[
    str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217", examples=["CNY"])
]
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2, examples=["30000.00"])]
SignedMoney = Annotated[Decimal, Field(max_digits=16, decimal_places=2, examples=["-120.50"])]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)]
Ratio = Annotated[Decimal, Field(ge=0, le=100, max_digits=12, decimal_places=6)]

# One explained line, as the examples of several bodies show it.
LINE_EXAMPLE: dict[str, Any] = {
    "rule": "kpi_bonus",
    "amount": "15000.00",
    "currency": "CNY",
    "tier": "100% to 120% (linear 100% to 150%)",
    "inputs": {"kpi": "revenue", "attainment": "1.1", "weight": "0.6", "events": ["3f2c..."]},
    "explanation": "20000 x 90/90 days x 0.6 x 125%",
    "plan_id": "p-1",
}

# ----------------------------------------------------------------------------- consumed


class MemberChangedV1(Consumed):
    """Incentives' copy of goals' ``MemberChanged`` (version 1)."""

    event_type: ClassVar[str] = "goals.member.changed"

    member_id: str
    name: str
    home_unit_id: str
    unit_path: list[str] = Field(default_factory=list)
    layer: str
    tier: str
    manager_id: str | None = None
    hired_on: date
    left_on: date | None = None
    version: int


class KPIUpdatedV1(Consumed):
    """Incentives' copy of goals' ``KPIUpdated`` (version 1)."""

    event_type: ClassVar[str] = "goals.kpi.updated"

    owner_type: str
    owner_id: str
    kpi: str
    period: str
    actual: Decimal | None = None
    target: Decimal | None = None
    attainment: Decimal | None = None
    version: int | None = None


class ReviewClosedV1(Consumed):
    """Incentives' copy of performance's ``ReviewClosed`` (version 1)."""

    event_type: ClassVar[str] = "performance.review.closed"

    review_id: str
    period: str
    member_id: str
    final_score: Decimal
    rating: str
    revision: int
    correction: bool = False


class ScoreComputedV1(Consumed):
    """Incentives' copy of performance's ``ScoreComputed`` (version 1)."""

    event_type: ClassVar[str] = "performance.score.computed"

    member_id: str
    month: str
    score: Decimal
    revision: int


# ----------------------------------------------------------------------------- ladders


class Interpolation(StrEnum):
    linear = "linear"
    step = "step"


class LadderPoint(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"attainment": "1.20", "payout": "1.50"}}
    )

    attainment: Ratio = Field(description="Attainment as a ratio: 1.2 is 120%")
    payout: Ratio = Field(description="Share of the target bonus paid: 1.5 is 150%")


class LadderSpec(RequestModel):
    """Attainment to payout share. Below ``floor`` nothing; from the floor to the first point,
    the first point's share; between points linear or step; above the last point the share
    grows by ``accelerator`` per unit of attainment; never above ``cap``."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "interpolation": "linear",
                "floor": "0.80",
                "points": [
                    {"attainment": "0.80", "payout": "0.50"},
                    {"attainment": "1.00", "payout": "1.00"},
                    {"attainment": "1.20", "payout": "1.50"},
                ],
                "accelerator": "2.5",
                "cap": "2.00",
            }
        }
    )

    interpolation: Interpolation = Interpolation.linear
    floor: Ratio = Decimal(0)
    points: list[LadderPoint] = Field(min_length=1, max_length=50)
    accelerator: Ratio | None = None
    cap: Ratio | None = None

    @model_validator(mode="after")
    def _ordered(self) -> LadderSpec:
        attainments = [p.attainment for p in self.points]
        if attainments != sorted(set(attainments)):
            raise ValueError("points must have increasing, distinct attainments")
        if self.floor > attainments[0]:
            raise ValueError("the floor must not be above the first point")
        if self.cap is not None and self.cap < max(p.payout for p in self.points):
            raise ValueError("the cap must not be below a point's payout")
        return self

    def as_spec(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class LadderCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "key": "sales-2026",
                "name": "Sales ladder 2026",
                "spec": {
                    "interpolation": "step",
                    "floor": "0.9",
                    "points": [
                        {"attainment": "0.9", "payout": "0.5"},
                        {"attainment": "1.0", "payout": "1.0"},
                    ],
                    "cap": "1.5",
                },
            }
        }
    )

    key: Key64 = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", examples=["sales-2026"])
    name: Text200
    spec: LadderSpec


class LadderRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "key": "default",
                "name": "The plan's default ladder (configuration)",
                "spec": {
                    "interpolation": "linear",
                    "floor": "0.80",
                    "points": [{"attainment": "1.00", "payout": "1.00"}],
                    "cap": "2.00",
                },
                "created_by": "settings",
            }
        }
    )

    key: str
    name: str
    spec: dict[str, Any]
    created_by: str


# ----------------------------------------------------------------------------- plans


class Population(RequestModel):
    """Who a plan covers: named members, else a unit's subtree, else a layer, else everyone.
    The most specific plan of the period wins; among equals, the newest."""

    model_config = ConfigDict(json_schema_extra={"example": {"unit_id": "team-sales"}})

    member_ids: list[Ident] | None = Field(default=None, max_length=1000)
    unit_id: Ident | None = None
    layer: Literal["management", "execution", "support"] | None = None


class BonusKpi(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"kpi": "revenue", "weight": "0.6", "ladder": "default"}}
    )

    kpi: Key64 = Field(examples=["revenue"])
    weight: Annotated[Decimal, Field(gt=0, le=1, max_digits=7, decimal_places=6)]
    ladder: Key64 = Field(default="default", description="A ladder's key (copied into the plan)")


class CommissionTier(RequestModel):
    model_config = ConfigDict(
        populate_by_name=True, json_schema_extra={"example": {"from": "100000", "rate": "0.03"}}
    )

    from_: Money = Field(alias="from", description="Cumulative period revenue this rate starts at")
    rate: Annotated[Decimal, Field(ge=0, le=1, max_digits=9, decimal_places=6)]


class Commission(RequestModel):
    """Rates on closed revenue, by tiers of the period's cumulative revenue (not per deal)."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "tiers": [{"from": "0", "rate": "0.02"}, {"from": "100000", "rate": "0.03"}]
            }
        }
    )

    tiers: list[CommissionTier] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _from_zero(self) -> Commission:
        starts = [t.from_ for t in self.tiers]
        if starts[0] != 0 or starts != sorted(set(starts)):
            raise ValueError("tiers start at 0 and increase")
        return self


class PlanCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "Sales reps Q1",
                "period": "2026-Q1",
                "currency": "CNY",
                "population": {"layer": "execution"},
                "base_pay": "30000.00",
                "performance_pay": "9000.00",
                "target_bonus": "20000.00",
                "bonus_kpis": [{"kpi": "revenue", "weight": "1", "ladder": "default"}],
                "commission": {
                    "tiers": [{"from": "0", "rate": "0.02"}, {"from": "100000", "rate": "0.03"}]
                },
            }
        }
    )

    name: Text200
    period: Period
    currency: Currency | None = None
    population: Population = Field(default_factory=Population)
    base_pay: Money = Decimal(0)
    performance_pay: Money = Decimal(0)
    target_bonus: Money = Decimal(0)
    bonus_kpis: list[BonusKpi] = Field(default_factory=list, max_length=20)
    rating_multipliers: dict[Annotated[str, StringConstraints(max_length=20)], Ratio] | None = None
    commission: Commission | None = None

    @model_validator(mode="after")
    def _weights(self) -> PlanCreate:
        if self.bonus_kpis:
            if sum(k.weight for k in self.bonus_kpis) != 1:
                raise ValueError("bonus KPI weights must sum to 1")
            if len({k.kpi for k in self.bonus_kpis}) != len(self.bonus_kpis):
                raise ValueError("a KPI appears once in a plan")
        return self


class TermsChange(RequestModel):
    """New amounts from ``effective_from`` on; the earlier days keep the earlier terms."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "effective_from": "2026-03-01",
                "target_bonus": "26000.00",
                "reason": "New product launch: a bigger bonus for March",
            }
        }
    )

    effective_from: date
    base_pay: Money | None = None
    performance_pay: Money | None = None
    target_bonus: Money | None = None
    reason: Text2000


class PlanRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "p-1",
                "name": "Sales reps Q1",
                "period": "2026-Q1",
                "currency": "CNY",
                "population": {"layer": "execution"},
                "terms": [
                    {
                        "effective_from": "2026-01-01",
                        "base_pay": "30000",
                        "performance_pay": "9000",
                        "target_bonus": "20000",
                        "reason": "plan created",
                        "by": "fin-1",
                    }
                ],
                "bonus_kpis": [
                    {
                        "kpi": "revenue",
                        "weight": "1",
                        "ladder_key": "default",
                        "ladder": {"floor": "0.80"},
                    }
                ],
                "rating_multipliers": {"A": "1.20", "B": "1.00"},
                "commission": None,
                "version": 1,
                "created_by": "fin-1",
                "created_at": "2026-01-02T09:00:00Z",
            }
        }
    )

    id: str
    name: str
    period: str
    currency: str
    population: dict[str, Any]
    terms: list[dict[str, Any]]
    bonus_kpis: list[dict[str, Any]]
    rating_multipliers: dict[str, str]
    commission: dict[str, Any] | None
    version: int
    created_by: str
    created_at: datetime


# ----------------------------------------------------------------------------- revenue


class RevenueKind(StrEnum):
    deal = "deal"
    refund = "refund"
    credit_note = "credit_note"


class RevenueCreate(RequestModel):
    """Closed revenue from the CRM, or a refund or credit note against a deal. ``id`` is the
    source's id: sending the same entry again changes nothing."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "crm-deal-10042",
                "member_id": "s1",
                "kind": "deal",
                "amount": "40000.00",
                "currency": "CNY",
                "closed_on": "2026-02-14",
            }
        }
    )

    id: Key64
    member_id: Ident
    kind: RevenueKind = RevenueKind.deal
    deal_id: Key64 | None = Field(default=None, description="For refunds: the deal refunded")
    amount: PositiveMoney
    currency: Currency
    closed_on: date
    note: Text2000 | None = None

    @model_validator(mode="after")
    def _refund_names_deal(self) -> RevenueCreate:
        if self.kind != RevenueKind.deal and not self.deal_id:
            raise ValueError("a refund or credit note names the deal it reverses (deal_id)")
        return self


class RevenueRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "d2",
                "member_id": "s1",
                "plan_id": "p-1",
                "period": "2026-Q1",
                "kind": "deal",
                "deal_id": "d2",
                "amount": "40000.00",
                "currency": "CNY",
                "closed_on": "2026-02-10",
                "cumulative_before": "80000.00",
                "slices": [
                    {
                        "from": "80000",
                        "to": "100000",
                        "rate": "0.02",
                        "revenue": "20000",
                        "commission": "400",
                    },
                    {
                        "from": "100000",
                        "to": "120000",
                        "rate": "0.03",
                        "revenue": "20000",
                        "commission": "600",
                    },
                ],
                "commission": "1000.00",
            }
        }
    )

    id: str
    member_id: str
    plan_id: str
    period: str
    kind: str
    deal_id: str
    amount: Decimal
    currency: str
    closed_on: date
    cumulative_before: Decimal
    slices: list[dict[str, Any]]
    commission: Decimal


# ----------------------------------------------------------------------------- payouts


class LineRead(BaseModel):
    """One explained amount: the rule, the inputs (and events) behind it, the tier."""

    model_config = ConfigDict(json_schema_extra={"example": LINE_EXAMPLE})

    rule: str
    amount: Decimal
    currency: str
    tier: str | None
    inputs: dict[str, Any]
    explanation: str
    plan_id: str | None = None
    member_id: str | None = Field(default=None, description="On a run's lines: whose it is")


class ProjectionRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s1",
                "plan_id": "p-1",
                "period": "2026-Q1",
                "currency": "CNY",
                "total": "58000.00",
                "revision": 4,
                "updated_at": "2026-03-15T10:00:00Z",
                "lines": [LINE_EXAMPLE],
            }
        }
    )

    member_id: str
    plan_id: str
    period: str
    currency: str
    total: Decimal
    revision: int
    updated_at: datetime
    lines: list[LineRead]


class WhatIfCreate(RequestModel):
    """Hypothetical figures for a member's plan; nothing is stored."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s1",
                "period": "2026-Q1",
                "attainments": {"revenue": "1.2"},
                "rating": "A",
            }
        }
    )

    member_id: Ident
    period: Period
    attainments: dict[Key64, Ratio] = Field(default_factory=dict, max_length=50)
    rating: Annotated[str, StringConstraints(max_length=20)] | None = None


class WhatIfRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s1",
                "plan_id": "p-1",
                "period": "2026-Q1",
                "currency": "CNY",
                "total": "62800.00",
                "lines": [LINE_EXAMPLE],
            }
        }
    )

    member_id: str
    plan_id: str
    period: str
    currency: str
    total: Decimal
    lines: list[LineRead]


class RunState(StrEnum):
    """draft > approved > exported; a run that pays its first approver waits in
    ``awaiting_second_approval`` for someone it does not pay (a recalculation returns it to
    ``draft``)."""

    draft = "draft"
    awaiting_second_approval = "awaiting_second_approval"
    approved = "approved"
    exported = "exported"


class RunCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"example": {"period": "2026-Q1"}})

    period: Period


class MemberTotal(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"member_id": "s1", "currency": "CNY", "total": "68913.33"}}
    )

    member_id: str
    currency: str
    total: Decimal


class RunRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "run-1",
                "period": "2026-Q1",
                "state": "draft",
                "version": 7,
                "members": 1,
                "lines": 4,
                "totals": {"CNY": "58000.00"},
                "member_totals": [{"member_id": "s1", "currency": "CNY", "total": "58000.00"}],
                "created_by": "incentives",
                "created_at": "2026-04-01T09:00:00Z",
                "first_approved_by": None,
                "first_approved_at": None,
                "approved_by": None,
                "approved_at": None,
                "exported_by": None,
                "exported_at": None,
            }
        }
    )

    id: str
    period: str
    state: RunState
    version: int
    members: int
    lines: int
    totals: dict[str, Decimal] = Field(description="Total by currency")
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
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "run_id": "run-1",
                "state": "approved",
                "totals": {"CNY": "58000.00"},
                "lines": [LINE_EXAMPLE],
            }
        }
    )

    run_id: str
    state: RunState
    totals: dict[str, Decimal]
    lines: list[LineRead]


class StatementRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s1",
                "period": "2026-Q1",
                "rounding": "half up to the cent, once per line",
                "runs": [
                    {
                        "run_id": "run-1",
                        "state": "approved",
                        "totals": {"CNY": "58000.00"},
                        "lines": [LINE_EXAMPLE],
                    }
                ],
            }
        }
    )

    member_id: str
    period: str
    rounding: str
    runs: list[StatementRun]


class AdjustmentCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s1",
                "period": "2026-Q1",
                "amount": "-200.00",
                "currency": "CNY",
                "reason": "Credit note on deal d1 after the run was approved",
            }
        }
    )

    member_id: Ident
    period: Period = Field(description="The period the correction is about")
    amount: SignedMoney
    currency: Currency
    reason: Text2000


class AdjustmentRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "a-1",
                "member_id": "s1",
                "period": "2026-Q1",
                "amount": "-200.00",
                "currency": "CNY",
                "reason": "Credit note on deal d1",
                "source": {"kind": "manual", "by": "fin-1"},
                "created_by": "fin-1",
                "run_id": None,
            }
        }
    )

    id: str
    member_id: str
    period: str
    amount: Decimal
    currency: str
    reason: str
    source: dict[str, Any]
    created_by: str
    run_id: str | None


# ----------------------------------------------------------------------------- rewards


class ProjectAward(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"member_id": "s1", "amount": "5000.00"}}
    )

    member_id: Ident
    amount: PositiveMoney


class ProjectCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "大客户签约 Big account",
                "description": "Sign the provincial retail chain",
                "currency": "CNY",
                "awards": [{"member_id": "s1", "amount": "5000.00"}],
            }
        }
    )

    name: Text200
    description: Text2000 | None = None
    currency: Currency | None = None
    awards: list[ProjectAward] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _distinct(self) -> ProjectCreate:
        if len({a.member_id for a in self.awards}) != len(self.awards):
            raise ValueError("a member appears once in a project's awards")
        return self


class ProjectSuccess(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"note": "The contract was signed on 2026-03-12"}}
    )

    note: Text2000


class ProjectState(StrEnum):
    proposed = "proposed"
    successful = "successful"
    approved = "approved"
    paid = "paid"


class ProjectRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "pr-1",
                "name": "Big account",
                "description": None,
                "currency": "CNY",
                "state": "approved",
                "awards": [{"member_id": "s1", "amount": "5000.00"}],
                "created_by": "lead",
                "succeeded_by": "lead",
                "success_note": "Signed",
                "approved_by": "fin-1",
                "paid_run_id": None,
            }
        }
    )

    id: str
    name: str
    description: str | None
    currency: str
    state: ProjectState
    awards: list[dict[str, Any]]
    created_by: str
    succeeded_by: str | None
    success_note: str | None
    approved_by: str | None
    paid_run_id: str | None


class StarsCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"example": {"month": "2026-03"}})

    month: Period

    @model_validator(mode="after")
    def _a_month(self) -> StarsCreate:
        if self.month.grain != Grain.month:
            raise ValueError("stars are awarded for a month, e.g. 2026-03")
        return self


class Star(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"member_id": "s1", "name": "王芳 Wang Fang", "score": "120.0000", "rank": 1}
        }
    )

    member_id: str
    name: str
    score: Decimal
    rank: int


class StarAwardRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "month": "2026-03",
                "eligible": 18,
                "share": "0.10",
                "rule": "the top 10% of members active the whole month, by score; ties share",
                "stars": [
                    {"member_id": "s1", "name": "王芳 Wang Fang", "score": "120.0000", "rank": 1}
                ],
                "awarded_by": "hr-1",
                "awarded_at": "2026-04-01T09:00:00Z",
            }
        }
    )

    month: str
    eligible: int
    share: Decimal
    rule: str
    stars: list[Star]
    awarded_by: str
    awarded_at: datetime
