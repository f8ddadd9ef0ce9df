"""Org copies, scorecard templates and live scores."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from performance import repository
from performance.api.deps import TodayDep
from performance.schemas import (
    OrgUnitRead,
    RescoreCreate,
    RescoreDone,
    ScoreRead,
    TemplateCreate,
    TemplateRead,
)
from performance.service import copies, rescoring, scoring
from shared.api import Page
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query
from shared.periods import period_path

router = APIRouter()
TemplatePage = Annotated[
    PageQuery, Depends(page_query(sortable=repository.TEMPLATE_SORTS, default="created_at"))
]


@router.get("/org-units/{unit_id}", tags=["org-units"], response_model=OrgUnitRead)
async def get_org_unit(unit_id: str, session: SessionDep) -> OrgUnitRead:
    """Performance's copy of an org unit, as learnt from goals' events."""
    return OrgUnitRead.model_validate(await copies.get_org_unit(session, unit_id=unit_id))


@router.post(
    "/scorecard-templates", status_code=201, tags=["scorecards"], response_model=TemplateRead
)
async def create_template(
    body: TemplateCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    today: TodayDep,
) -> TemplateRead:
    """A scorecard template (or a new version of one); weights must add up to 1. It scores
    from its effective month on (default: this month); earlier months keep their version."""
    template = await scoring.create_template(session, principal=principal, body=body, today=today)
    response.headers["Location"] = f"/performance/scorecard-templates/{template.id}"
    return TemplateRead.model_validate(template)


@router.get("/scorecard-templates", tags=["scorecards"], response_model=Page[TemplateRead])
async def list_templates(session: SessionDep, page: TemplatePage) -> Page[TemplateRead]:
    """The current version of every template, oldest first unless sorted otherwise."""
    rows, next_cursor = await repository.current_templates_page(session, page=page)
    return Page[TemplateRead](
        items=[TemplateRead.model_validate(t) for t in rows], next_cursor=next_cursor
    )


@router.get("/members/{member_id}/scores/{month}", tags=["scorecards"], response_model=ScoreRead)
async def get_score(
    member_id: str,
    month: Annotated[str, period_path("A month: 2026-03")],
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ScoreRead:
    """A member's live score for a month, with every indicator's input, points, weight,
    contribution and the events behind it."""
    return await scoring.get_score(session, principal=principal, member_id=member_id, month=month)


@router.post("/scores/rescore", tags=["scorecards"], response_model=RescoreDone)
async def rescore(
    body: RescoreCreate, session: SessionDep, principal: CurrentPrincipal
) -> RescoreDone:
    """Re-score members' month on purpose with a stated template version, with a reason
    (HR; never one's own): each re-score is kept with who, when, the score before and after,
    and shows on the score."""
    return RescoreDone(rescores=await rescoring.rescore(session, principal=principal, body=body))
