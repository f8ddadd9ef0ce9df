"""Improvement plans, diagnosis, development plans, training, promotion readiness and team
health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from performance.api.deps import SettingsDep, TodayDep
from performance.schemas import (
    DevelopmentPlanCreate,
    DevelopmentPlanRead,
    DevelopmentPlanUpdate,
    Diagnosis,
    ImprovementPlanCreate,
    ImprovementPlanRead,
    ImprovementPlanUpdate,
    PromotionReadiness,
    PulseAnswerCreate,
    PulseSurveyCreate,
    PulseSurveyRead,
    RootCauseCreate,
    RootCauseRead,
    TeamHealth,
    TrainingCreate,
    TrainingRead,
    TrainingSummary,
)
from performance.service import development, health, plans
from shared.api import etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.periods import period_path

router = APIRouter()
Year = Annotated[int, Query(ge=2000, le=2100)]


@router.post(
    "/improvement-plans", status_code=201, tags=["development"], response_model=ImprovementPlanRead
)
async def create_plan(
    body: ImprovementPlanCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> ImprovementPlanRead:
    """An improvement plan: goals and checkpoints (the member's manager or HR)."""
    plan = await development.create_plan(session, principal=principal, body=body)
    response.headers["ETag"] = etag_of(plan.id, plan.version)
    return ImprovementPlanRead.model_validate(plan)


@router.patch(
    "/improvement-plans/{plan_id}", tags=["development"], response_model=ImprovementPlanRead
)
async def update_plan(
    plan_id: str,
    body: ImprovementPlanUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ImprovementPlanRead:
    """Tick checkpoints or record the outcome, with If-Match."""
    plan = await development.update_plan(
        session, principal=principal, plan_id=plan_id, body=body, if_match=if_match
    )
    response.headers["ETag"] = etag_of(plan.id, plan.version)
    return ImprovementPlanRead.model_validate(plan)


@router.get(
    "/improvement-plans/{plan_id}", tags=["development"], response_model=ImprovementPlanRead
)
async def get_plan(
    plan_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> ImprovementPlanRead:
    """An improvement plan, with its ETag: the member's own, their managers', HR's."""
    plan = await plans.improvement_plan(session, principal=principal, plan_id=plan_id)
    response.headers["ETag"] = etag_of(plan.id, plan.version)
    return ImprovementPlanRead.model_validate(plan)


@router.post("/root-causes", status_code=201, tags=["development"], response_model=RootCauseRead)
async def add_root_cause(
    body: RootCauseCreate, session: SessionDep, principal: CurrentPrincipal, today: TodayDep
) -> RootCauseRead:
    """A root-cause note on a trailing indicator: five whys or fishbone categories. The
    indicator is one of the member's scorecard (422 on ``indicator`` else)."""
    return RootCauseRead.model_validate(
        await development.add_root_cause(session, principal=principal, body=body, today=today)
    )


@router.get(
    "/members/{member_id}/diagnosis/{month}", tags=["development"], response_model=Diagnosis
)
async def diagnose(
    member_id: str,
    month: Annotated[str, period_path("A month: 2026-03")],
    session: SessionDep,
    principal: CurrentPrincipal,
) -> Diagnosis:
    """Indicators trailing the team's median, since when, and the notes on them."""
    return await development.diagnose(
        session, principal=principal, member_id=member_id, month=month
    )


@router.post(
    "/development-plans", status_code=201, tags=["development"], response_model=DevelopmentPlanRead
)
async def create_development_plan(
    body: DevelopmentPlanCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> DevelopmentPlanRead:
    """A member's individual development plan for a year (one a year: a second is a 409
    pointing at the PATCH of the first)."""
    plan = await development.create_development_plan(session, principal=principal, body=body)
    response.headers["ETag"] = etag_of(plan.id, plan.version)
    response.headers["Location"] = f"/performance/development-plans/{plan.id}"
    return DevelopmentPlanRead.model_validate(plan)


@router.get(
    "/development-plans/{plan_id}", tags=["development"], response_model=DevelopmentPlanRead
)
async def get_development_plan(
    plan_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> DevelopmentPlanRead:
    """A development plan, with its ETag: the member's own, their managers', HR's."""
    plan = await plans.development_plan(session, principal=principal, plan_id=plan_id)
    response.headers["ETag"] = etag_of(plan.id, plan.version)
    return DevelopmentPlanRead.model_validate(plan)


@router.patch(
    "/development-plans/{plan_id}", tags=["development"], response_model=DevelopmentPlanRead
)
async def update_development_plan(
    plan_id: str,
    body: DevelopmentPlanUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> DevelopmentPlanRead:
    """Change the plan's objectives (a merge patch) with If-Match: the member's manager or
    HR, never one's own."""
    plan = await plans.update_development_plan(
        session, principal=principal, plan_id=plan_id, body=body, if_match=if_match
    )
    response.headers["ETag"] = etag_of(plan.id, plan.version)
    return DevelopmentPlanRead.model_validate(plan)


@router.post(
    "/training-records", status_code=201, tags=["development"], response_model=TrainingRead
)
async def record_training(
    body: TrainingCreate, session: SessionDep, principal: CurrentPrincipal, today: TodayDep
) -> TrainingRead:
    """Training a member completed, in hours, by today (422 on ``completed_on`` else)."""
    return TrainingRead.model_validate(
        await development.record_training(session, principal=principal, body=body, today=today)
    )


@router.get("/units/{unit_id}/training", tags=["development"], response_model=TrainingSummary)
async def training_summary(
    unit_id: str,
    year: Year,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> TrainingSummary:
    """Training coverage and hours a member against the plan's targets."""
    return await development.training_summary(
        session, principal=principal, unit_id=unit_id, year=year, settings=settings
    )


@router.get(
    "/members/{member_id}/promotion-readiness",
    tags=["development"],
    response_model=PromotionReadiness,
)
async def promotion_readiness(
    member_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    today: TodayDep,
) -> PromotionReadiness:
    """How ready a member is for the next tier, criterion by criterion."""
    return await development.promotion_readiness(
        session, principal=principal, member_id=member_id, today=today, settings=settings
    )


@router.post(
    "/pulse-surveys", status_code=201, tags=["team-health"], response_model=PulseSurveyRead
)
async def create_survey(
    body: PulseSurveyCreate, session: SessionDep, principal: CurrentPrincipal
) -> PulseSurveyRead:
    """A satisfaction pulse for a unit (HR)."""
    return PulseSurveyRead.model_validate(
        await health.create_survey(session, principal=principal, body=body)
    )


@router.post(
    "/pulse-surveys/{survey_id}/answers",
    status_code=204,
    tags=["team-health"],
    response_class=Response,
)
async def answer_survey(
    survey_id: str,
    body: PulseAnswerCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    today: TodayDep,
) -> Response:
    """Answer a pulse once; the answer is stored without who gave it."""
    await health.answer(
        session, principal=principal, survey_id=survey_id, body=body, today=today, settings=settings
    )
    return Response(status_code=204)


@router.get("/units/{unit_id}/health", tags=["team-health"], response_model=TeamHealth)
async def team_health(
    unit_id: str,
    year: Year,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> TeamHealth:
    """Satisfaction, core retention and voluntary attrition against the targets."""
    return await health.team_health(
        session, principal=principal, unit_id=unit_id, year=year, settings=settings
    )
