"""Goals, targets, cascades, SMART checks, adjustments, templates, progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from goals.api.deps import ScopeDep, SettingsDep, TodayDep
from goals.schemas.common import OwnerType
from goals.schemas.progress import GoalProgress
from goals.schemas.targets import (
    CascadeRequest,
    GoalCreate,
    GoalKind,
    GoalRead,
    GoalTemplateCreate,
    GoalTemplateRead,
    GoalUpdate,
    SmartReport,
    TargetAdjustmentRead,
    TemplateApply,
)
from goals.service import cascade as cascading
from goals.service import goal_templates, smart, targets
from shared.api import Page, etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query
from shared.periods import period_query

router = APIRouter()

GoalsPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=["created_at", "period", "title", "kind"], default="created_at")),
]
AdjustmentsPage = Annotated[
    PageQuery, Depends(page_query(sortable=["adjusted_at"], default="adjusted_at"))
]
TemplatesPage = Annotated[
    PageQuery, Depends(page_query(sortable=["created_at", "name"], default="created_at"))
]


@router.post("/smart-check", tags=["goals"], response_model=SmartReport)
async def smart_check(
    body: GoalCreate, session: SessionDep, settings: SettingsDep, today: TodayDep
) -> SmartReport:
    """Check a goal against SMART without saving it: errors would block it, warnings not."""
    return await smart.smart_check(session, body=body, settings=settings, today=today)


@router.post("/goals", status_code=201, tags=["goals"], response_model=GoalRead)
async def create_goal(
    body: GoalCreate,
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    today: TodayDep,
    response: Response,
) -> GoalRead:
    """Create an objective, key result or KPI target; SMART warnings are stored with it."""
    goal, _report = await targets.create_goal(
        session, scope=scope, body=body, settings=settings, today=today
    )
    response.headers["Location"] = f"/goals/goals/{goal.id}"
    response.headers["ETag"] = etag_of(goal.id, goal.version)
    return (await targets.to_reads(session, [goal]))[0]


@router.get("/goals", tags=["goals"], response_model=Page[GoalRead])
async def list_goals(
    session: SessionDep,
    scope: ScopeDep,
    page: GoalsPage,
    owner_type: OwnerType | None = None,
    owner_id: str | None = None,
    period: Annotated[str | None, period_query()] = None,
    kind: GoalKind | None = None,
    parent_id: str | None = None,
) -> Page[GoalRead]:
    """Goals you may see, filtered by owner, period, kind or parent."""
    goals, next_cursor = await targets.list_goals(
        session,
        scope=scope,
        owner_type=owner_type,
        owner_id=owner_id,
        period=period,
        kind=kind,
        parent_id=parent_id,
        page=page,
    )
    return Page[GoalRead](items=await targets.to_reads(session, goals), next_cursor=next_cursor)


@router.get("/goals/{goal_id}", tags=["goals"], response_model=GoalRead)
async def get_goal(
    goal_id: str, session: SessionDep, scope: ScopeDep, response: Response
) -> GoalRead:
    """One goal, with its ETag for later edits."""
    goal = await targets.get_goal(session, scope=scope, goal_id=goal_id)
    response.headers["ETag"] = etag_of(goal.id, goal.version)
    return (await targets.to_reads(session, [goal]))[0]


@router.patch("/goals/{goal_id}", tags=["goals"], response_model=GoalRead)
async def update_goal(
    goal_id: str,
    body: GoalUpdate,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> GoalRead:
    """Change a goal (a merge patch) with If-Match; a target change needs a reason and is
    published as ``TargetAdjusted``; a stale ETag gets 412."""
    goal = await targets.update_goal(
        session, scope=scope, goal_id=goal_id, body=body, if_match=if_match, today=today
    )
    response.headers["ETag"] = etag_of(goal.id, goal.version)
    return (await targets.to_reads(session, [goal]))[0]


@router.get(
    "/goals/{goal_id}/adjustments", tags=["goals"], response_model=Page[TargetAdjustmentRead]
)
async def list_adjustments(
    goal_id: str, session: SessionDep, scope: ScopeDep, page: AdjustmentsPage
) -> Page[TargetAdjustmentRead]:
    """Every target change of a goal, a page at a time: who, when, why, old and new (at the
    KPI's scale)."""
    found, next_cursor = await cascading.adjustments(
        session, scope=scope, goal_id=goal_id, page=page
    )
    return Page[TargetAdjustmentRead](items=found, next_cursor=next_cursor)


@router.post(
    "/goals/{goal_id}/cascade", status_code=201, tags=["goals"], response_model=list[GoalRead]
)
async def cascade(
    goal_id: str, body: CascadeRequest, session: SessionDep, scope: ScopeDep, today: TodayDep
) -> list[GoalRead]:
    """Create child targets from this one: evenly, by weights, or by last year's shares."""
    created = await cascading.cascade(session, scope=scope, goal_id=goal_id, body=body, today=today)
    return await targets.to_reads(session, created)


@router.get("/goals/{goal_id}/progress", tags=["goals"], response_model=GoalProgress)
async def progress(goal_id: str, session: SessionDep, scope: ScopeDep) -> GoalProgress:
    """Attainment, the roll-ups along time, org and key results (each its own number, never
    averaged together) and the headline progress with its source, explained."""
    return await cascading.progress(session, scope=scope, goal_id=goal_id)


@router.post("/goal-templates", status_code=201, tags=["goals"], response_model=GoalTemplateRead)
async def create_template(
    body: GoalTemplateCreate, session: SessionDep, principal: CurrentPrincipal
) -> GoalTemplateRead:
    """A set of goals to give many members at once; each target at most at its KPI's scale."""
    template = await goal_templates.create_template(session, principal=principal, body=body)
    return await goal_templates.template_read(session, template)


@router.get("/goal-templates", tags=["goals"], response_model=Page[GoalTemplateRead])
async def list_templates(
    session: SessionDep, principal: CurrentPrincipal, page: TemplatesPage
) -> Page[GoalTemplateRead]:
    """The goal templates (managers, HR and admins), a page at a time, oldest first unless
    sorted otherwise; each target at its KPI's scale."""
    found, next_cursor = await goal_templates.list_templates(
        session, principal=principal, page=page
    )
    return Page[GoalTemplateRead](
        items=[await goal_templates.template_read(session, t) for t in found],
        next_cursor=next_cursor,
    )


@router.post(
    "/goal-templates/{template_id}/apply",
    status_code=201,
    tags=["goals"],
    response_model=list[GoalRead],
)
async def apply_template(
    template_id: str,
    body: TemplateApply,
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    today: TodayDep,
) -> list[GoalRead]:
    """Give every listed member the template's goals for a period, in one call."""
    created = await goal_templates.apply_template(
        session, scope=scope, template_id=template_id, body=body, settings=settings, today=today
    )
    return await targets.to_reads(session, created)
