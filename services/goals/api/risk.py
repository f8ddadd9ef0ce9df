"""Risk: alerts on goals at risk or off track, their evaluation, and corrections taken."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from goals.api.deps import ScopeDep, SettingsDep, TodayDep
from goals.schemas.risk import RiskAlert, RiskCorrectionCreate, RiskCorrectionRead, RiskEvaluation
from goals.service import risk
from shared.api import Page
from shared.db import SessionDep, TransactionDep
from shared.paging import PageQuery, page_query
from shared.periods import period_query

router = APIRouter()

CorrectionsPage = Annotated[
    PageQuery, Depends(page_query(sortable=["recorded_at"], default="recorded_at"))
]
AlertsPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=["period", "status", "gap", "title"], default="period")),
]


@router.get("/risk-alerts", tags=["risk"], response_model=Page[RiskAlert])
async def risk_alerts(
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    today: TodayDep,
    page: AlertsPage,
    transaction: TransactionDep,
    period: Annotated[str | None, period_query()] = None,
) -> Page[RiskAlert]:
    """Goals at risk or off track, each judged on the progress it shows (``progress_source``)
    with a suggested correction, a page at a time. Reading them evaluates the live goals'
    risk states: each change is published (GoalAtRisk, GoalOffTrack, GoalBackOnTrack)."""
    found = await risk.alerts(
        session,
        scope=scope,
        period=period,
        today=today,
        settings=settings,
        transaction=transaction,
    )
    items, next_cursor = page.page_of(
        found,
        {
            "period": lambda a: a.period,
            "status": lambda a: a.status.value,
            "gap": lambda a: a.gap,
            "title": lambda a: a.title,
        },
    )
    return Page[RiskAlert](items=items, next_cursor=next_cursor)


@router.post("/risk-alerts/evaluate", tags=["risk"], response_model=RiskEvaluation)
async def evaluate_risk(
    session: SessionDep, scope: ScopeDep, settings: SettingsDep, today: TodayDep
) -> RiskEvaluation:
    """Evaluate the risk of every goal whose period contains today (HR and admins; for a
    scheduler), publishing an event for each goal whose state changed."""
    return await risk.evaluate_live(session, scope=scope, today=today, settings=settings)


@router.post(
    "/goals/{goal_id}/corrections",
    status_code=201,
    tags=["risk"],
    response_model=RiskCorrectionRead,
)
async def record_correction(
    goal_id: str,
    body: RiskCorrectionCreate,
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    today: TodayDep,
) -> RiskCorrectionRead:
    """Record the correction taken on a goal, beside the one that was suggested."""
    return RiskCorrectionRead.model_validate(
        await risk.record_correction(
            session, scope=scope, goal_id=goal_id, body=body, today=today, settings=settings
        )
    )


@router.get("/goals/{goal_id}/corrections", tags=["risk"], response_model=Page[RiskCorrectionRead])
async def list_corrections(
    goal_id: str, session: SessionDep, scope: ScopeDep, page: CorrectionsPage
) -> Page[RiskCorrectionRead]:
    """The corrections recorded on a goal, a page at a time."""
    found, next_cursor = await risk.corrections(session, scope=scope, goal_id=goal_id, page=page)
    return Page[RiskCorrectionRead](
        items=[RiskCorrectionRead.model_validate(c) for c in found], next_cursor=next_cursor
    )
