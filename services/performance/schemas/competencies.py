"""Competency assessments of members against what their position requires, and a unit's
pass rate and role fit with their explanation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from performance.schemas.common import Ident, Share
from shared.api import RequestModel, examples

COMPETENCY_PATTERN = r"^[a-z][a-z0-9_]{1,63}$"
Competency = Annotated[str, StringConstraints(pattern=COMPETENCY_PATTERN)]
"""A competency's code, ``data_analysis``."""
PositionIdent = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Level = Annotated[int, Field(ge=1, le=5)]
"""A competency level, 1 to 5."""


class CompetencyAssessmentCreate(RequestModel):
    model_config = examples(
        {
            "member_id": "s1",
            "competency": "data_analysis",
            "level": 4,
            "assessed_on": "2026-05-10",
            "position_id": None,
            "note": "Built the funnel model alone",
        }
    )

    member_id: Ident
    competency: Competency
    level: Level
    assessed_on: date
    position_id: PositionIdent | None = Field(
        default=None, description="the position assessed against; the member's own by default"
    )
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class CompetencyAssessmentRead(BaseModel):
    model_config = examples(
        {
            "id": "ca-1",
            "member_id": "s1",
            "position_id": "pos-analyst",
            "jd_version": 2,
            "competency": "data_analysis",
            "required_level": 3,
            "level": 4,
            "passed": True,
            "assessed_by": "lead",
            "assessed_on": "2026-05-10",
            "note": "Built the funnel model alone",
            "created_at": "2026-05-10T09:00:00Z",
        },
        from_attributes=True,
    )

    id: str
    member_id: str
    position_id: str
    jd_version: int
    competency: str
    required_level: int
    level: int
    passed: bool
    assessed_by: str
    assessed_on: date
    note: str | None
    created_at: datetime


class CompetencyFit(BaseModel):
    """One competency a holder's position requires: the holder's latest level by the day."""

    model_config = examples(
        {
            "competency": "data_analysis",
            "required_level": 3,
            "level": 2,
            "assessed_on": "2026-02-10",
            "fits": False,
            "reason": "level 2 < required 3",
        }
    )

    competency: str
    required_level: int
    level: int | None
    assessed_on: date | None
    fits: bool
    reason: str


class HolderFit(BaseModel):
    """A holder of a core position and whether they meet every level it requires."""

    model_config = examples(
        {
            "member_id": "s1",
            "position_id": "pos-analyst",
            "position_title": "增长分析师 Growth analyst",
            "fits": False,
            "competencies": [
                {
                    "competency": "data_analysis",
                    "required_level": 3,
                    "level": 2,
                    "assessed_on": "2026-02-10",
                    "fits": False,
                    "reason": "level 2 < required 3",
                }
            ],
        }
    )

    member_id: str
    position_id: str
    position_title: str
    fits: bool
    competencies: list[CompetencyFit]


class UnitCompetencies(BaseModel):
    """A unit subtree's competency pass rate over the year to ``as_of`` and its role fit on
    ``as_of``, with the counts and each core-position holder's explanation."""

    model_config = examples(
        {
            "unit_id": "u-growth",
            "as_of": "2026-03-31",
            "period_start": "2026-01-01",
            "assessments": 9,
            "passed": 7,
            "pass_rate": "0.777778",
            "holders": 4,
            "fitting": 3,
            "role_fit": "0.750000",
            "explanation": ["通过率 = 通过的测评 / 全部测评 = 7 / 9 = 0.777778"],
            "holder_fits": [],
        }
    )

    unit_id: str
    as_of: date
    period_start: date
    assessments: int
    passed: int
    pass_rate: Share | None
    holders: int
    fitting: int
    role_fit: Share | None
    explanation: list[str]
    holder_fits: list[HolderFit]
