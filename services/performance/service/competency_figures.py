"""What a unit's competency numbers look like to readers: its pass rate and role fit with
the counts and each holder's explanation (``/units/{unit_id}/competencies``), and the two
figures on the plan-targets dashboard (``competency_pass_rate``, ``role_fit``), the year to
date with the month-by-month trend. The numbers themselves come from ``service.competencies``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from performance.schemas import UnitCompetencies
from performance.service.access import require_unit_reader
from performance.service.competencies import (
    CompetencyFacts,
    PassRate,
    RoleFit,
    competency_facts,
    ids,
    pass_rate,
    role_fit,
)
from performance.service.copies import get_org_unit
from shared.auth import Principal
from shared.dashboard import Direction, Figure, TargetRead, TargetSpec, TrendMonth, figure, ratio
from shared.errors import Unprocessable

COMPETENCY_PASS_RATE = TargetSpec(
    key="competency_pass_rate",
    label="能力测评通过率",
    label_en="Competency assessment pass rate",
    unit="ratio",
    direction=Direction.at_least,
    default=Decimal("0.90"),
    default_margin=Decimal("0.05"),
)
ROLE_FIT = TargetSpec(
    key="role_fit",
    label="核心岗位专业匹配度",
    label_en="Role fit of core positions",
    unit="ratio",
    direction=Direction.at_least,
    default=Decimal("0.95"),
    default_margin=Decimal("0.03"),
)
NO_DATA = "无数据 (no data)"


def _shown(value: Decimal | None) -> str:
    return NO_DATA if value is None else str(value)


def pass_rate_lines(rate: PassRate) -> list[str]:
    count, passed = len(rate.assessments), len(rate.passed)
    return [
        f"{rate.start} 至 {rate.end} 本单位及下级单位成员的能力测评 {count} 次,达到岗位要求等级 "
        f"{passed} 次 (assessments of the subtree's members in the period, and those at or "
        "above the level their position required; a re-assessment counts again)",
        f"通过率 = 通过的测评 / 全部测评 = {passed} / {count} = "
        f"{_shown(ratio(passed, count))} (pass rate = passed assessments / assessments)",
    ]


def role_fit_lines(fit: RoleFit, *, every_holder: bool = True) -> list[str]:
    """The count, the ratio and a line per holder (only those who do not fit, unless
    ``every_holder``): which competency, which level, and why."""
    count, fitting = len(fit.holders), len(fit.fitting)
    lines = [
        f"{fit.day} 在岗的核心岗位任职者 {count} 人,全部要求能力的最近一次测评均达到要求等级的 "
        f"{fitting} 人 (holders of core, active positions active on {fit.day}, and those whose "
        "latest assessment of every competency their position requires meets its level)",
        f"专业匹配度 = 匹配的任职者 / 任职者 = {fitting} / {count} = "
        f"{_shown(ratio(fitting, count))} (role fit = fitting holders / holders)",
    ]
    for holder in fit.holders:
        if holder.fits and not every_holder:
            continue
        verdict = "匹配 (fits)" if holder.fits else "不匹配 (does not fit)"
        details = ";".join(f"{c.competency}: {c.reason}" for c in holder.competencies)
        lines.append(f"{holder.member_id}({holder.position_title}){verdict}:{details or '无要求'}")
    return lines


async def unit_competencies(
    session: AsyncSession, *, principal: Principal, unit_id: str, as_of: date, today: date
) -> UnitCompetencies:
    """Pass rate over the year to ``as_of`` and role fit on ``as_of``: the unit's managers
    (and those above them) and HR."""
    await get_org_unit(session, unit_id=unit_id)
    await require_unit_reader(session, principal, unit_id, "competencies")
    if as_of > today:
        message = f"{as_of} is in the future (today is {today})"
        raise Unprocessable(
            message, errors=[{"loc": ["query", "as_of"], "msg": message, "type": "value_error"}]
        )
    facts = await competency_facts(session, unit_id=unit_id, through=as_of)
    start = date(as_of.year, 1, 1)
    rate, fit = pass_rate(facts, start, as_of), role_fit(facts, as_of)
    return UnitCompetencies(
        unit_id=unit_id,
        as_of=as_of,
        period_start=start,
        assessments=len(rate.assessments),
        passed=len(rate.passed),
        pass_rate=ratio(len(rate.passed), len(rate.assessments)),
        holders=len(fit.holders),
        fitting=len(fit.fitting),
        role_fit=ratio(len(fit.fitting), len(fit.holders)),
        explanation=[*pass_rate_lines(rate), *role_fit_lines(fit)],
        holder_fits=fit.holders,
    )


def competency_figures(
    facts: CompetencyFacts,
    start: date,
    points: Sequence[TrendMonth],
    targets: dict[str, TargetRead],
) -> list[Figure]:
    """The dashboard's pass rate (from ``start``, the first day of the year, to each point)
    and role fit (on each point); the explanation names the holders who do not fit."""
    as_of = points[-1].as_of
    rate, fit = pass_rate(facts, start, as_of), role_fit(facts, as_of)

    def rate_on(day: date) -> Decimal | None:
        point = pass_rate(facts, start, day)
        return ratio(len(point.passed), len(point.assessments))

    def fit_on(day: date) -> Decimal | None:
        point = role_fit(facts, day)
        return ratio(len(point.fitting), len(point.holders))

    return [
        figure(
            COMPETENCY_PASS_RATE,
            targets[COMPETENCY_PASS_RATE.key],
            actual=rate_on(as_of),
            trend=[(p.month, rate_on(p.as_of)) for p in points],
            explanation=[
                *pass_rate_lines(rate),
                "趋势:每月为年初至该月末的累计值,当月至今天 "
                "(trend: each month is the year to that month's end, to today in the current "
                "month)",
            ],
            inputs={
                "assessment_ids": ids(rate.assessments),
                "failed_assessment_ids": ids(rate.failed),
            },
        ),
        figure(
            ROLE_FIT,
            targets[ROLE_FIT.key],
            actual=fit_on(as_of),
            trend=[(p.month, fit_on(p.as_of)) for p in points],
            explanation=[
                *role_fit_lines(fit, every_holder=False),
                "趋势:每月为该月末(当月为今天)的匹配度,按当时在岗的任职者与当时的最近测评 "
                "(trend: role fit on each month's last day, today in the current month)",
            ],
            inputs={
                "holders": [h.member_id for h in fit.holders],
                "fitting_holders": fit.fitting,
                "not_fitting_holders": fit.not_fitting,
            },
        ),
    ]
