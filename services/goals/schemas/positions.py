"""Positions: a unit's roles with a versioned job description and required competencies,
and their periodic reviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from goals.schemas.common import Ident, ReadModel, Text200
from goals.schemas.org import Layer
from shared.api import RequestModel, examples

CompetencyCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$"),
    Field(description="A competency's code: lower case, `[a-z][a-z0-9_]{1,63}`"),
]
FunctionCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$"),
    Field(description="A short function code: marketing, sales, analytics, design, ..."),
]
Line = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Summary = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Lines = Annotated[list[Line], Field(max_length=50)]
ReviewMonths = Annotated[int, Field(ge=1, le=60, description="Months between two reviews")]
ReviewNote = Annotated[str, StringConstraints(min_length=1, max_length=2000)]

_JD_EXAMPLE = {
    "summary": "分析增长数据, 支持投放决策 Analyses growth data for campaign decisions",
    "duties": ["Weekly funnel report", "A/B test design and read-out"],
    "authority": ["Pause a campaign whose ROI is below the floor"],
    "deliverables": ["Weekly growth report", "Quarterly channel review"],
}
_REQUIRED_EXAMPLE = [{"competency": "data_analysis", "level": 3, "name": "数据分析"}]


class JobDescription(RequestModel):
    """What the work is: a summary, the duties, the authority and the deliverables."""

    model_config = examples(_JD_EXAMPLE)

    summary: Summary
    duties: Lines = Field(default_factory=list)
    authority: Lines = Field(default_factory=list)
    deliverables: Lines = Field(default_factory=list)


class JobDescriptionPatch(RequestModel):
    """A merge patch of a job description: the fields sent replace the stored ones."""

    model_config = examples({"duties": ["Weekly funnel report", "Attribution model upkeep"]})

    summary: Summary | None = None
    duties: Lines | None = None
    authority: Lines | None = None
    deliverables: Lines | None = None


class RequiredCompetency(RequestModel):
    """A competency the position requires, at a level from 1 to 5."""

    model_config = examples(_REQUIRED_EXAMPLE[0])

    competency: CompetencyCode
    level: int = Field(ge=1, le=5, description="Required level, 1 to 5")
    name: Text200 | None = None


Requirements = Annotated[list[RequiredCompetency], Field(max_length=50)]


class PositionCreate(RequestModel):
    model_config = examples(
        {
            "id": "pos-analyst",
            "unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "title": "增长分析师 Growth analyst",
            "function": "analytics",
            "layer": "execution",
            "core": True,
            "job_description": _JD_EXAMPLE,
            "required_competencies": _REQUIRED_EXAMPLE,
            "review_every_months": 12,
        }
    )

    id: Ident | None = Field(default=None, description="Optional id from the HR system")
    unit_id: Ident
    title: Text200
    function: FunctionCode
    layer: Layer
    core: bool = False
    job_description: JobDescription
    required_competencies: Requirements = Field(default_factory=list)
    review_every_months: ReviewMonths = 12
    review_due_on: date | None = Field(
        default=None, description="First review; today plus review_every_months unless given"
    )


class PositionUpdate(RequestModel):
    """A JSON merge patch of a position. A change of the job description or the required
    competencies makes a new ``jd_version`` (the earlier one is kept); ``active`` false
    retires a position nobody holds; ``unit_id`` moves a position nobody holds."""

    model_config = examples(
        {
            "job_description": {"duties": ["Weekly funnel report", "Attribution model upkeep"]},
            "required_competencies": [
                {"competency": "data_analysis", "level": 4, "name": "数据分析"},
                {"competency": "sql", "level": 3},
            ],
            "reason": "年度评审 Annual review: attribution work moved here",
        }
    )

    unit_id: Ident | None = None
    title: Text200 | None = None
    function: FunctionCode | None = None
    layer: Layer | None = None
    core: bool | None = None
    job_description: JobDescriptionPatch | None = None
    required_competencies: Requirements | None = None
    review_every_months: ReviewMonths | None = None
    review_due_on: date | None = None
    active: bool | None = None
    reason: ReviewNote | None = Field(
        default=None, description="Why the job description changes; kept with its version"
    )


class RequiredCompetencyRead(ReadModel):
    model_config = examples(_REQUIRED_EXAMPLE[0])

    competency: str
    level: int
    name: str | None = None


class JobDescriptionRead(ReadModel):
    model_config = examples(_JD_EXAMPLE)

    summary: str
    duties: list[str]
    authority: list[str]
    deliverables: list[str]


class PositionRead(ReadModel):
    model_config = examples(
        {
            "id": "pos-analyst",
            "unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "title": "增长分析师 Growth analyst",
            "function": "analytics",
            "layer": "execution",
            "core": True,
            "job_description": _JD_EXAMPLE,
            "required_competencies": _REQUIRED_EXAMPLE,
            "jd_version": 2,
            "review_every_months": 12,
            "review_due_on": "2027-03-31",
            "reviewed_on": "2026-03-31",
            "active": True,
            "version": 3,
            "created_at": "2026-01-05T09:00:00+00:00",
            "updated_at": "2026-03-31T09:00:00+00:00",
        }
    )

    id: str
    unit_id: str
    title: str
    function: str
    layer: Layer
    core: bool
    job_description: JobDescriptionRead
    required_competencies: list[RequiredCompetencyRead]
    jd_version: int
    review_every_months: int
    review_due_on: date
    reviewed_on: date | None
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class PositionVersionRead(ReadModel):
    """A job description and its requirements as they were in one ``jd_version``."""

    model_config = examples(
        {
            "position_id": "pos-analyst",
            "jd_version": 1,
            "title": "增长分析师 Growth analyst",
            "job_description": _JD_EXAMPLE,
            "required_competencies": _REQUIRED_EXAMPLE,
            "changed_by": "m-hr",
            "changed_at": "2026-01-05T09:00:00+00:00",
            "reason": None,
        }
    )

    position_id: str
    jd_version: int
    title: str
    job_description: JobDescriptionRead
    required_competencies: list[RequiredCompetencyRead]
    changed_by: str
    changed_at: datetime
    reason: str | None


class PositionReviewCreate(RequestModel):
    """A periodic review: the day, a note, and when the next one is due (the review day
    plus the position's ``review_every_months`` unless given)."""

    model_config = examples(
        {"reviewed_on": "2026-03-31", "note": "Duties still match the work; no change"}
    )

    reviewed_on: date | None = Field(default=None, description="Goals' today unless given")
    note: ReviewNote | None = None
    next_due_on: date | None = None


class PositionReviewRead(ReadModel):
    model_config = examples(
        {
            "id": "c0ffee00-0000-4000-8000-000000000001",
            "position_id": "pos-analyst",
            "reviewed_on": "2026-03-31",
            "reviewed_by": "m-growth-lead",
            "note": "Duties still match the work; no change",
            "jd_version": 2,
            "next_due_on": "2027-03-31",
        }
    )

    id: str
    position_id: str
    reviewed_on: date
    reviewed_by: str
    note: str | None
    jd_version: int
    next_due_on: date
