"""Ladders and plans: what each population is paid for a period."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from incentives.schemas.common import (
    Currency,
    Fraction,
    Ident,
    KpiCode,
    LadderKey,
    NonNegativeMoney,
    Share,
    Text200,
    Text2000,
)
from shared.api import RequestModel, examples
from shared.periods import Period
from shared.values import Money, Ratio

LADDER_EXAMPLE: dict[str, Any] = {
    "interpolation": "linear",
    "floor": "0.800000",
    "points": [
        {"attainment": "0.800000", "payout": "0.500000"},
        {"attainment": "1.000000", "payout": "1.000000"},
        {"attainment": "1.200000", "payout": "1.500000"},
    ],
    "accelerator": "2.500000",
    "cap": "2.000000",
}


class Interpolation(StrEnum):
    linear = "linear"
    step = "step"


class LadderPoint(RequestModel):
    model_config = examples({"attainment": "1.20", "payout": "1.50"})

    attainment: Share = Field(description='Attainment as a ratio: "1.2" is 120%')
    payout: Share = Field(description='Share of the target bonus paid: "1.5" is 150%')


class LadderSpec(RequestModel):
    """Attainment to payout share. Below ``floor`` nothing; from the floor to the first point,
    the first point's share; between points linear or step; above the last point the share
    grows by ``accelerator`` per unit of attainment; never above ``cap``."""

    model_config = examples(
        {
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
    )

    interpolation: Interpolation = Interpolation.linear
    floor: Share = Decimal(0)
    points: list[LadderPoint] = Field(min_length=1, max_length=50)
    accelerator: Share | None = None
    cap: Share | None = None

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


class LadderPointRead(BaseModel):
    model_config = examples({"attainment": "1.200000", "payout": "1.500000"})

    attainment: Ratio
    payout: Ratio


class LadderSpecRead(BaseModel):
    """A ladder as stored (see ``LadderSpec``), every ratio at 6 places."""

    model_config = examples(LADDER_EXAMPLE)

    interpolation: Interpolation
    floor: Ratio = Decimal(0)
    points: list[LadderPointRead]
    accelerator: Ratio | None = None
    cap: Ratio | None = None


class LadderCreate(RequestModel):
    model_config = examples(
        {
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
    )

    key: LadderKey = Field(examples=["sales-2026"])
    name: Text200
    spec: LadderSpec


class LadderRead(BaseModel):
    model_config = examples(
        {
            "key": "default",
            "name": "The plan's default ladder (configuration)",
            "spec": LADDER_EXAMPLE,
            "created_by": "settings",
        },
        from_attributes=True,
    )

    key: str
    name: str
    spec: LadderSpecRead
    created_by: str


class Population(RequestModel):
    """Who a plan covers: named members, else a unit's subtree, else a layer, else everyone.
    The most specific plan of the period wins; among equals, the newest."""

    model_config = examples({"member_ids": None, "unit_id": "team-sales", "layer": None})

    member_ids: list[Ident] | None = Field(default=None, max_length=1000)
    unit_id: Ident | None = None
    layer: Literal["management", "execution", "support"] | None = None


class BonusKpi(RequestModel):
    model_config = examples({"kpi": "revenue", "weight": "0.6", "ladder": "default"})

    kpi: KpiCode = Field(examples=["revenue"])
    weight: Annotated[Fraction, Field(gt=0)]
    ladder: LadderKey = Field(
        default="default",
        description="A ladder's key (copied into the plan): one word in any script, "
        "NFKC-normalised and case-folded",
    )


class CommissionTier(RequestModel):
    model_config = examples(
        {"from": {"amount": "100000", "currency": "CNY"}, "rate": "0.03"},
        populate_by_name=True,
    )

    from_: NonNegativeMoney = Field(
        alias="from", description="Cumulative period revenue this rate starts at"
    )
    rate: Fraction


class Commission(RequestModel):
    """Rates on closed revenue, by tiers of the period's cumulative revenue (not per deal)."""

    model_config = examples(
        {
            "tiers": [
                {"from": {"amount": "0", "currency": "CNY"}, "rate": "0.02"},
                {"from": {"amount": "100000", "currency": "CNY"}, "rate": "0.03"},
            ]
        }
    )

    tiers: list[CommissionTier] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _from_zero(self) -> Commission:
        starts = [t.from_.amount for t in self.tiers]
        if starts[0] != 0 or starts != sorted(set(starts)):
            raise ValueError("tiers start at 0 and increase")
        return self


