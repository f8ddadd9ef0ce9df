"""Incentives' part of the management dashboard: the core project success rate.

Success rate of a unit for a year = the core projects of the unit's subtree (the unit and
every unit below it, by incentives' copy of goals' org tree) concluded in the year to date
that succeeded / the core projects of the subtree concluded then (succeeded or failed). A
project counts in its owner unit on the day it concluded (organisation time zone); none
concluded: no data. The trend is cumulative: at each month's end, the rate of the year up
to then."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import Project, dashboard_targets
from shared import access
from shared.auth import Principal, Role
from shared.dashboard import (
    DashboardPart,
    Direction,
    Targets,
    TargetSpec,
    figure,
    ratio,
    trend_months,
    year_start,
)
from shared.errors import Forbidden, NotFound

SUCCESS_RATE = TargetSpec(
    key="project_success_rate",
    label="核心项目成功率",
    label_en="Core project success rate",
    unit="ratio",
    direction=Direction.at_least,
    default=Decimal("0.85"),
    default_margin=Decimal("0.05"),
)
SPECS: tuple[TargetSpec, ...] = (SUCCESS_RATE,)
TARGETS = Targets(dashboard_targets, SPECS)


async def require_unit_reader(session: AsyncSession, principal: Principal, unit_id: str) -> None:
    """A unit's dashboard is for HR, admins and the managers of the unit or of a unit above
    it (the token's units, up the copies' parent chain); a unit incentives has never heard
    of is 404."""
    unit = await repository.get_org_unit(session, unit_id=unit_id)
    if unit is None:
        raise NotFound(f"unit {unit_id} is not known to incentives")
    if access.sees_everything(principal):
        return

    async def parent_of(unit: str) -> str | None:
        found = await repository.get_org_unit(session, unit_id=unit)
        return found.parent_id if found is not None else None

    if principal.has(Role.manager) and access.in_subtree(
        await access.ancestors_by(unit_id, parent_of), principal.org_units
    ):
        return
    raise Forbidden("a unit's dashboard is for its managers (and those above), HR and admins")


def success_rate(projects: Sequence[Project]) -> Decimal | None:
    """Succeeded / concluded, at six places (half up); None when none concluded."""
    if not projects:
        return None
    return ratio(sum(1 for p in projects if p.outcome == "succeeded"), len(projects))


async def dashboard(
    session: AsyncSession,
    *,
    principal: Principal,
    unit_id: str,
    year: int,
    today: date,
    timezone: str = "Asia/Shanghai",
) -> DashboardPart:
    """The unit's (whole subtree's) incentives figures for ``year``, to ``today``."""
    await require_unit_reader(session, principal, unit_id)
    zone = ZoneInfo(timezone)
    units = await repository.unit_subtree(session, roots=[unit_id])
    start = year_start(year, zone)
    months = trend_months(year, today)
    cutoff = months[-1].until(zone) if months else start
    last_day = min(today, date(year, 12, 31))
    projects = await repository.concluded_core_projects(
        session, unit_ids=units, start=start, end=cutoff
    )
    trend = []
    for month in months:
        to_then = [p for p in projects if _concluded(p) < month.until(zone)]
        trend.append((month.month, success_rate(to_then)))
    target = (await TARGETS.all(session))[SUCCESS_RATE.key]
    actual = success_rate(projects)
    succeeded = [p.id for p in projects if p.outcome == "succeeded"]
    failed = [p.id for p in projects if p.outcome != "succeeded"]
    explanation = [
        f"范围: 单位 {unit_id} 及其下属单位 (共 {len(units)} 个) 的核心项目, "
        f"{year}-01-01 至 {last_day.isoformat()} 结项 "
        f"(scope: core projects of the unit and the units below it, concluded in the year "
        f"to date)",
        f"结项 {len(projects)} 个: 成功 {len(succeeded)} 个, 失败 {len(failed)} 个 "
        f"(concluded {len(projects)}: {len(succeeded)} succeeded, {len(failed)} failed)",
        (
            f"成功率 = 成功 / 结项 = {len(succeeded)} / {len(projects)} = {actual} "
            f"(success rate = succeeded / concluded)"
            if actual is not None
            else "本年至今没有核心项目结项, 无从计算 (no core project concluded yet: no data)"
        ),
        f"目标 ≥ {target.target}, 低于目标 {target.at_risk_margin} 以内为有风险 "
        f"(target at least {target.target}; within {target.at_risk_margin} below: at risk)",
        "趋势为每月末的本年累计值 (trend: the year to date at each month's end)",
    ]
    return DashboardPart(
        service="incentives",
        unit_id=unit_id,
        year=year,
        figures=[
            figure(
                SUCCESS_RATE,
                target,
                actual=actual,
                trend=trend,
                explanation=explanation,
                inputs={
                    "succeeded_project_ids": succeeded,
                    "failed_project_ids": failed,
                    "unit_ids": sorted(units),
                },
            )
        ],
    )


def _concluded(project: Project) -> datetime:
    assert project.concluded_at is not None  # the query takes concluded projects only
    return project.concluded_at
