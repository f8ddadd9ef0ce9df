"""The progress a goal shows, along two axes that are never mixed.

A child relates to its parent along one axis: ``time`` (the same owner in a sub-period:
months > quarter > year), ``org`` (another owner, a sub-unit or a member, in the same
period) or ``key_results`` (the same owner and period: an objective's key results). A child
of another owner in another period is shown but rolled up along neither. Each axis rolls up
on its own: sum(weight x the child's progress) / sum(weight), a child without data
counting as 0.

The headline progress of a goal is, in this order: the org axis's roll-up (the owners'
results), else the time axis's, else the key results', else the goal's own measured
attainment (its KPI's actual against its target), else its latest check-in; otherwise it
has none. A child's progress is its own headline, so roll-ups follow the tree down.
Risk alerts use exactly this headline (``goals.service.risk``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import CheckIn, Goal
from goals.schemas.progress import Axis, ProgressSource
from goals.service import figures

# The order in which an axis's roll-up becomes the headline.
HEADLINE_AXES = (Axis.org, Axis.time, Axis.key_results)
AXIS_ZH = {Axis.org: "组织轴", Axis.time: "时间轴", Axis.key_results: "关键结果"}


@dataclass
class AxisRoll:
    """One axis's children (with their weights) and the roll-up over them."""

    axis: Axis
    children: list[Goal] = field(default_factory=list)
    shown: dict[str, Decimal | None] = field(default_factory=dict)  # each child's progress
    weighted: Decimal = Decimal(0)
    weights: Decimal = Decimal(0)

    @property
    def progress(self) -> Decimal:
        return figures.q6(self.weighted / self.weights) if self.weights else Decimal(0)


@dataclass
class Standing:
    """Where a goal stands: its figure, its check-in, its axes and its headline progress."""

    goal: Goal
    figure: figures.Figure | None
    attainment: Decimal | None
    check_in: CheckIn | None
    axes: dict[Axis, AxisRoll]
    unrolled: list[Goal]
    children: list[Goal] = field(default_factory=list)  # every child, in period order
    progress: Decimal | None = None
    source: ProgressSource = ProgressSource.none
    axis: Axis | None = None


def axis_of(parent: Goal, child: Goal) -> Axis:
    """The axis along which ``child`` rolls up into ``parent``."""
    same_owner = (child.owner_type, child.owner_id) == (parent.owner_type, parent.owner_id)
    same_period = child.period == parent.period
    if same_owner:
        return Axis.key_results if same_period else Axis.time
    return Axis.org if same_period else Axis.none


def figure_key(goal: Goal) -> figures.FigureKey:
    return figures.FigureKey(
        figures.figure_owner_type(goal.owner_type),
        goal.owner_id,
        goal.kpi_id or "",
        goal.period,
    )


async def standings(session: AsyncSession, goals: list[Goal]) -> dict[str, Standing]:
    """The standing of every goal given and of every goal below them, with a handful of
    set-based queries (children level by level, the figures, the check-ins)."""
    by_id = {g.id: g for g in goals}
    children: dict[str, list[Goal]] = {}
    frontier = list(by_id)
    while frontier:
        found = await repository.children_of_many(session, goal_ids=frontier)
        frontier = []
        for child in found:
            children.setdefault(child.parent_id or "", []).append(child)
            if child.id not in by_id:
                by_id[child.id] = child
                frontier.append(child.id)
    computed = await figures.FigureEngine(session).compute(
        {figure_key(g) for g in by_id.values() if g.kpi_id}
    )
    latest: dict[str, CheckIn] = {}
    for check_in in await repository.check_ins_of(session, goal_ids=list(by_id)):
        latest[check_in.goal_id] = check_in  # ordered by month: the last one wins
    result: dict[str, Standing] = {}

    def stand(goal: Goal) -> Standing:
        if goal.id in result:
            return result[goal.id]
        figure = computed.get(figure_key(goal)) if goal.kpi_id else None
        standing = Standing(
            goal=goal,
            figure=figure,
            attainment=(
                figures.attainment_of(figure.kpi, figure.actual, goal.target_value)
                if figure is not None
                else None
            ),
            check_in=latest.get(goal.id),
            axes={},
            unrolled=[],
        )
        result[goal.id] = standing
        for child in children.get(goal.id, []):
            standing.children.append(child)
            axis = axis_of(goal, child)
            if axis == Axis.none:
                standing.unrolled.append(child)
                stand(child)
                continue
            roll = standing.axes.setdefault(axis, AxisRoll(axis))
            roll.children.append(child)
            roll.shown[child.id] = stand(child).progress
            roll.weighted += child.weight * (roll.shown[child.id] or Decimal(0))
            roll.weights += child.weight
        headline = next((standing.axes[a] for a in HEADLINE_AXES if a in standing.axes), None)
        if headline is not None:
            standing.progress = headline.progress
            standing.source, standing.axis = ProgressSource.rolled_up, headline.axis
        elif standing.attainment is not None:
            standing.progress, standing.source = standing.attainment, ProgressSource.measured
        elif standing.check_in is not None:
            standing.progress = standing.check_in.progress
            standing.source = ProgressSource.checked_in
        return standing

    for goal in goals:
        stand(goal)
    return result


def explain_source(standing: Standing) -> str:
    """Where the headline progress comes from, in a line (Chinese first)."""
    progress = "no data" if standing.progress is None else str(standing.progress)
    if standing.source == ProgressSource.rolled_up and standing.axis is not None:
        return (
            f"进度取自{AXIS_ZH[standing.axis]}汇总 (progress = the "
            f"{standing.axis.value} roll-up, never mixed with another axis) = {progress}"
        )
    if standing.source == ProgressSource.measured:
        return f"进度取自实测达成率 (progress = the measured attainment) = {progress}"
    if standing.source == ProgressSource.checked_in and standing.check_in is not None:
        return (
            f"进度取自 {standing.check_in.month} 的签到 (progress = the latest check-in, "
            f"{standing.check_in.month}) = {progress}"
        )
    return "没有进度: 无下级目标、无实测、无签到 (no progress: no children, actuals or check-in)"