class PlanCreate(RequestModel):
    """Every amount is in the plan's ``currency`` (another currency: a 422 naming it)."""

    model_config = examples(
        {
            "name": "Sales reps Q1",
            "period": "2026-Q1",
            "currency": "CNY",
            "population": {"layer": "execution"},
            "base_pay": {"amount": "30000.00", "currency": "CNY"},
            "performance_pay": {"amount": "9000.00", "currency": "CNY"},
            "target_bonus": {"amount": "20000.00", "currency": "CNY"},
            "bonus_kpis": [{"kpi": "revenue", "weight": "1", "ladder": "default"}],
            "commission": {
                "tiers": [
                    {"from": {"amount": "0", "currency": "CNY"}, "rate": "0.02"},
                    {"from": {"amount": "100000", "currency": "CNY"}, "rate": "0.03"},
                ]
            },
        }
    )

    name: Text200
    period: Period
    currency: Currency | None = Field(
        default=None, description="The plan's one currency; none: the configured one"
    )
    population: Population = Field(default_factory=Population)
    base_pay: NonNegativeMoney | None = Field(default=None, description="None: nothing")
    performance_pay: NonNegativeMoney | None = Field(default=None, description="None: nothing")
    target_bonus: NonNegativeMoney | None = Field(default=None, description="None: nothing")
    bonus_kpis: list[BonusKpi] = Field(default_factory=list, max_length=20)
    rating_multipliers: dict[Annotated[str, StringConstraints(max_length=20)], Share] | None = None
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
    """New amounts (in the plan's currency) from ``effective_from`` on; the earlier days keep
    the earlier terms."""

    model_config = examples(
        {
            "effective_from": "2026-03-01",
            "base_pay": None,
            "performance_pay": None,
            "target_bonus": {"amount": "26000.00", "currency": "CNY"},
            "reason": "New product launch: a bigger bonus for March",
        }
    )

    effective_from: date
    base_pay: NonNegativeMoney | None = None
    performance_pay: NonNegativeMoney | None = None
    target_bonus: NonNegativeMoney | None = None
    reason: Text2000


class TermsRead(BaseModel):
    model_config = examples(
        {
            "effective_from": "2026-01-01",
            "base_pay": {"amount": "30000.00", "currency": "CNY"},
            "performance_pay": {"amount": "9000.00", "currency": "CNY"},
            "target_bonus": {"amount": "20000.00", "currency": "CNY"},
            "reason": "plan created",
            "by": "fin-1",
        }
    )

    effective_from: date
    base_pay: Money
    performance_pay: Money
    target_bonus: Money
    reason: str
    by: str


class BonusKpiRead(BaseModel):
    model_config = examples(
        {"kpi": "revenue", "weight": "1.000000", "ladder_key": "default", "ladder": LADDER_EXAMPLE}
    )

    kpi: str
    weight: Ratio
    ladder_key: str
    ladder: LadderSpecRead


class CommissionTierRead(BaseModel):
    model_config = examples(
        {"from": {"amount": "100000.00", "currency": "CNY"}, "rate": "0.030000"},
        populate_by_name=True,
    )

    from_: Money = Field(alias="from", serialization_alias="from")
    rate: Ratio


class CommissionRead(BaseModel):
    model_config = examples(
        {"tiers": [{"from": {"amount": "0.00", "currency": "CNY"}, "rate": "0.020000"}]}
    )

    tiers: list[CommissionTierRead]


class PlanRead(BaseModel):
    model_config = examples(
        {
            "id": "p-1",
            "name": "Sales reps Q1",
            "period": "2026-Q1",
            "currency": "CNY",
            "population": {"layer": "execution"},
            "terms": [
                {
                    "effective_from": "2026-01-01",
                    "base_pay": {"amount": "30000.00", "currency": "CNY"},
                    "performance_pay": {"amount": "9000.00", "currency": "CNY"},
                    "target_bonus": {"amount": "20000.00", "currency": "CNY"},
                    "reason": "plan created",
                    "by": "fin-1",
                }
            ],
            "bonus_kpis": [
                {
                    "kpi": "revenue",
                    "weight": "1.000000",
                    "ladder_key": "default",
                    "ladder": LADDER_EXAMPLE,
                }
            ],
            "rating_multipliers": {"A": "1.200000", "B": "1.000000"},
            "commission": None,
            "version": 1,
            "created_by": "fin-1",
            "created_at": "2026-01-02T09:00:00Z",
        }
    )

    id: str
    name: str
    period: str
    currency: str
    population: dict[str, Any]
    terms: list[TermsRead]
    bonus_kpis: list[BonusKpiRead]
    rating_multipliers: dict[str, Ratio]
    commission: CommissionRead | None
    version: int
    created_by: str
    created_at: datetime

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        """A stored plan keeps amounts as text in its JSON columns: read them as Money in
        the plan's currency."""
        if not isinstance(data, dict):
            data = {name: getattr(data, name) for name in cls.model_fields}
        currency = data["currency"]
        terms = [
            {
                **term,
                **{
                    key: _in(term.get(key), currency)
                    for key in ("base_pay", "performance_pay", "target_bonus")
                },
            }
            for term in data["terms"]
        ]
        commission = data.get("commission")
        if commission is not None:
            commission = {
                "tiers": [
                    {**tier, "from": _in(tier["from"], currency)} for tier in commission["tiers"]
                ]
            }
        return {**data, "terms": terms, "commission": commission}


def _in(value: Any, currency: str) -> Any:
    if isinstance(value, dict | Money):
        return value
    return {"amount": Decimal(str(value or 0)), "currency": currency}
