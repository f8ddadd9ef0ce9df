"""Pulse surveys and team health."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from performance.schemas.common import Ident, Ratio, Share
from shared.api import RequestModel, examples


class PulseSurveyCreate(RequestModel):
    model_config = examples(
        {
            "unit_id": "team-sales",
            "question": "How satisfied are you with your work this month?",
            "opens_on": "2026-03-25",
            "closes_on": "2026-03-31",
        }
    )

    unit_id: Ident
    question: Annotated[str, StringConstraints(min_length=3, max_length=500)]
    opens_on: date
    closes_on: date


class PulseSurveyRead(BaseModel):
    model_config = examples(
        {
            "id": "ps-1",
            "unit_id": "team-sales",
            "question": "How satisfied are you?",
            "opens_on": "2026-03-25",
            "closes_on": "2026-03-31",
        },
        from_attributes=True,
    )

    id: str
    unit_id: str
    question: str
    opens_on: date
    closes_on: date


class PulseAnswerCreate(RequestModel):
    model_config = examples({"score": 4, "comment": None})

    score: int = Field(ge=1, le=5)
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None


class TeamHealth(BaseModel):
    """A unit's health for a year against the plan's targets."""

    model_config = examples(
        {
            "unit_id": "team-sales",
            "year": 2026,
            "satisfaction": "0.750000",
            "satisfaction_target": "0.850000",
            "answers": 4,
            "core_members": ["s1"],
            "core_retention": "1.000000",
            "core_retention_target": "0.900000",
            "headcount_at_start": 3,
            "voluntary_leavers": 1,
            "voluntary_attrition": "0.330000",
            "voluntary_attrition_target": "0.080000",
            "explanation": [],
        }
    )

    unit_id: str
    year: int
    satisfaction: Share | None
    satisfaction_target: Ratio
    answers: int
    core_members: list[str]
    core_retention: Share | None
    core_retention_target: Ratio
    headcount_at_start: int
    voluntary_leavers: int
    voluntary_attrition: Share | None
    voluntary_attrition_target: Ratio
    explanation: list[str]
