"""Cascading a goal's target to the children below it (split to the KPI's scale, adding up
exactly), and a goal's progress along each axis and its adjustments."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import Goal
from goals.schemas.common import OwnerType
from goals.schemas.progress import Axis, AxisProgress, ChildProgress, GoalProgress
from goals.schemas.targets import CascadeChild, CascadeRequest, GoalCreate, TargetAdjustmentRead
from goals.service import figures
from goals.service.access import Scope, not_own_target, require_owner
from goals.service.kpis import at_scale
from goals.service.progress import AXIS_ZH, axis_of, explain_source, standings
from goals.service.targets import add_goal, check_owner_exists, get_goal
from shared.errors import Conflict, Unprocessable, invalid
from shared.paging import PageQuery
from shared.periods import FIRST_YEAR, Period


def split(total: Decimal, shares: list[Decimal], places: int = 2) -> list[Decimal]:
    """``total`` split in proportion to ``shares`` at ``places`` decimal places (the KPI's
    scale), adding up exactly."""
    whole = sum(shares)
    step = Decimal(1).scaleb(-places)
    parts = [(total * share / whole).quantize(step, rounding=ROUND_HALF_UP) for share in shares]
    parts[-1] += total - sum(parts)  # the rounding remainder goes to the last child
    return parts


async def cascade(
    session: AsyncSession, *, scope: Scope, goal_id: str, body: CascadeRequest, today: date
) -> list[Goal]:
    """Child targets from a parent: even, by weights, or by each child's share of last year.

    Summed KPIs are split; averaged and latest-value KPIs pass the same target down."""
    parent = await get_goal(session, scope=scope, goal_id=goal_id)
    if parent.target_value is None or parent.kpi_id is None:
        raise Unprocessable("only a goal with a KPI and a target can be cascaded")
    kpi = await repository.get_kpi(session, kpi_id=parent.kpi_id)
    assert kpi is not None
    parent_period = Period.parse(parent.period)
    children = list(body.children)
    if body.by_period:
        sub_periods = parent_period.children()
        if not sub_periods:
            raise Unprocessable("a month has no sub-periods to cascade to")
        if children:
            raise invalid("children", "give either children or by_period, not both")
        children = [
            CascadeChild(
                owner_type=OwnerType(parent.owner_type), owner_id=parent.owner_id, period=p
            )
            for p in sub_periods
        ]
    if not children:
        raise invalid("children", "name at least one child")
    for child in children:
        period = child.period or parent_period
        if not (parent_period.start <= period.start and period.end <= parent_period.end):
            raise invalid("children", f"{period} is not inside {parent_period}")
        await require_owner(
            session, scope, owner_type=child.owner_type, owner_id=child.owner_id, write=True
        )
        not_own_target(scope, child.owner_type, child.owner_id, action="cascade-kpi-target")
        await check_owner_exists(session, child.owner_type, child.owner_id)
    if body.mode == "weights":
        if any(c.weight is None for c in children):
            raise invalid("children", "splitting by weights needs a weight on every child")
        shares = [c.weight or Decimal(0) for c in children]
    elif body.mode == "last_year":
        if any((c.period or parent_period).year <= FIRST_YEAR for c in children):
            raise invalid("mode", f"{FIRST_YEAR} has no last year in the supported range")
        order = [
            figures.FigureKey(
                figures.figure_owner_type(c.owner_type),
                c.owner_id,
                kpi.id,
                str((c.period or parent_period).previous_year()),
            )
            for c in children
        ]
        last_year = await figures.FigureEngine(session).compute(order)
        shares = [last_year[k].actual or Decimal(0) for k in order]
        if sum(shares) <= 0:
            raise Unprocessable("no child has actuals last year to share by")
    else:
        shares = [Decimal(1)] * len(children)
    splits = kpi.aggregation == "sum"
    values = (
        split(parent.target_value, shares, kpi.scale)
        if splits
        else [at_scale(kpi, parent.target_value) or Decimal(0)] * len(children)
    )
    created = []
    for child, value, share in zip(children, values, shares, strict=True):
        period = child.period or parent_period
        if (
            await repository.find_kpi_target(
                session,
                owner_type=child.owner_type,
                owner_id=child.owner_id,
                kpi_id=kpi.id,
                period=str(period),
            )
            is not None
        ):
            raise Conflict(f"{child.owner_id} already has a {kpi.code} target for {period}")
        goal = await add_goal(
            session,
            body=GoalCreate(
                kind="kpi_target",
                title=parent.title,
                description=parent.description,
                owner_type=child.owner_type,
                owner_id=child.owner_id,
                period=period,
                kpi=kpi.code,
                target_value=value,
                weight=share if share > 0 else Decimal(1),
                parent_id=parent.id,
            ),
            kpi=kpi,
            warnings=[],
            created_by=scope.principal.member_id,
        )
        created.append(goal)
    await figures.refresh(
        session,
        today=today,
        keys=[
            figures.FigureKey(figures.figure_owner_type(g.owner_type), g.owner_id, kpi.id, g.period)
            for g in created
        ],
    )
    return created


async def progress(session: AsyncSession, *, scope: Scope, goal_id: str) -> GoalProgress:
    """The goal's own attainment and its roll-ups along the time axis, the org axis and its
    key results, each on its own, with the headline ``progress`` and where it comes from
    (see ``goals.service.progress``)."""
    goal = await get_goal(session, scope=scope, goal_id=goal_id)
    found = await standings(session, [goal])
    standing = found[goal.id]
    own = standing.figure
    explanation = list(own.explanation) if own else []
    if own is not None and goal.target_value is not None and own.target != goal.target_value:
        explanation.append("the target shown is this goal's own")

    def row(child: Goal) -> ChildProgress:
        shown = found[child.id]
        return ChildProgress(
            goal_id=child.id,
            owner_type=child.owner_type,
            owner_id=child.owner_id,
            period=child.period,
            axis=axis_of(goal, child),
            weight=child.weight,
            attainment=shown.attainment,
            progress=shown.progress,
            progress_source=shown.source,
        )

    axes: dict[Axis, AxisProgress] = {}
    for axis, roll in standing.axes.items():
        axes[axis] = AxisProgress(
            axis=axis,
            progress=roll.progress,
            total_weight=roll.weights,
            children=[row(c) for c in roll.children],
        )
        explanation.append(
            f"{AXIS_ZH[axis]}汇总 ({axis.value} roll-up) = sum(weight x progress) / "
            f"sum(weight) over {len(roll.children)} children (no data counts as 0) = "
            f"{roll.weighted.normalize()} / {roll.weights.normalize()} = {roll.progress}"
        )
    if standing.unrolled:
        explanation.append(
            f"{len(standing.unrolled)} 个下级目标的负责人和周期都不同, 不计入任何一轴 "
            f"({len(standing.unrolled)} children of another owner in another period are on "
            "neither axis and not rolled up)"
        )
    explanation.append(explain_source(standing))
    kpi = own.kpi if own else None
    headline = standing.axes.get(standing.axis) if standing.axis else None
    return GoalProgress(
        goal_id=goal.id,
        kpi=kpi.code if kpi else None,
        direction=kpi.direction if kpi else None,
        period=goal.period,
        target=at_scale(kpi, goal.target_value),
        actual=at_scale(kpi, own.actual) if own else None,
        attainment=standing.attainment,
        measurements=own.measurements if own else 0,
        progress=standing.progress,
        progress_source=standing.source,
        progress_axis=standing.axis,
        rolled_up_progress=headline.progress if headline else None,
        check_in_progress=standing.check_in.progress if standing.check_in else None,
        time_axis=axes.get(Axis.time),
        org_axis=axes.get(Axis.org),
        key_results_axis=axes.get(Axis.key_results),
        children=[row(c) for c in standing.children],
        explanation=explanation,
    )


async def adjustments(
    session: AsyncSession, *, scope: Scope, goal_id: str, page: PageQuery
) -> tuple[list[TargetAdjustmentRead], str | None]:
    """One page of a goal's target changes, values at its KPI's scale."""
    goal = await get_goal(session, scope=scope, goal_id=goal_id)
    kpi = await repository.get_kpi(session, kpi_id=goal.kpi_id) if goal.kpi_id else None
    rows, next_cursor = await repository.adjustments_of(session, goal_id=goal_id, page=page)
    return [
        TargetAdjustmentRead.model_validate(
            {
                "id": a.id,
                "goal_id": a.goal_id,
                "old_value": at_scale(kpi, a.old_value),
                "new_value": at_scale(kpi, a.new_value),
                "reason": a.reason,
                "restated": a.restated,
                "adjusted_by": a.adjusted_by,
                "adjusted_at": a.adjusted_at,
            }
        )
        for a in rows
    ], next_cursor
