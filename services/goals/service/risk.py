"""Progress monitoring: goals whose progress trails the elapsed share of their period, the
correction the numbers suggest, and the correction taken."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import Goal, RiskCorrection
from goals.schemas.risk import RiskAlert, RiskCorrectionCreate, RiskStatus
from goals.service import figures
from goals.service.access import Scope, require_owner
from goals.service.targets import get_goal, visible_owners
from goals.settings import Settings
from shared.paging import PageQuery
from shared.periods import Period

TWO_PLACES = Decimal("0.01")


def plain(value: Decimal | None) -> str:
    """A decimal as people write it: 40, 0.12, never 4E+1."""
    return "no data" if value is None else format(value.normalize(), "f")


def assess(
    goal: Goal,
    figure: figures.Figure | None,
    latest_check_in: Decimal | None,
    *,
    today: date,
    settings: Settings,
) -> RiskAlert:
    """Where a goal stands against the share of its period that has passed."""
    period = Period.parse(goal.period)
    elapsed = Decimal(str(round(period.elapsed_share(today), 6)))
    cumulative = figure is not None and figure.kpi.aggregation == "sum"
    # A summed KPI should have reached the elapsed share of its target; a rate or a latest
    # value should be at its target already.
    expected = elapsed if cumulative or figure is None else Decimal(1)
    progress = figure.attainment if figure is not None else latest_check_in
    gap = None if progress is None else expected - progress
    status = RiskStatus.on_track
    if gap is None and elapsed > 0:
        status = RiskStatus.at_risk
    elif gap is not None and gap > settings.risk_off_track_margin:
        status = RiskStatus.off_track
    elif gap is not None and gap > settings.risk_at_risk_margin:
        status = RiskStatus.at_risk
    return RiskAlert(
        goal_id=goal.id,
        title=goal.title,
        owner_type=goal.owner_type,
        owner_id=goal.owner_id,
        period=goal.period,
        status=status,
        progress=progress,
        expected=expected.quantize(Decimal("0.000001")),
        gap=gap,
        suggested_correction=_suggest(goal, figure, status, period, today),
    )


def _suggest(
    goal: Goal, figure: figures.Figure | None, status: RiskStatus, period: Period, today: date
) -> str:
    if status == RiskStatus.on_track:
        return "none needed"
    if figure is None or figure.target is None:
        return (
            "no measured progress: record actuals or a check-in, then review the plan "
            "with the owner"
        )
    days_left = max((period.end - today).days + 1, 1)
    if figure.kpi.aggregation == "sum" and figure.kpi.direction == "higher_is_better":
        remaining = figure.target - (figure.actual or Decimal(0))
        daily = (remaining / days_left).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        plan = (
            f"{plain(remaining)} {figure.kpi.unit} of {figure.kpi.code} remain in "
            f"{days_left} days: {daily} a day"
        )
    else:
        plan = (
            f"{figure.kpi.code} is at {plain(figure.actual)} against a target of "
            f"{plain(figure.target)} {figure.kpi.unit}"
        )
    if status == RiskStatus.off_track:
        return (
            f"{plan}; re-plan with the owner: add resources, re-order tasks to the "
            "do-first quadrant, or adjust the target with a reason"
        )
    return f"{plan}; review blockers at the next check-in and move resources if they persist"


async def alerts(
    session: AsyncSession, *, scope: Scope, period: str | None, today: date, settings: Settings
) -> list[RiskAlert]:
    """Goals the caller may see that are at risk or off track now."""
    goals = await repository.goals_of(
        session,
        owner_type=None,
        owner_ids=await visible_owners(session, scope=scope, owner_type=None, owner_id=None),
        period=period,
    )
    live = [g for g in goals if g.period_start <= today <= g.period_end or period is not None]
    measured = [g for g in live if g.kpi_id is not None and g.target_value is not None]
    computed = await figures.FigureEngine(session).compute(
        [
            (figures.figure_owner_type(g.owner_type), g.owner_id, g.kpi_id or "", g.period)
            for g in measured
        ]
    )
    unmeasured = [g for g in live if g not in measured]
    check_ins = (
        await repository.check_ins_of(session, goal_ids=[g.id for g in unmeasured])
        if unmeasured
        else []
    )
    latest: dict[str, Decimal] = {}
    for check_in in check_ins:  # ordered by month: the last one wins
        latest[check_in.goal_id] = check_in.progress
    found = []
    for goal in live:
        figure = (
            computed.get(
                (
                    figures.figure_owner_type(goal.owner_type),
                    goal.owner_id,
                    goal.kpi_id or "",
                    goal.period,
                )
            )
            if goal in measured
            else None
        )
        alert = assess(goal, figure, latest.get(goal.id), today=today, settings=settings)
        if alert.status != RiskStatus.on_track:
            found.append(alert)
    return found


async def record_correction(
    session: AsyncSession,
    *,
    scope: Scope,
    goal_id: str,
    body: RiskCorrectionCreate,
    today: date,
    settings: Settings,
) -> RiskCorrection:
    goal = await get_goal(session, scope=scope, goal_id=goal_id)
    await require_owner(
        session, scope, owner_type=goal.owner_type, owner_id=goal.owner_id, write=True
    )
    figure = None
    if goal.kpi_id is not None:
        key = (figures.figure_owner_type(goal.owner_type), goal.owner_id, goal.kpi_id, goal.period)
        figure = (await figures.FigureEngine(session).compute([key])).get(key)
    alert = assess(goal, figure, None, today=today, settings=settings)
    correction: RiskCorrection = await repository.add(
        session,
        row=RiskCorrection(
            id=str(uuid.uuid4()),
            goal_id=goal.id,
            status_at_time=alert.status.value,
            suggested=alert.suggested_correction,
            action_taken=body.action_taken,
            recorded_by=scope.principal.member_id,
        ),
    )
    await session.refresh(correction)
    return correction


async def corrections(
    session: AsyncSession, *, scope: Scope, goal_id: str, page: PageQuery
) -> tuple[list[RiskCorrection], str | None]:
    """One page of the corrections recorded on a goal."""
    await get_goal(session, scope=scope, goal_id=goal_id)
    return await repository.corrections_of(session, goal_id=goal_id, page=page)
