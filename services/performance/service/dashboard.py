"""Performance's part of the management dashboard: core-member retention, voluntary
attrition, training coverage, training hours a member, satisfaction, the competency
assessment pass rate and the role fit of core positions, for a unit's whole subtree and a
year, against the organisation's targets (the last two are built in
``service.competency_figures``).

Every figure is the year to a date: the actual to today (to 31 December for a past year), and
each point of the trend to the end of its month (to today in the current month), so the last
point is the actual. Retention and attrition count only what has happened by that date: a
leaving date later in the year does not count yet. The health figures are computed by
``service.health``, the same code as the unit's health.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import MemberCopy, TrainingRecord, dashboard_targets
from performance.service.access import require_unit_reader
from performance.service.competencies import competency_facts
from performance.service.competency_figures import (
    COMPETENCY_PASS_RATE,
    ROLE_FIT,
    competency_figures,
)
from performance.service.health import (
    CORE_RETENTION,
    SATISFACTION,
    VOLUNTARY_ATTRITION,
    HealthFacts,
    core_retention,
    health_facts,
    months_to,
    satisfaction,
    voluntary_attrition,
)
from performance.settings import Settings
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
    ratio,
    trend_months,
)
from shared.errors import NotFound

TRAINING_COVERAGE = TargetSpec(
    key="training_coverage",
    label="培训覆盖率",
    label_en="Training coverage",
    unit="ratio",
    direction=Direction.at_least,
    default=Decimal(1),
    default_margin=Decimal("0.05"),
)
TRAINING_HOURS = TargetSpec(
    key="training_hours",
    label="人均培训学时",
    label_en="Training hours per member",
    unit="hours_per_member",
    direction=Direction.at_least,
    default=Decimal(40),
    default_margin=Decimal(5),
)
SPECS: tuple[TargetSpec, ...] = (
    CORE_RETENTION,
    VOLUNTARY_ATTRITION,
    TRAINING_COVERAGE,
    TRAINING_HOURS,
    SATISFACTION,
    COMPETENCY_PASS_RATE,
    ROLE_FIT,
)
TARGETS = Targets(dashboard_targets, SPECS)

TREND = (
    "趋势:每月为年初至该月末的累计值,当月至今天 "
    "(trend: each month is the year to that month's end, to today in the current month)"
)


def _num(value: Decimal) -> str:
    """A quantity as people write it: ``40`` rather than ``40.000000``."""
    return f"{value.normalize():f}"


def _ids(ids: Sequence[str]) -> str:
    return "、".join(ids) if ids else "无 (none)"


def _trend(
    points: Sequence[TrendMonth], value: Callable[[date], Decimal | None]
) -> list[tuple[str, Decimal | None]]:
    return [(point.month, value(point.as_of)) for point in points]


def _core_retention(
    facts: HealthFacts, points: Sequence[TrendMonth], target: TargetRead, core_share: Decimal
) -> Figure:
    as_of = points[-1].as_of
    core = core_retention(facts, as_of, core_share)
    actual = ratio(len(core.retained), len(core.core))
    months = months_to(as_of)
    explanation = [
        f"年初({facts.start})在岗 {len(core.at_start)} 人;核心成员 = 按 {months[0]} 至 "
        f"{months[-1]} 平均月度得分排名前 {core_share:.0%}(四舍五入,至少 1 人)"
        f"= {len(core.core)} 人 (core members: the top {core_share:.0%} of the headcount at "
        "the start of the year by average monthly score, rounded half up)"
    ]
    if core.core:
        averages = dict(core.averages)
        explanation += [
            "核心成员平均分 (average scores): "
            + "、".join(f"{m} {averages[m]:.2f}" for m in core.core),
            f"截至 {as_of} 仍在岗 {len(core.retained)} 人,已离开 {len(core.departed)} 人:"
            f"{_ids(core.departed)} (core members still active on {as_of}, and those gone)",
            f"保留率 = 仍在岗的核心成员 / 核心成员 = {len(core.retained)} / {len(core.core)} "
            f"= {actual} (retention = core members still active / core members)",
        ]
    else:
        explanation.append(
            f"年初至 {as_of} 没有月度得分,无法确定核心成员 (no live scores yet: no core members)"
        )

    def value(day: date) -> Decimal | None:
        point = core_retention(facts, day, core_share)
        return ratio(len(point.retained), len(point.core))

    return figure(
        CORE_RETENTION,
        target,
        actual=actual,
        trend=_trend(points, value),
        explanation=[*explanation, TREND],
        inputs={
            "members_at_start": core.at_start,
            "core_members": core.core,
            "retained_members": core.retained,
            "departed_core_members": core.departed,
            "score_months": months,
        },
    )


def _voluntary_attrition(
    facts: HealthFacts, points: Sequence[TrendMonth], target: TargetRead
) -> Figure:
    as_of = points[-1].as_of
    attrition = voluntary_attrition(facts, as_of)
    actual = ratio(len(attrition.leavers), len(attrition.at_start))
    explanation = [
        f"年初({facts.start})在岗人数 = {len(attrition.at_start)} "
        "(headcount at the start of the year)",
        f"{facts.start} 至 {as_of} 主动离职 {len(attrition.leavers)} 人:"
        f"{_ids(attrition.leavers)} (voluntary leavers of that headcount so far; "
        f"a leaving date after {as_of} does not count yet)",
        f"主动离职率 = 主动离职人数 / 年初在岗人数 = {len(attrition.leavers)} / "
        f"{len(attrition.at_start)} = {actual if actual is not None else '无数据 (no data)'} "
        "(voluntary attrition = voluntary leavers / headcount at the start of the year)",
        TREND,
    ]

    def value(day: date) -> Decimal | None:
        point = voluntary_attrition(facts, day)
        return ratio(len(point.leavers), len(point.at_start))

    return figure(
        VOLUNTARY_ATTRITION,
        target,
        actual=actual,
        trend=_trend(points, value),
        explanation=explanation,
        inputs={"members_at_start": attrition.at_start, "voluntary_leavers": attrition.leavers},
    )


@dataclass(frozen=True)
class Training:
    """The members active from the start of the year to a day, and their training then."""

    members: list[str]
    trained: list[str]
    """Members with at least one training record in the period."""
    hours: dict[str, Decimal]
    records: list[str]

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), Decimal(0))


def active_in_year(member: MemberCopy, start: date, as_of: date) -> bool:
    """Hired by ``as_of`` and not gone before the start of the year."""
    return member.hired_on <= as_of and (member.left_on is None or member.left_on >= start)


def training(
    members: Sequence[MemberCopy], records: Sequence[TrainingRecord], start: date, as_of: date
) -> Training:
    active = [m.id for m in members if active_in_year(m, start, as_of)]
    hours = dict.fromkeys(active, Decimal(0))
    counted = sorted(
        (r for r in records if r.member_id in hours and start <= r.completed_on <= as_of),
        key=lambda r: (r.completed_on, r.id),
    )
    for record in counted:
        hours[record.member_id] += record.hours
    trained = {r.member_id for r in counted}
    return Training(
        members=active,
        trained=[m for m in active if m in trained],
        hours=hours,
        records=[r.id for r in counted],
    )


def _training_figures(
    facts: HealthFacts,
    records: Sequence[TrainingRecord],
    points: Sequence[TrendMonth],
    targets: dict[str, TargetRead],
) -> list[Figure]:
    as_of = points[-1].as_of
    start = facts.start
    now = training(facts.members, records, start, as_of)
    count = len(now.members)
    coverage = ratio(len(now.trained), count)
    per_member = ratio(now.total, count)
    hours_target = targets[TRAINING_HOURS.key].target
    below = [m for m in now.members if now.hours[m] < hours_target]
    active = (
        f"{start} 至 {as_of} 期间在岗成员 {count} 人 (members active in the period: hired by "
        f"{as_of} and not gone before {start})"
    )

    def coverage_on(day: date) -> Decimal | None:
        point = training(facts.members, records, start, day)
        return ratio(len(point.trained), len(point.members))

    def hours_on(day: date) -> Decimal | None:
        point = training(facts.members, records, start, day)
        return ratio(point.total, len(point.members))

    coverage_figure = figure(
        TRAINING_COVERAGE,
        targets[TRAINING_COVERAGE.key],
        actual=coverage,
        trend=_trend(points, coverage_on),
        explanation=[
            active,
            f"其中至少有一条培训记录的 {len(now.trained)} 人:{_ids(now.trained)} "
            "(members with at least one training record in the period)",
            f"培训覆盖率 = 受训人数 / 在岗人数 = {len(now.trained)} / {count} = "
            f"{coverage if coverage is not None else '无数据 (no data)'} "
            "(training coverage = trained members / members)",
            TREND,
        ],
        inputs={
            "members": now.members,
            "trained_members": now.trained,
            "untrained_members": [m for m in now.members if m not in now.trained],
            "training_record_ids": now.records,
        },
    )
    hours_figure = figure(
        TRAINING_HOURS,
        targets[TRAINING_HOURS.key],
        actual=per_member,
        trend=_trend(points, hours_on),
        explanation=[
            active,
            f"培训记录 {len(now.records)} 条,共 {_num(now.total)} 学时 "
            "(training records in the period and their hours)",
            f"人均培训学时 = 总学时 / 在岗人数 = {_num(now.total)} / {count} = "
            f"{per_member if per_member is not None else '无数据 (no data)'} "
            "(hours per member = total hours / members)",
            f"低于 {_num(hours_target)} 学时的成员 {len(below)} 人 "
            f"(members below {_num(hours_target)} hours: {len(below)})",
            TREND,
        ],
        inputs={
            "members": now.members,
            "members_below_target": below,
            "training_record_ids": now.records,
        },
    )
    return [coverage_figure, hours_figure]


def _satisfaction(facts: HealthFacts, points: Sequence[TrendMonth], target: TargetRead) -> Figure:
    as_of = points[-1].as_of
    liked = satisfaction(facts, as_of)
    actual = ratio(liked.satisfied, liked.answers)

    def value(day: date) -> Decimal | None:
        point = satisfaction(facts, day)
        return ratio(point.satisfied, point.answers)

    return figure(
        SATISFACTION,
        target,
        actual=actual,
        trend=_trend(points, value),
        explanation=[
            f"{facts.start} 至 {as_of} 开启的脉搏调查(本单位及下级单位){len(liked.survey_ids)} 次,"
            f"匿名回答 {liked.answers} 份 (pulse surveys of the unit and the units below it "
            "opened in the period, and their anonymous answers)",
            f"满意度 = 4 分或 5 分的回答 / 全部回答 = {liked.satisfied} / {liked.answers} = "
            f"{actual if actual is not None else '无数据 (no data)'} "
            "(satisfaction = answers of 4 or 5 / all answers)",
            f"{TREND};调查计入其开启的月份 (a survey counts in the month it opened)",
        ],
        inputs={"survey_ids": liked.survey_ids},
    )


async def dashboard(
    session: AsyncSession,
    *,
    principal: Principal,
    unit_id: str,
    year: int,
    today: date,
    settings: Settings,
) -> DashboardPart:
    """The seven figures of ``unit_id``'s subtree for ``year`` to ``today``."""
    if await repository.get_org_unit(session, unit_id=unit_id) is None:
        raise NotFound(f"unit {unit_id} is not known to performance")
    await require_unit_reader(session, principal, unit_id, "dashboard")
    targets = await TARGETS.all(session)
    points = trend_months(year, today)
    if not points:
        return DashboardPart(
            service="performance",
            unit_id=unit_id,
            year=year,
            figures=[
                figure(
                    spec,
                    targets[spec.key],
                    actual=None,
                    trend=[],
                    explanation=[f"{year} 年尚未开始,没有可计算的数据 (the year has not begun)"],
                )
                for spec in SPECS
            ],
        )
    as_of = points[-1].as_of
    facts = await health_facts(session, unit_id=unit_id, year=year, through=as_of)
    records = await repository.training_of(
        session,
        member_ids=[m.id for m in facts.members if active_in_year(m, facts.start, as_of)],
        start=facts.start,
        end=as_of,
    )
    competencies = await competency_facts(session, unit_id=unit_id, through=as_of)
    return DashboardPart(
        service="performance",
        unit_id=unit_id,
        year=year,
        figures=[
            _core_retention(facts, points, targets[CORE_RETENTION.key], settings.core_share),
            _voluntary_attrition(facts, points, targets[VOLUNTARY_ATTRITION.key]),
            *_training_figures(facts, records, points, targets),
            _satisfaction(facts, points, targets[SATISFACTION.key]),
            *competency_figures(competencies, facts.start, points, targets),
        ],
    )
