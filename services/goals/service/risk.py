"""Progress monitoring: goals whose progress trails the elapsed share of their period, the
correction the numbers suggest, and the correction taken.

An alert is judged on exactly the progress the goal shows on ``/progress`` (rolled up,
measured or checked in, see ``goals.service.progress``) and says which. A live goal's risk
state is evaluated whenever its alerts are computed: the alerts list, a check-in (the goal
and the goals it rolls up into), ``POST /goals/risk-alerts/evaluate`` for an outside
scheduler, and the service's own periodic job (``risk_evaluation_interval_s``, 15 minutes by
default; new actuals are seen at the next of these); each change is published
(``goals.service.risk_states``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import Goal, RiskCorrection
from goals.schemas.progress import Axis, ProgressSource
from goals.schemas.risk import RiskAlert, RiskCorrectionCreate, RiskEvaluation, RiskStatus
from goals.service import risk_states
from goals.service.access import Scope, require_owner
from goals.service.progress import AXIS_ZH, Standing, standings
from goals.service.targets import get_goal, visible_owners
from goals.settings import Settings
from shared.db import Database, Transaction
from shared.errors import Forbidden
from shared.paging import PageQuery
from shared.periods import Period

TWO_PLACES = Decimal("0.01")


def plain(value: Decimal | None) -> str:
    """A decimal as people write it: 40, 0.12, never 4E+1."""
    return "no data" if value is None else format(value.normalize(), "f")


def expected_share(standing: Standing, elapsed: Decimal) -> Decimal:
    """Where the progress should be by now: a rate or a latest value (measured, or rolled
    up from owners or key results) should be at its target already; anything cumulative,
    a check-in and a time axis (future sub-periods count 0) should be at the elapsed share."""
    kpi = standing.figure.kpi if standing.figure is not None else None
    at_target_already = (
        kpi is not None
        and kpi.aggregation != "sum"
        and (
            standing.source == ProgressSource.measured
            or (standing.source == ProgressSource.rolled_up and standing.axis != Axis.time)
        )
    )
    return Decimal(1) if at_target_already else elapsed


def assess(standing: Standing, *, today: date, settings: Settings) -> RiskAlert:
    """Where a goal stands against the share of its period that has passed, judged on the
    very progress the goal shows (``goals.service.progress``)."""
    goal = standing.goal
    period = Period.parse(goal.period)
    elapsed = Decimal(str(round(period.elapsed_share(today), 6)))
    expected = expected_share(standing, elapsed)
    progress = standing.progress
    gap = None if progress is None else expected - progress
    status = RiskStatus.on_track
    threshold = settings.risk_at_risk_margin
    if gap is None and elapsed > 0:
        status = RiskStatus.at_risk
    elif gap is not None and gap > settings.risk_off_track_margin:
        status, threshold = RiskStatus.off_track, settings.risk_off_track_margin
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
        progress_source=standing.source,
        progress_axis=standing.axis,
        expected=expected.quantize(Decimal("0.000001")),
        gap=gap,
        threshold=threshold,
        suggested_correction=suggest(standing, status, expected, period, today),
    )


def suggest(
    standing: Standing, status: RiskStatus, expected: Decimal, period: Period, today: date
) -> str:
    """The correction the numbers suggest, Chinese first with the English in brackets."""
    if status == RiskStatus.on_track:
        return "无需纠偏 (none needed)"
    zh, en = _where(standing, expected, period, today)
    if standing.source == ProgressSource.none:
        return f"{zh} ({en})"
    if status == RiskStatus.off_track:
        zh_next = "与负责人重新规划: 增加资源、把任务调到重要且紧急象限, 或说明原因调整目标"
        en_next = (
            "re-plan with the owner: add resources, re-order tasks to the do-first quadrant, "
            "or adjust the target with a reason"
        )
    else:
        zh_next = "在下次签到时复盘障碍, 若持续则调配资源"
        en_next = "review blockers at the next check-in and move resources if they persist"
    return f"{zh}; {zh_next} ({en}; {en_next})"


def _where(standing: Standing, expected: Decimal, period: Period, today: date) -> tuple[str, str]:
    """Where the goal is, from the source of its progress: (Chinese, English)."""
    goal, progress = standing.goal, plain(standing.progress)
    if standing.source == ProgressSource.rolled_up and standing.axis is not None:
        roll = standing.axes[standing.axis]
        zh = (
            f"{len(roll.children)} 个下级目标沿{AXIS_ZH[standing.axis]}汇总进度 {progress}, "
            f"应达 {plain(expected)}"
        )
        en = (
            f"progress rolled up along the {standing.axis.value} axis from "
            f"{len(roll.children)} children is {progress} against {plain(expected)} expected"
        )
        behind = min(roll.children, key=lambda c: (roll.shown[c.id] or Decimal(0), c.id))
        shown = plain(roll.shown[behind.id])
        return (
            f"{zh}; 最落后: {behind.owner_id} {behind.period} 为 {shown}",
            f"{en}; furthest behind: {behind.owner_id} {behind.period} at {shown}",
        )
    if standing.source == ProgressSource.checked_in and standing.check_in is not None:
        month = standing.check_in.month
        return (
            f"{month} 签到进度 {progress}, 应达 {plain(expected)}",
            f"the {month} check-in reports {progress} against {plain(expected)} expected",
        )
    figure = standing.figure
    if standing.source == ProgressSource.measured and figure is not None:
        kpi, target = figure.kpi, goal.target_value or Decimal(0)
        days_left = max((period.end - today).days + 1, 1)
        if kpi.aggregation == "sum" and kpi.direction == "higher_is_better":
            remaining = target - (figure.actual or Decimal(0))
            daily = (remaining / days_left).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
            return (
                f"{kpi.code} 还差 {plain(remaining)} {kpi.unit}, 剩 {days_left} 天, 每天 {daily}",
                f"{plain(remaining)} {kpi.unit} of {kpi.code} remain in {days_left} days: "
                f"{daily} a day",
            )
        return (
            f"{kpi.code} 当前 {plain(figure.actual)}, 目标 {plain(target)} {kpi.unit}",
            f"{kpi.code} is at {plain(figure.actual)} against a target of {plain(target)} "
            f"{kpi.unit}",
        )
    return (
        "没有任何进度: 请录入实际值或签到, 再与负责人复盘计划",
        "no progress at all: no actuals, no check-in and no child with data: record actuals "
        "or a check-in, then review the plan with the owner",
    )


async def alerts(
    session: AsyncSession,
    *,
    scope: Scope,
    period: str | None,
    today: date,
    settings: Settings,
    transaction: Transaction,
) -> list[RiskAlert]:
    """Goals the caller may see that are at risk or off track now (in ``period`` if given,
    else those whose period contains today). Reading them evaluates the live goals' risk
    states: a change is stored and published in a ``transaction`` of its own (the read's
    session has none), by ``risk_states.record``."""
    goals = await repository.goals_of(
        session,
        owner_type=None,
        owner_ids=await visible_owners(session, scope=scope, owner_type=None, owner_id=None),
        period=period,
    )
    found, _changed = await evaluate(
        session,
        goals=[g for g in goals if period is not None or g.period_start <= today <= g.period_end],
        today=today,
        settings=settings,
        transaction=transaction,
    )
    return [a for a in found if a.status != RiskStatus.on_track]


async def evaluate_live(
    session: AsyncSession, *, scope: Scope, today: date, settings: Settings
) -> RiskEvaluation:
    """Evaluate every goal whose period contains today (HR and admins, or a scheduler with
    their token), publishing each change of risk state."""
    if not scope.everything:
        raise Forbidden(
            "只有人事或管理员可以评估全部目标的风险 (only HR and admins evaluate every goal's risk)"
        )
    goals = await repository.live_goals(session, today=today)
    found, changed = await evaluate(session, goals=goals, today=today, settings=settings)
    return RiskEvaluation(
        evaluated_on=today,
        evaluated=len(found),
        at_risk=sum(1 for a in found if a.status == RiskStatus.at_risk),
        off_track=sum(1 for a in found if a.status == RiskStatus.off_track),
        changed=changed,
    )


async def evaluate_on_timer(db: Database, settings: Settings, *, today: date | None = None) -> int:
    """One pass of the periodic evaluation: every goal whose period contains ``today`` (the
    organisation's, by default), each change of risk state published; returns how many
    changed. So the events follow new actuals and the passing days without anyone reading."""
    day = today or datetime.now(ZoneInfo(settings.timezone)).date()
    async with db.transaction() as session:
        goals = await repository.live_goals(session, today=day)
        _alerts, changed = await evaluate(session, goals=goals, today=day, settings=settings)
    return changed


async def evaluate_with_ancestors(
    session: AsyncSession, *, goal_id: str, today: date, settings: Settings
) -> int:
    """Evaluate a goal and every goal it rolls up into (after a check-in moved it);
    returns how many changed state."""
    chain: list[Goal] = []
    current = await repository.get_goal(session, goal_id=goal_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = (
            await repository.get_goal(session, goal_id=current.parent_id)
            if current.parent_id
            else None
        )
    _alerts, changed = await evaluate(session, goals=chain, today=today, settings=settings)
    return changed


async def evaluate(
    session: AsyncSession,
    *,
    goals: list[Goal],
    today: date,
    settings: Settings,
    transaction: Transaction | None = None,
) -> tuple[list[RiskAlert], int]:
    """Every goal's alert (on track included), recording the risk state of those whose
    period contains today and publishing each change (in ``session``'s transaction, or in a
    new ``transaction`` when ``session`` is a read's); with how many changed."""
    found = await standings(session, goals)
    assessed = [assess(found[g.id], today=today, settings=settings) for g in goals]
    live = [
        a for g, a in zip(goals, assessed, strict=True) if g.period_start <= today <= g.period_end
    ]
    if transaction is None:
        changed = await risk_states.record(session, alerts=live, today=today, settings=settings)
    else:
        async with transaction() as writer:
            changed = await risk_states.record(writer, alerts=live, today=today, settings=settings)
    return assessed, changed


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
    alert = assess((await standings(session, [goal]))[goal.id], today=today, settings=settings)
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
