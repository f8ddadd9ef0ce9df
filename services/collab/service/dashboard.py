"""Collab's part of the management dashboard: the cross-department first response.

First response of a unit for a year = the mean, over the tickets whose owner unit is in the
unit's subtree (the unit and every unit below it, by collab's copy of goals' org tree) and
that were opened in the year to date, of the business hours from opening to the first
response, as the SLA clock counts them (on the owner unit's calendar, pauses excluded): the
``response_business_hours`` the clock recorded at the first response. A ticket still
without a first response counts with the business hours its clock has run so far, so the
mean is a lower bound while any waits. No ticket: no data. The trend is cumulative: at each
month's end, the mean over the tickets opened in the year up to then, each as it stood
then (a ticket answered later counts with its clock at that month's end, replayed from its
recorded status history)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import Ticket, TicketStep, dashboard_targets
from collab.service import sla
from collab.service.access import may_manage_unit, scope_of
from collab.service.calendar import BusinessCalendar, seconds_to_hours
from collab.service.clock_history import STATUS_STEP_KINDS, replay
from collab.service.tickets.status import response_within_sla
from collab.settings import Settings
from shared.auth import Principal
from shared.dashboard import (
    DashboardPart,
    Direction,
    TargetRead,
    Targets,
    TargetSpec,
    figure,
    ratio,
    trend_months,
    year_start,
)
from shared.errors import Forbidden, NotFound

FIRST_RESPONSE = TargetSpec(
    key="first_response_hours",
    label="跨部门首次响应时长",
    label_en="Cross-department first response",
    unit="hours",
    direction=Direction.at_most,
    default=Decimal("24"),
    default_margin=Decimal("4"),
)
SPECS: tuple[TargetSpec, ...] = (FIRST_RESPONSE,)
TARGETS = Targets(dashboard_targets, SPECS)


@dataclass(frozen=True)
class Response:
    """One ticket's first response as it stood at an instant."""

    ticket: Ticket
    hours: Decimal
    answered: bool


async def require_unit_reader(session: AsyncSession, principal: Principal, unit_id: str) -> None:
    """HR, admins and the managers of the unit or of a unit above it (collab's scope); a
    unit collab has never heard of is 404."""
    if await repository.get_org_unit(session, unit_id=unit_id) is None:
        raise NotFound(f"unit {unit_id} is not known to collab")
    if not may_manage_unit(await scope_of(session, principal), unit_id):
        raise Forbidden("a unit's dashboard is for its managers (and those above), HR and admins")


def mean(values: Sequence[Decimal]) -> Decimal | None:
    return ratio(sum(values, Decimal(0)), len(values))


def responses_at(
    tickets: Sequence[Ticket],
    instant: datetime,
    *,
    now: datetime,
    calendars: dict[str, BusinessCalendar],
    steps: dict[str, list[TicketStep]],
) -> list[Response]:
    """The tickets opened before ``instant``, each with its first response's business hours
    if it came by then, else with the business hours its clock had run by then."""
    found = []
    for ticket in tickets:
        if ticket.opened_at >= instant:
            continue
        answered = ticket.first_response_at is not None and ticket.first_response_at <= instant
        if answered and ticket.response_business_hours is not None:
            hours = ticket.response_business_hours
        else:
            calendar = calendars[ticket.owner_unit_id]
            seconds = (
                sla.used_seconds(ticket, calendar, now)
                if instant >= now and ticket.first_response_at is None
                else replay(steps.get(ticket.id, []), calendar).seconds_used_at(instant)
            )
            hours = seconds_to_hours(seconds)
        found.append(Response(ticket, hours, answered))
    return found


