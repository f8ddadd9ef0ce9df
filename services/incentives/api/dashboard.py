"""The management dashboard's incentives part: the core project success rate of a unit."""

from __future__ import annotations

from fastapi import APIRouter

from incentives.api.deps import SettingsDep, TodayDep
from incentives.service import dashboard as figures
from shared.auth import CurrentPrincipal
from shared.dashboard import DashboardPart, UnitQuery, YearQuery, targets_router
from shared.db import SessionDep

router = APIRouter(tags=["dashboard"])


@router.get("/dashboard", response_model=DashboardPart)
async def read_dashboard(
    unit_id: UnitQuery,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    today: TodayDep,
    year: YearQuery = None,
) -> DashboardPart:
    """The unit's (and every unit below it) core project success rate for the year to date,
    its target, status, monthly trend and the projects it counts (HR and admins any unit, a
    manager their units and those below: else 403; a unit not known here: 404)."""
    return await figures.dashboard(
        session,
        principal=principal,
        unit_id=unit_id,
        year=today.year if year is None else year,
        today=today,
        timezone=settings.timezone,
    )


router.include_router(targets_router(figures.TARGETS))
