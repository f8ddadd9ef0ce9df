"""What a unit's people did, readable in one call: one KPI's figures for a period across a
unit's members, and the team's weekly report (each member's done, next and at risk, and the
totals)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import KpiFigure, Member
from goals.schemas.work import MemberWeek, TeamWeeklyReport, WeekTotals
from goals.service.access import KPI_FIGURES, Scope, ancestors, descendants, require_kpi_reader
from goals.service.work import task_read, week_of, week_tasks
from shared.errors import Forbidden, NotFound, Unprocessable
from shared.paging import PageQuery


def _query_error(name: str, message: str) -> Unprocessable:
    return Unprocessable(
        message, errors=[{"loc": ["query", name], "msg": message, "type": "value_error"}]
    )


async def unit_members(
    session: AsyncSession, *, unit_id: str, include_sub_units: bool
) -> list[Member]:
    """The members whose home unit is ``unit_id`` (or, with ``include_sub_units``, any unit
    below it), by id; 404 for a unit that does not exist."""
    tree = await repository.unit_tree(session)
    if unit_id not in tree:
        raise NotFound(f"org unit {unit_id} does not exist")
    units = descendants(tree, {unit_id}) if include_sub_units else {unit_id}
    return await repository.list_members(session, unit_ids=units, after=None, limit=100_000)


async def unit_figures(
    session: AsyncSession,
    *,
    scope: Scope,
    unit_id: str,
    include_sub_units: bool,
    kpi: str | None,
    period: str | None,
    today: date,
    page: PageQuery,
) -> tuple[list[KpiFigure], str | None]:
    """One KPI's figures in one period for a unit's members, a page at a time: a reader of
    the unit's figures (its manager, HR, admins, a unit it granted ``kpi_figures``) gets the
    members each of whom they could read one by one (a member of the unit: themself)."""
    if kpi is None:
        raise _query_error("kpi", "figures across a unit's members need the KPI's code")
    if period is None:
        raise _query_error("period", "figures across a unit's members need a period")
    definition = await repository.kpi_by_code(session, code=kpi)
    if definition is None:
        raise _query_error("kpi", f"no KPI with code {kpi!r}")
    members = await unit_members(session, unit_id=unit_id, include_sub_units=include_sub_units)
    await require_kpi_reader(session, scope, owner_type="unit", owner_id=unit_id, today=today)
    if not scope.everything:
        tree = await repository.unit_tree(session)
        grantors = await repository.granting_units(
            session, grantee_unit_ids=scope.own_units, data_set=KPI_FIGURES, today=today
        )
        members = [
            m
            for m in members
            if scope.may_read_member(m.id, m.home_unit_id)
            or grantors & set(ancestors(tree, m.home_unit_id))
        ]
    return await repository.list_member_figures(
        session,
        member_ids=[m.id for m in members],
        period=period,
        kpi_id=definition.id,
        page=page,
    )


async def team_weekly_report(
    session: AsyncSession, *, scope: Scope, unit_id: str, include_sub_units: bool, day: date
) -> TeamWeeklyReport:
    """The week (Monday to Sunday) around ``day`` for every member of the unit who had not
    left before it started: done, next, at risk, and the totals. For the unit's manager, HR
    and admins."""
    members = await unit_members(session, unit_id=unit_id, include_sub_units=include_sub_units)
    if not scope.everything and unit_id not in scope.managed_units:
        raise Forbidden(f"the weekly report of unit {unit_id} is for its manager, HR and admins")
    week_start, week_end = week_of(day)
    present = [
        m
        for m in members
        if m.hired_on <= week_end and (m.left_on is None or m.left_on >= week_start)
    ]
    tasks = await repository.tasks_of_members(session, owner_ids=[m.id for m in present])
    weeks = []
    for member in present:
        done, upcoming, at_risk = week_tasks(tasks[member.id], week_start, week_end)
        weeks.append(
            MemberWeek(
                member_id=member.id,
                name=member.name,
                done=[task_read(t) for t in done],
                next=[task_read(t) for t in upcoming],
                at_risk=[task_read(t) for t in at_risk],
            )
        )
    return TeamWeeklyReport(
        unit_id=unit_id,
        include_sub_units=include_sub_units,
        week_start=week_start,
        week_end=week_end,
        members=weeks,
        totals=WeekTotals(
            members=len(weeks),
            done=sum(len(w.done) for w in weeks),
            next=sum(len(w.next) for w in weeks),
            at_risk=sum(len(w.at_risk) for w in weeks),
        ),
    )
