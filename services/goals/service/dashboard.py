"""Goals' part of the management dashboard: two of the plan's targets for a unit's subtree
(the unit and every unit below it) and a calendar year, from facts goals owns.

``goal_attainment`` (目标达成率, at least 90%): the share of the subtree's goals due so far
that were attained.
  - The goals: the KPI targets (``kind = 'kpi_target'`` with a target value) owned by a unit
    of the subtree (the company's goals when the unit is the company) or by a member whose
    home unit is in the subtree, whose whole period lies within the year to date: it starts
    on or after 1 January and ends on or before the as-of day (the month's last day; today
    in the current month). A goal whose period has not ended is not judged yet.
  - A goal's attainment is goals' own: the actual of its figure (``kpi_figures``, the same
    owner, KPI and period) over the goal's target, target over actual when the KPI is lower
    is better (``figures.attainment_of``). It is attained at 1 (100%) or more; a goal
    without an actual is not attained (its period is over and nothing was achieved).
  - attainment = attained goals / goals due. Each goal counts once, not by its weight: a
    weight is a goal's share among the siblings it was cascaded with (1 each for an even
    split, the given weights, or last year's actual with ``last_year``), so weights of goals
    with different parents, at different levels of the tree, are not on one scale.
  - No goal due yet: no data. Inputs: ``goal_ids`` (the goals due), ``attained_goal_ids``,
    ``figure_ids`` (the figures read, ``owner_type:owner_id:kpi:period``).

``result_growth`` (人均业绩增长, +30% a year): year-over-year growth of the result per member.
  - The result is the KPI named by the setting ``dashboard_result_kpi`` (``revenue`` unless
    configured; a KPI summed over time): the sum of the monthly figures' actuals of the
    members homed in the subtree, over the months from January to the month of the point
   (this year), and over the same months a year earlier.
  - Headcount is what goals knows exactly: the members whose home unit is in the subtree and
    who were employed on at least one day of the period (hired on or before its last day, the
    as-of day this year, and not left before its first day).
  - growth = (result this year / headcount this year) / (result last year / headcount last
    year) - 1, computed exactly and rounded once to 6 places (half up). No data when either
    period has no figure of the KPI, a headcount is 0, or last year's result is 0 or less.
  - Inputs: ``member_ids`` and ``last_year_member_ids`` (the headcounts), ``figure_ids`` and
    ``last_year_figure_ids``.

Both trends are cumulative: a point per month from January to the current month (all
twelve for a past year), each the figure computed for the year up to that month's end.
Members count at their home unit (not in squads), where they are now: goals keeps no history
of moves between units.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import KpiDefinition, dashboard_targets
from goals.service.access import descendants, scope_of
from goals.service.figures import attainment_of, figure_owner_type, q6
from goals.service.kpis import at_scale
from goals.settings import Settings
from shared.auth import Principal
from shared.dashboard import (
    DashboardPart,
    Direction,
    Figure,
    TargetRead,
    Targets,
    TargetSpec,
    TrendMonth,
    figure,
    trend_months,
)
from shared.errors import Forbidden, NotFound
from shared.periods import FIRST_YEAR

SPECS: tuple[TargetSpec, ...] = (
    TargetSpec(
        key="goal_attainment",
        label="目标达成率",
        label_en="Goal attainment",
        unit="ratio",
        direction=Direction.at_least,
        default=Decimal("0.90"),
        default_margin=Decimal("0.05"),
    ),
    TargetSpec(
        key="result_growth",
        label="人均业绩增长",
        label_en="Per-member result growth",
        unit="ratio",
        direction=Direction.at_least,
        default=Decimal("0.30"),
        default_margin=Decimal("0.05"),
    ),
)
TARGETS = Targets(dashboard_targets, SPECS)
ATTAINMENT, GROWTH = SPECS
GOAL_LINES = 100  # goals explained one by one; the rest are in the inputs


def figure_id(owner_type: str, owner_id: str, kpi: str, period: str) -> str:
    return f"{owner_type}:{owner_id}:{kpi}:{period}"


def plain(value: Decimal) -> str:
    """A decimal as people write it: 40, 0.12, never 4E+1."""
    return format(value.normalize(), "f")


async def dashboard(
    session: AsyncSession,
    *,
    principal: Principal,
    unit_id: str,
    year: int,
    today: date,
    settings: Settings,
) -> DashboardPart:
    """Goal attainment and per-member result growth of a unit's subtree for a year.

    HR and admins read any unit, a manager the units they manage and those below them;
    anyone else is refused (403); a unit goals does not know is a 404."""
    tree = await repository.unit_tree(session)
    if unit_id not in tree:
        raise NotFound(f"没有这个组织单元 (no org unit {unit_id})")
    scope = await scope_of(session, principal)
    if not (scope.everything or unit_id in scope.managed_units):
        raise Forbidden(
            "只有人事、管理员或该单元 (或其上级单元)的管理者可以查看它的看板 "
            "(only HR, admins and managers of the unit or a unit above it read its dashboard)"
        )
    units = descendants(tree, {unit_id})
    targets = await TARGETS.all(session)
    kpis = {k.id: k for k in await repository.all_kpis(session)}
    points = trend_months(year, today)
    return DashboardPart(
        service="goals",
        unit_id=unit_id,
        year=year,
        figures=[
            await goal_attainment(
                session, units=units, year=year, points=points, kpis=kpis, target=targets
            ),
            await result_growth(
                session,
                units=units,
                year=year,
                points=points,
                kpis=kpis,
                target=targets,
                code=settings.dashboard_result_kpi,
            ),
        ],
    )


async def goal_attainment(
    session: AsyncSession,
    *,
    units: set[str],
    year: int,
    points: list[TrendMonth],
    kpis: dict[str, KpiDefinition],
    target: dict[str, TargetRead],
) -> Figure:
    """The share of the subtree's goals due by each month's end that were attained."""
    goals = await repository.dashboard_goals(
        session, unit_ids=units, start=date(year, 1, 1), end=date(year, 12, 31)
    )
    attained: dict[str, bool] = {}
    lines: dict[str, str] = {}
    for goal in goals:
        kpi = kpis[goal.kpi_id]
        attainment = attainment_of(kpi, goal.figure_actual, goal.target_value)
        attained[goal.id] = attainment is not None and attainment >= 1
        owner = f"{goal.owner_type} {goal.owner_id} {goal.period} {kpi.code}"
        actual, wanted = at_scale(kpi, goal.figure_actual), at_scale(kpi, goal.target_value)
        if attainment is None:
            lines[goal.id] = (
                f"{owner}: 无实际值, 未达成 (no actual: not attained)"
                if goal.figure_actual is None
                else f"{owner}: 实际 {actual} / 目标 {wanted} 算不出达成率, 未达成 "
                "(no attainment from these numbers: not attained)"
            )
            continue
        verdict = "达成 attained" if attained[goal.id] else "未达成 not attained"
        ratio = (
            f"目标 / 实际 (target / actual, lower is better) = {wanted} / {actual}"
            if kpi.direction == "lower_is_better"
            else f"实际 / 目标 (actual / target) = {actual} / {wanted}"
        )
        lines[goal.id] = f"{owner}: {ratio} = {attainment} → {verdict}"

    def due(point: TrendMonth) -> list[Any]:
        return [g for g in goals if g.period_end <= point.as_of]

    def share(point: TrendMonth) -> Decimal | None:
        counted = due(point)
        if not counted:
            return None
        return q6(Decimal(sum(attained[g.id] for g in counted)) / len(counted))

    trend = [(p.month, share(p)) for p in points]
    actual = trend[-1][1] if trend else None
    counted = due(points[-1]) if points else []
    hits = [g for g in counted if attained[g.id]]
    explanation = [
        "目标达成率 = 已达成的目标数 / 到期的目标数 (goal attainment = goals attained / goals due)",
        "到期的目标: 本单元及下属单元、其成员的 KPI 目标, "
        "周期在本年开始、截至当月末 (本月为今天) 已结束; "
        "达成 = 实际 / 目标 ≥ 1 (越低越好的指标为 目标 / 实际), 无实际值算未达成 "
        "(goals due: KPI targets of the unit, the units below it and their members whose period "
        "began this year and ended by the month's end, today in the current month; attained = "
        "actual / target >= 1, target / actual when lower is better; no actual = not attained)",
    ]
    if not points:
        explanation.append(f"{year} 年还没有开始 (the year {year} has not begun)")
    elif not counted:
        explanation.append(
            f"截至 {points[-1].as_of} 没有到期的目标 (no goal is due by {points[-1].as_of})"
        )
    else:
        explanation += [lines[g.id] for g in counted[:GOAL_LINES]]
        if len(counted) > GOAL_LINES:
            more = len(counted) - GOAL_LINES
            explanation.append(f"...另有 {more} 个目标 (and {more} more goals, in inputs)")
        explanation.append(
            f"截至 {points[-1].as_of}: 目标达成率 = {len(hits)} / {len(counted)} = {actual} "
            f"(by {points[-1].as_of}: {len(hits)} of {len(counted)} goals attained)"
        )
    explanation.append("趋势为逐月累计 (the trend is cumulative, year to date at each month end)")
    figure_ids = sorted(
        figure_id(figure_owner_type(g.owner_type), g.owner_id, kpis[g.kpi_id].code, g.period)
        for g in counted
        if g.has_figure
    )
    return figure(
        ATTAINMENT,
        target[ATTAINMENT.key],
        actual=actual,
        trend=trend,
        explanation=explanation,
        inputs={
            "goal_ids": [g.id for g in counted],
            "attained_goal_ids": [g.id for g in hits],
            "figure_ids": figure_ids,
        },
    )


@dataclass(frozen=True)
class Span:
    """One period of the growth comparison: its months, result and headcount."""

    first: str
    last: str
    result: Decimal
    figure_ids: list[str]
    member_ids: list[str]

    @property
    def per_member(self) -> Decimal:
        return self.result / len(self.member_ids)


def growth_of(this: Span, before: Span) -> Decimal | None:
    """(this result / this headcount) / (last result / last headcount) - 1, or None."""
    if not this.figure_ids or not before.figure_ids or before.result <= 0:
        return None
    if not this.member_ids or not before.member_ids:
        return None
    ratio = (this.result * len(before.member_ids)) / (before.result * len(this.member_ids))
    return q6(ratio - 1)


async def result_growth(
    session: AsyncSession,
    *,
    units: set[str],
    year: int,
    points: list[TrendMonth],
    kpis: dict[str, KpiDefinition],
    target: dict[str, TargetRead],
    code: str,
) -> Figure:
    """Year-over-year growth of the result per member at each month's end."""
    kpi = next((k for k in kpis.values() if k.code == code), None)
    explanation = [
        "人均业绩增长 = 今年至今的人均结果 / 去年同期的人均结果 - 1 "
        "(per-member result growth = result per member this year to date / in the same months "
        "last year - 1)",
        f"结果 = 本单元及下属单元成员的 {code} 月度实际值之和; "
        "人数 = 所属单元在其中、期内至少在职一天的成员 "
        f"(result = the sum of the monthly {code} actuals of the members homed in the subtree; "
        "headcount = those members employed on at least one day of the period)",
    ]

    def unavailable(reason: str) -> Figure:
        return figure(
            GROWTH,
            target[GROWTH.key],
            actual=None,
            trend=[(p.month, None) for p in points],
            explanation=[*explanation, reason],
            inputs={"kpi": code},
        )

    if kpi is None:
        return unavailable(f"没有代码为 {code} 的指标 (no KPI with code {code!r} is defined)")
    if kpi.aggregation != "sum":
        return unavailable(
            f"{code} 不是按时间累加的指标 (the result KPI {code} is not summed over time)"
        )
    if year - 1 < FIRST_YEAR:
        return unavailable(f"{year - 1} 年不在支持的范围内 (no year before {FIRST_YEAR})")
    months = [p.month for p in points]
    last_months = [f"{year - 1}{m[4:]}" for m in months]
    rows = await repository.member_kpi_figures(
        session, unit_ids=units, kpi_id=kpi.id, periods=[*months, *last_months]
    )
    members = await repository.members_homed_in(session, unit_ids=units)

    def span(first: date, last: date) -> Span:
        wanted_months = {f"{first.year}-{m:02d}" for m in range(1, last.month + 1)}
        found = [r for r in rows if r.period in wanted_months]
        employed = [
            m.id
            for m in members
            if m.hired_on <= last and (m.left_on is None or m.left_on >= first)
        ]
        return Span(
            first=f"{first.year}-01",
            last=f"{last.year}-{last.month:02d}",
            result=sum((r.actual for r in found), Decimal(0)),
            figure_ids=sorted(figure_id("member", r.owner_id, code, r.period) for r in found),
            member_ids=employed,
        )

    def spans(point: TrendMonth) -> tuple[Span, Span]:
        month = point.as_of.month
        end_last = date(year - 1, month, calendar.monthrange(year - 1, month)[1])
        return span(date(year, 1, 1), point.as_of), span(date(year - 1, 1, 1), end_last)

    if not points:
        return unavailable(f"{year} 年还没有开始 (the year {year} has not begun)")
    trend = [(p.month, growth_of(*spans(p))) for p in points]
    this, before = spans(points[-1])
    actual = trend[-1][1]
    for label, label_en, part in (("今年", "this year", this), ("去年同期", "last year", before)):
        count = len(part.member_ids)
        per_member = f", 人均 {at_scale(kpi, part.per_member)}" if count else ""
        explanation.append(
            f"{label} {part.first} 至 {part.last}: 结果 {at_scale(kpi, part.result)}"
            f" ({len(part.figure_ids)} 个成员月度数值), 人数 {count}{per_member} "
            f"({label_en}: result from {len(part.figure_ids)} member-month figures, "
            f"{count} members)"
        )
    if actual is None:
        explanation.append(
            "无法计算: 去年同期或今年没有结果, 或人数为 0 "
            "(no data: no result in one of the periods, a result of 0 last year, or no members)"
        )
    else:
        explanation.append(
            f"增长 = ({plain(this.result)} / {len(this.member_ids)}) / "
            f"({plain(before.result)} / {len(before.member_ids)}) - 1 = {actual} "
            f"(growth, computed exactly, rounded to 6 places)"
        )
    explanation.append("趋势为逐月累计 (the trend is cumulative, year to date at each month end)")
    return figure(
        GROWTH,
        target[GROWTH.key],
        actual=actual,
        trend=trend,
        explanation=explanation,
        inputs={
            "kpi": code,
            "member_ids": this.member_ids,
            "last_year_member_ids": before.member_ids,
            "figure_ids": this.figure_ids,
            "last_year_figure_ids": before.figure_ids,
        },
    )
