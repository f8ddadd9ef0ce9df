"""Competency assessments of members against their positions, and a unit's pass rate and
role fit."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from performance import repository
from performance.api.deps import TodayDep
from performance.schemas import (
    CompetencyAssessmentCreate,
    CompetencyAssessmentRead,
    UnitCompetencies,
)
from performance.service import competencies, competency_figures
from shared.api import Page
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["competencies"])
AssessmentPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=repository.ASSESSMENT_SORTS, default="assessed_on,created_at")),
]


@router.post("/competency-assessments", status_code=201, response_model=CompetencyAssessmentRead)
async def assess_competency(
    body: CompetencyAssessmentCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
    response: Response,
) -> CompetencyAssessmentRead:
    """Assess a member in a competency their position (or the one named) requires, 1-5, on
    a day from their hiring to today: HR or a manager of the member's units, never oneself.
    The level the position requires and its job description's version are kept with it;
    publishes ``CompetencyAssessed``."""
    assessment = await competencies.assess(session, principal=principal, body=body, today=today)
    response.headers["Location"] = f"/performance/competency-assessments/{assessment.id}"
    return CompetencyAssessmentRead.model_validate(assessment)


@router.get("/competency-assessments", response_model=Page[CompetencyAssessmentRead])
async def list_competency_assessments(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: AssessmentPage,
    member_id: Annotated[str | None, Query(max_length=36)] = None,
    unit_id: Annotated[str | None, Query(max_length=36)] = None,
) -> Page[CompetencyAssessmentRead]:
    """Assessments, of one member or of a unit's subtree if asked: a member's own, a
    manager's units' members', all for HR and admins."""
    return await competencies.list_assessments(
        session, principal=principal, member_id=member_id, unit_id=unit_id, page=page
    )


@router.get("/competency-assessments/{assessment_id}", response_model=CompetencyAssessmentRead)
async def get_competency_assessment(
    assessment_id: str, session: SessionDep, principal: CurrentPrincipal
) -> CompetencyAssessmentRead:
    """One assessment: the member's own, their managers', HR's."""
    return CompetencyAssessmentRead.model_validate(
        await competencies.get_assessment(session, principal=principal, assessment_id=assessment_id)
    )


@router.get("/units/{unit_id}/competencies", response_model=UnitCompetencies)
async def unit_competencies(
    unit_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
    as_of: date | None = None,
) -> UnitCompetencies:
    """The competency assessment pass rate (能力测评通过率) of the unit's subtree over the
    year to ``as_of`` (today by default) and the role fit of its core positions (核心岗位专业
    匹配度) on that day, with the counts and, for each holder and competency, the level
    required, the latest level and whether it fits: the unit's managers and HR."""
    return await competency_figures.unit_competencies(
        session,
        principal=principal,
        unit_id=unit_id,
        as_of=today if as_of is None else as_of,
        today=today,
    )
