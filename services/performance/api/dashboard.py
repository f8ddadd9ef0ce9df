"""Performance's part of the management dashboard, and the organisation's targets of its
figures (``/performance/dashboard/targets``)."""

from __future__ import annotations

from fastapi import APIRouter

from performance.api.deps import SettingsDep, TodayDep
from performance.service import dashboard
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
    """Core-member retention (核心成员保留率), voluntary attrition (主动离职率), training
    coverage (培训覆盖率), training hours a member (人均培训学时), satisfaction (满意度), the
    competency assessment pass rate (能力测评通过率) and the role fit of core positions (核心岗位
    专业匹配度) of a unit's subtree, the year to date (to today; a past year to 31 December),
    against the organisation's targets, with the month-by-month trend (cumulative year to each
    month's end) and how each was computed. HR and admins read any unit, a manager their units and
    those below them."""
    return await dashboard.dashboard(
        session,
        principal=principal,
        unit_id=unit_id,
        year=today.year if year is None else year,
        today=today,
        settings=settings,
    )


router.include_router(targets_router(dashboard.TARGETS))
