"""Ladders, plans (with mid-period changes) and the revenue commission is paid on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from incentives import repository
from incentives.api.deps import SettingsDep
from incentives.schemas import (
    LadderCreate,
    LadderRead,
    PlanCreate,
    PlanRead,
    RevenueCreate,
    RevenueRead,
    TermsChange,
)
from incentives.service import access, plans, recalc, revenue
from incentives.service.recalc import Queued
from shared.api import Page, check_if_match, etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query
from shared.periods import Period, period_query

router = APIRouter()

LadderPage = Annotated[PageQuery, Depends(page_query(["key", "name"], default="key"))]
PlanPage = Annotated[
    PageQuery, Depends(page_query(["created_at", "period", "name"], default="created_at"))
]


@router.get("/ladders", response_model=Page[LadderRead], tags=["plans"])
async def list_ladders(
    session: SessionDep, principal: CurrentPrincipal, settings: SettingsDep, page: LadderPage
) -> Page[LadderRead]:
    """Attainment ladders (finance and HR), by key with `default` (from configuration)
    first."""
    access.require_finance_or_hr(principal)
    items, cursor = page.page_of(
        await plans.ladders(session, settings),
        {
            "key": lambda ladder: (ladder.key != plans.DEFAULT_LADDER, ladder.key),
            "name": lambda ladder: ladder.name,
        },
    )
    return Page(
        items=[LadderRead.model_validate(row, from_attributes=True) for row in items],
        next_cursor=cursor,
    )


@router.post("/ladders", status_code=201, response_model=LadderRead, tags=["plans"])
async def create_ladder(
    body: LadderCreate, session: SessionDep, principal: CurrentPrincipal, settings: SettingsDep
) -> LadderRead:
    """A named ladder plans can use (finance). Ladders are never edited: plans copy them."""
    access.require_finance(principal)
    ladder = await plans.create_ladder(session, principal, settings, body)
    return LadderRead.model_validate(ladder, from_attributes=True)


@router.post("/plans", status_code=201, response_model=PlanRead, tags=["plans"])
async def create_plan(
    body: PlanCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    response: Response,
) -> PlanRead:
    """A pay plan for a population and period (finance): base, performance pay by review
    rating, a target bonus by KPI attainment on ladders, commission tiers."""
    access.require_finance(principal)
    plan = await plans.create_plan(session, principal, settings, body)
    await recalc.queue(
        session,
        [
            Queued(m.id, plan.period, f"plan {plan.name} created", {"plan_id": plan.id})
            for m in await repository.members(session)
        ],
    )
    response.headers["Location"] = f"/incentives/plans/{plan.id}"
    response.headers["ETag"] = etag_of(plan.id, plan.version)
    return PlanRead.model_validate(plan, from_attributes=True)


@router.get("/plans", response_model=Page[PlanRead], tags=["plans"])
async def list_plans(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PlanPage,
    period: Annotated[str | None, period_query()] = None,
) -> Page[PlanRead]:
    """Plans, optionally of one period (finance and HR), oldest first by default."""
    access.require_finance_or_hr(principal)
    found, cursor = await repository.plans_page(
        session, page=page, period=str(Period.parse(period)) if period else None
    )
    return Page(
        items=[PlanRead.model_validate(p, from_attributes=True) for p in found],
        next_cursor=cursor,
    )


@router.get("/plans/{plan_id}", response_model=PlanRead, tags=["plans"])
async def get_plan(
    plan_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> PlanRead:
    """One plan with its terms (finance and HR); the ETag guards changes of its terms."""
    access.require_finance_or_hr(principal)
    plan = await plans.get_plan(session, plan_id)
    response.headers["ETag"] = etag_of(plan.id, plan.version)
    return PlanRead.model_validate(plan, from_attributes=True)


@router.post("/plans/{plan_id}/terms", response_model=PlanRead, tags=["plans"])
async def change_terms(
    plan_id: str,
    body: TermsChange,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> PlanRead:
    """Change amounts from an effective date in the period (finance; If-Match the plan's
    ETag). Days before it keep the earlier amounts; members are prorated by days."""
    access.require_finance(principal)
    plan = await plans.get_plan(session, plan_id, lock=True)
    check_if_match(if_match, plan.id, plan.version)
    plan = await plans.change_terms(session, principal, plan, body)
    await recalc.queue(
        session,
        [
            Queued(
                m.id,
                plan.period,
                f"plan {plan.name} changed from {body.effective_from}: {body.reason}",
                {"plan_id": plan.id, "plan_version": plan.version},
            )
            for m in await repository.members(session)
        ],
    )
    response.headers["ETag"] = etag_of(plan.id, plan.version)
    return PlanRead.model_validate(plan, from_attributes=True)


@router.post(
    "/revenue",
    status_code=201,
    response_model=RevenueRead,
    tags=["commission"],
    responses={200: {"model": RevenueRead, "description": "Recorded before: the first answer"}},
)
async def record_revenue(
    body: RevenueCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> RevenueRead:
    """Closed revenue, a refund or a credit note (finance, or the CRM with a finance token).
    Commission is computed at once; the same entry id sent again changes nothing (200)."""
    access.require_finance(principal)
    entry, new = await revenue.record(session, principal, body)
    if not new:
        response.status_code = 200
    return RevenueRead.model_validate(entry, from_attributes=True)