async def dashboard(
    session: AsyncSession,
    *,
    principal: Principal,
    unit_id: str,
    year: int,
    today: date,
    now: datetime,
    settings: Settings,
) -> DashboardPart:
    """The unit's (whole subtree's) collab figures for ``year``, to ``now``."""
    await require_unit_reader(session, principal, unit_id)
    zone = ZoneInfo(settings.timezone)
    units = await repository.subtree(session, roots=[unit_id])
    start = year_start(year, zone)
    cutoff = max(start, min(now, year_start(year + 1, zone)))
    tickets = await repository.owned_tickets_opened(
        session, owner_unit_ids=units, start=start, end=cutoff
    )
    calendars: dict[str, BusinessCalendar] = {}
    for ticket in tickets:
        if ticket.owner_unit_id not in calendars:
            calendars[ticket.owner_unit_id] = await sla.owner_calendar(session, settings, ticket)
    steps = await repository.steps_of_tickets(
        session, ticket_ids=[t.id for t in tickets], kinds=STATUS_STEP_KINDS
    )

    def hours_at(instant: datetime) -> list[Response]:
        return responses_at(tickets, instant, now=now, calendars=calendars, steps=steps)

    trend = []
    for month in trend_months(year, today):
        month_end = min(month.until(zone), cutoff)
        trend.append((month.month, mean([r.hours for r in hours_at(month_end)])))
    responses = hours_at(cutoff)
    target = (await TARGETS.all(session))[FIRST_RESPONSE.key]
    return DashboardPart(
        service="collab",
        unit_id=unit_id,
        year=year,
        figures=[
            figure(
                FIRST_RESPONSE,
                target,
                actual=mean([r.hours for r in responses]),
                trend=trend,
                explanation=explain(responses, target=target, unit_id=unit_id, units=units),
                inputs={
                    "ticket_ids": [r.ticket.id for r in responses],
                    "unanswered_ticket_ids": [r.ticket.id for r in responses if not r.answered],
                    "within_sla_ticket_ids": [r.ticket.id for r in responses if _within_sla(r)],
                    "unit_ids": sorted(units),
                },
            )
        ],
    )


def _within_sla(response: Response) -> bool:
    return response.answered and response_within_sla(response.ticket)


def explain(
    responses: list[Response], *, target: TargetRead, unit_id: str, units: set[str]
) -> list[str]:
    """The figure's steps in plain words, with its numbers."""
    count = len(responses)
    waiting = sum(1 for r in responses if not r.answered)
    within = sum(1 for r in responses if _within_sla(r))
    total = sum((r.hours for r in responses), Decimal(0))
    lines = [
        f"范围: 负责单位为 {unit_id} 及其下属单位 (共 {len(units)} 个), 本年至今开单的工单 "
        f"(scope: tickets owned by the unit and the units below it, opened in the year to date)",
    ]
    if not responses:
        return [
            *lines,
            "本年至今没有工单, 无从计算 (no ticket opened yet: no data)",
            *_target_lines(target),
        ]
    share = ratio(within, count)
    average = mean([r.hours for r in responses])
    return [
        *lines,
        f"工单 {count} 张: 已首次响应 {count - waiting} 张, 尚未响应 {waiting} 张, 按至今已计的"
        f"工作时长计入, 故均值为下限 (tickets {count}: {count - waiting} answered, {waiting} "
        f"still waiting, counted with the business hours so far, so the mean is a lower bound)",
        "工作时长按负责单位的日历计, 等待提出方的暂停不计 "
        "(business hours on the owner unit's calendar, pauses excluded, as the SLA counts them)",
        f"平均首次响应 = 工作时长合计 / 工单数 = {total} / {count} = {average} 小时 "
        f"(mean first response = total business hours / tickets)",
        f"SLA 内首次响应 {within} / {count} = {share} "
        f"(answered within their SLA target: {within} of {count})",
        *_target_lines(target),
    ]


def _target_lines(target: TargetRead) -> list[str]:
    return [
        f"目标 ≤ {target.target} 小时, 超出 {target.at_risk_margin} 小时以内为有风险 "
        f"(target at most {target.target} h; within {target.at_risk_margin} h above: at risk)",
        "趋势为每月末的本年累计值 (trend: the year to date at each month's end)",
    ]
