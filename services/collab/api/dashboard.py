"""The management dashboard's collab part: the cross-department first response of a unit."""

from __future__ import annotations

from fastapi import APIRouter

from collab.api.deps import NowDep, SettingsDep, TodayDep
from collab.service import dashboard as figures
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
    now: NowDep,
    year: YearQuery = None,
) -> DashboardPart:
    """The mean business hours to the first response of the tickets the unit (and every
    unit below it) owns, opened in the year to date, with its target, status, monthly trend
    and the tickets it counts (HR and admins any unit, a manager their units and those
    below: else 403; a unit not known here: 404)."""
    return await figures.dashboard(
        session,
        principal=principal,
        unit_id=unit_id,
        year=today.year if year is None else year,
        today=today,
        now=now,
        settings=settings,
    )


router.include_router(targets_router(figures.TARGETS))
