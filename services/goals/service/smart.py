"""The SMART check of a goal: specific, measurable, achievable, relevant, time-bound. Each
finding names the goal's field it is about, and its message starts with that field."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.schemas.targets import GoalCreate, SmartFinding, SmartReport
from goals.service import figures
from goals.settings import Settings
from shared.periods import FIRST_YEAR, Grain, Period


async def smart_check(
    session: AsyncSession, *, body: GoalCreate, settings: Settings, today: date
) -> SmartReport:
    """Specific, measurable, achievable, relevant, time-bound: errors block, warnings don't."""
    errors: list[SmartFinding] = []
    warnings: list[SmartFinding] = []
    described = len(body.description.strip()) if body.description else 0
    if described < settings.smart_min_description:
        errors.append(
            SmartFinding(
                criterion="specific",
                field="description",
                message=(
                    f"description: describe the goal in at least "
                    f"{settings.smart_min_description} characters (it has {described})"
                ),
            )
        )
    kpi = await repository.kpi_by_code(session, code=body.kpi) if body.kpi else None
    if body.kind != "objective":
        if kpi is None:
            errors.append(
                SmartFinding(
                    criterion="measurable",
                    field="kpi",
                    message=(
                        "kpi: a key result or KPI target needs a known KPI's code"
                        if body.kpi is None
                        else f"kpi: no KPI with code {body.kpi!r}"
                    ),
                )
            )
        elif not kpi.active:
            errors.append(
                SmartFinding(
                    criterion="measurable",
                    field="kpi",
                    message=f"kpi: the KPI {kpi.code!r} is retired: no new goals on it",
                )
            )
        if body.target_value is None:
            errors.append(
                SmartFinding(
                    criterion="measurable",
                    field="target_value",
                    message="target_value: set the value the goal measures against",
                )
            )
    if body.period.end < today:
        warnings.append(
            SmartFinding(
                criterion="time-bound",
                field="period",
                message=f"period: {body.period} has already ended",
            )
        )
    if body.owner_type != "company" and body.parent_id is None:
        warnings.append(
            SmartFinding(
                criterion="relevant",
                field="parent_id",
                message=(
                    "parent_id: align the goal to a parent goal; only company goals stand alone"
                ),
            )
        )
    if kpi is not None and body.target_value is not None:
        recent = [str(p) for p in _recent_periods(body.period, 4)]
        best = await repository.best_recent_actual(
            session,
            owner_type=figures.figure_owner_type(body.owner_type),
            owner_id=body.owner_id,
            kpi_id=kpi.id,
            periods=recent,
            lower_is_better=kpi.direction == "lower_is_better",
        )
        margin = settings.smart_achievable_margin
        if best is not None and best > 0:
            if kpi.direction == "lower_is_better":
                stretch = (best - body.target_value) / best
            else:
                stretch = (body.target_value - best) / best
            if stretch > margin:
                warnings.append(
                    SmartFinding(
                        criterion="achievable",
                        field="target_value",
                        message=(
                            f"target_value: {body.target_value} is {stretch:.0%} beyond the "
                            f"best of the last "
                            f"{len(recent)} {body.period.grain} periods ({best}); the margin is "
                            f"{margin:.0%}"
                        ),
                    )
                )
    return SmartReport(errors=errors, warnings=warnings)


def _recent_periods(period: Period, count: int) -> list[Period]:
    """The ``count`` periods of the same grain before ``period`` (none before 1900)."""
    found: list[Period] = []
    year, index = period.year, period.index
    size = {Grain.year: 1, Grain.quarter: 4, Grain.month: 12}[period.grain]
    for _ in range(count):
        index -= 1
        if index < 1:
            year, index = year - 1, size
        if year < FIRST_YEAR:
            break
        found.append(Period(year, period.grain, index))
    return found
