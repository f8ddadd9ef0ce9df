"""Org unit copies, scorecard templates and live scores."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from performance.schemas.common import (
    Attainment,
    CurvePoints,
    Ident,
    Month,
    Points,
    Ratio,
    Text200,
)
from shared.api import RequestModel, examples
from shared.text import Identifier, Label

KPI_SOURCE = "kpi:"
SLA_SOURCE = "collab:sla"
_KPI_CODE = Identifier(64)


def _source(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip()
    if text == SLA_SOURCE:
        return text
    if text.startswith(KPI_SOURCE):
        return KPI_SOURCE + _KPI_CODE(text[len(KPI_SOURCE) :])
    raise ValueError(f"{KPI_SOURCE}<a KPI's code> or {SLA_SOURCE}")


Source = Annotated[
    str,
    AfterValidator(_source),
    Field(
        description="`kpi:<code>` (a KPI's code as goals reads it: a lower-case identifier in "
        "any script, NFKC-normalised, e.g. `kpi:营收`) or `collab:sla`",
    ),
]


class OrgUnitRead(BaseModel):
    model_config = examples(
        {
            "id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "name": "市场部 Marketing",
            "kind": "department",
            "parent_id": None,
            "source_version": 1,
        },
        from_attributes=True,
    )

    id: str
    name: str
    kind: str
    parent_id: str | None
    source_version: int


class Category(StrEnum):
    result = "result"
    process = "process"
    quality = "quality"
    team = "team"


class CurvePoint(RequestModel):
    """One point of a curve: at this attainment, this many points."""

    model_config = examples({"attainment": "1.200000", "score": "130.0000"})

    attainment: Attainment
    score: CurvePoints


class Curve(RequestModel):
    """Attainment to points: straight lines between the points, nothing below the floor,
    never more than the cap."""

    model_config = examples(
        {
            "points": [
                {"attainment": "0", "score": "0"},
                {"attainment": "1", "score": "100"},
                {"attainment": "1.2", "score": "130"},
            ],
            "floor": "0.5",
            "cap": "130",
        }
    )

    points: list[CurvePoint] = Field(
        default_factory=lambda: [
            CurvePoint(attainment=Decimal(0), score=Decimal(0)),
            CurvePoint(attainment=Decimal(1), score=Decimal(100)),
        ],
        min_length=2,
        max_length=20,
    )
    floor: Attainment = Decimal(0)
    cap: Annotated[Points, Field(gt=0, le=1000)] = Decimal(120)

    @model_validator(mode="after")
    def _increasing(self) -> Curve:
        xs = [point.attainment for point in self.points]
        if xs != sorted(xs) or len(set(xs)) != len(xs):
            raise ValueError("curve points must have increasing attainments")
        return self


class Indicator(RequestModel):
    model_config = examples(
        {
            "code": "revenue",
            "name": "Revenue attainment",
            "category": "result",
            "source": "kpi:revenue",
            "weight": "0.6",
        }
    )

    code: Annotated[str, Identifier(64)]
    name: Text200
    category: Category
    source: Source
    weight: Annotated[Ratio, Field(gt=0, le=1)]
    curve: Curve = Field(default_factory=Curve)


class Population(RequestModel):
    """Who a template or a cycle is for; an empty list means anyone."""

    model_config = examples({"unit_ids": ["team-sales"], "layers": ["execution"], "tiers": []})

    unit_ids: list[Ident] = Field(default_factory=list, max_length=200)
    layers: list[Annotated[str, StringConstraints(max_length=20)]] = Field(
        default_factory=list, max_length=3
    )
    tiers: list[Annotated[str, StringConstraints(max_length=30)]] = Field(
        default_factory=list, max_length=3
    )


class TemplateCreate(RequestModel):
    """A scorecard template; the weights must add up to exactly 1. Posting an existing key
    makes a new version of it."""

    model_config = examples(
        {
            "key": "sales-reps",
            "name": "Sales reps",
            "population": {"layers": ["execution"]},
            "indicators": [
                {
                    "code": "revenue",
                    "name": "Revenue",
                    "category": "result",
                    "source": "kpi:revenue",
                    "weight": "0.6",
                },
                {
                    "code": "leads",
                    "name": "Leads",
                    "category": "process",
                    "source": "kpi:leads",
                    "weight": "0.3",
                    "curve": {"cap": "100"},
                },
                {
                    "code": "collaboration",
                    "name": "Requests answered in SLA",
                    "category": "team",
                    "source": "collab:sla",
                    "weight": "0.1",
                },
            ],
        }
    )

    key: Annotated[str, Label(64, fold=True, spaces=False)]
    name: Text200
    population: Population = Field(default_factory=Population)
    indicators: list[Indicator] = Field(min_length=1, max_length=30)
    effective_from: Month | None = Field(
        default=None,
        description="The first month this version scores (default: the month it is created "
        "in); earlier months keep the version they were scored with",
    )

    @model_validator(mode="after")
    def _weights(self) -> TemplateCreate:
        total = sum(i.weight for i in self.indicators)
        if total != 1:
            raise ValueError(f"indicator weights must add up to 1, not {total}")
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("indicator codes must be unique")
        return self


class TemplateRead(BaseModel):
    model_config = examples(
        {
            "id": "t-1",
            "key": "sales-reps",
            "version": 2,
            "name": "Sales reps",
            "population": {"unit_ids": [], "layers": ["execution"], "tiers": []},
            "indicators": [
                {
                    "code": "revenue",
                    "name": "Revenue",
                    "category": "result",
                    "source": "kpi:revenue",
                    "weight": "1.000000",
                    "curve": {
                        "points": [
                            {"attainment": "0.000000", "score": "0.0000"},
                            {"attainment": "1.000000", "score": "100.0000"},
                        ],
                        "floor": "0.000000",
                        "cap": "120.0000",
                    },
                }
            ],
            "effective_from": "2026-01",
            "current": True,
            "created_at": "2026-01-05T09:00:00+00:00",
        },
        from_attributes=True,
    )

    id: str
    key: str
    version: int
    name: str
    population: Population
    indicators: list[Indicator]
    effective_from: str
    current: bool
    created_at: datetime


class IndicatorLine(BaseModel):
    model_config = examples(
        {
            "code": "revenue",
            "name": "Revenue",
            "category": "result",
            "source": "kpi:revenue",
            "input": "1.040000",
            "points": "104.0000",
            "weight": "0.600000",
            "contribution": "62.4000",
            "events": ["0b8e6d2a-64f1-4c1e-9d55-3d8a0f1e2b3c"],
            "note": None,
        }
    )

    code: str
    name: str
    category: str
    source: str
    input: Ratio | None
    points: Points
    weight: Ratio
    contribution: Points
    events: list[str]
    note: str | None = None


class RescoreRead(BaseModel):
    """A deliberate re-score of a member's month: who, when, why, before and after."""

    model_config = examples(
        {
            "member_id": "s1",
            "month": "2026-03",
            "old_score": "70.0000",
            "new_score": "76.0000",
            "old_template_version": 1,
            "template_id": "t-2",
            "template_version": 2,
            "reason": "March is scored with the corrected weights",
            "rescored_by": "m-hr",
            "rescored_at": "2026-04-03T10:00:00Z",
        },
        from_attributes=True,
    )

    member_id: str
    month: str
    old_score: Points
    new_score: Points
    old_template_version: int
    template_id: str
    template_version: int
    reason: str
    rescored_by: str
    rescored_at: datetime


