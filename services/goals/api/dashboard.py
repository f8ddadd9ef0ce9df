"""Goals' part of the management dashboard (goal attainment, per-member result growth) and
the organisation's targets for them."""

from __future__ import annotations

from fastapi import APIRouter

from goals.api.deps import SettingsDep, TodayDep
from goals.service import dashboard
from shared.auth import CurrentPrincipal
from shared.dashboard import DashboardPart, UnitQuery, YearQuery, targets_router
from shared.db import SessionDep

router = APIRouter(tags=["dashboard"])


@router.get("/dashboard", response_model=DashboardPart)
async def read_dashboard(
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    today: TodayDep,
    unit_id: UnitQuery,
    year: YearQuery = None,
) -> DashboardPart:
    """Goal attainment (目标达成率) and per-member result growth (人均业绩增长) of a unit's
    subtree for a year: actual, target, status, the month-by-month trend (cumulative year to
    date) and how each was computed. HR and admins read any unit, a manager their units and
    those below them."""
    return await dashboard.dashboard(
        session,
        principal=principal,
        unit_id=unit_id,
        year=year or today.year,
        today=today,
        settings=settings,
    )


router.include_router(targets_router(dashboard.TARGETS))