class RescoreDone(BaseModel):
    """What a deliberate re-score did, one record per member."""

    model_config = examples(
        {
            "rescores": [
                {
                    "member_id": "s1",
                    "month": "2026-03",
                    "old_score": "70.0000",
                    "new_score": "76.0000",
                    "old_template_version": 1,
                    "template_id": "t-2",
                    "template_version": 2,
                    "reason": "March is scored with the corrected weights",
                    "rescored_by": "m-hr",
                    "rescored_at": "2026-04-03T10:00:00Z",
                }
            ]
        }
    )

    rescores: list[RescoreRead]


class RescoreCreate(RequestModel):
    """Re-score members' month on purpose with a stated template version (HR)."""

    model_config = examples(
        {
            "member_ids": ["s1"],
            "month": "2026-03",
            "template_id": "t-2",
            "reason": "March is scored with the corrected weights",
        }
    )

    member_ids: list[Ident] = Field(min_length=1, max_length=200)
    month: Month
    template_id: Ident
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class ScoreRead(BaseModel):
    """A live monthly score and every line of where it comes from."""

    model_config = examples(
        {
            "member_id": "s1",
            "month": "2026-03",
            "score": "62.4000",
            "revision": 2,
            "template_id": "t-1",
            "template_key": "sales-reps",
            "template_version": 1,
            "indicators": [
                {
                    "code": "revenue",
                    "name": "Revenue",
                    "category": "result",
                    "source": "kpi:revenue",
                    "input": "1.040000",
                    "points": "104.0000",
                    "weight": "0.600000",
                    "contribution": "62.4000",
                    "events": ["ev-1"],
                    "note": None,
                }
            ],
            "formula": "score = sum of weight x points",
            "rescores": [],
        }
    )

    member_id: str
    month: str
    score: Points
    revision: int
    template_id: str
    template_key: str
    template_version: int
    indicators: list[IndicatorLine]
    formula: str
    rescores: list[RescoreRead] = Field(
        default_factory=list, description="Deliberate re-scores of this month, oldest first"
    )
