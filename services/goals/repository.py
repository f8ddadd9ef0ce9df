"""The only place with queries on the goals schema (those on actuals and figures are in
``goals.repository_actuals``, re-exported here)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository_actuals as _actuals
from goals.models import (
    CheckIn,
    DataGrantCopy,
    Goal,
    GoalTemplate,
    KpiDefinition,
    Member,
    Mentorship,
    OrgUnit,
    RiskCorrection,
    SquadMembership,
    TargetAdjustment,
    Task,
)
from shared.paging import PageQuery

T = TypeVar("T")

# Re-exported: one module name for every query.
STAGED_COLUMNS = _actuals.STAGED_COLUMNS
best_recent_actual = _actuals.best_recent_actual
figures_for = _actuals.figures_for
get_measurement = _actuals.get_measurement
list_figures = _actuals.list_figures
list_measurements = _actuals.list_measurements
measurements_by_keys = _actuals.measurements_by_keys
period_aggregates = _actuals.period_aggregates
stage_measurements = _actuals.stage_measurements
supersede = _actuals.supersede
upsert_figures = _actuals.upsert_figures


# ----------------------------------------------------------------------------- organisation


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnit | None:
    return await session.get(OrgUnit, unit_id)


async def add(session: AsyncSession, *, row: T) -> T:
    session.add(row)
    await session.flush()
    return row


async def list_org_units(
    session: AsyncSession, *, parent_id: str | None, kind: str | None, page: PageQuery
) -> tuple[list[OrgUnit], str | None]:
    query = select(OrgUnit)
    if parent_id is not None:
        query = query.where(OrgUnit.parent_id == parent_id)
    if kind is not None:
        query = query.where(OrgUnit.kind == kind)
    return await page.fetch(
        session,
        query,
        {"created_at": OrgUnit.created_at, "name": OrgUnit.name, "kind": OrgUnit.kind},
        OrgUnit.id,
    )


async def unit_tree(session: AsyncSession) -> dict[str, str | None]:
    """Every org unit's parent (the tree is small: hundreds of units)."""
    rows = await session.execute(select(OrgUnit.id, OrgUnit.parent_id))
    return {row.id: row.parent_id for row in rows}


async def get_member(session: AsyncSession, *, member_id: str) -> Member | None:
    return await session.get(Member, member_id)


async def list_members(
    session: AsyncSession,
    *,
    unit_ids: Iterable[str] | None,
    after: str | None,
    limit: int,
) -> list[Member]:
    query = select(Member).order_by(Member.id).limit(limit)
    if unit_ids is not None:
        query = query.where(Member.home_unit_id.in_(list(unit_ids)))
    if after is not None:
        query = query.where(Member.id > after)
    return list((await session.scalars(query)).all())


async def home_units(session: AsyncSession, *, member_ids: Iterable[str]) -> dict[str, str]:
    rows = await session.execute(
        select(Member.id, Member.home_unit_id).where(Member.id.in_(list(member_ids)))
    )
    return {row.id: row.home_unit_id for row in rows}


async def members_in_units(session: AsyncSession, *, unit_ids: Iterable[str]) -> dict[str, str]:
    """Member id -> home unit, for the members whose home unit is one of ``unit_ids``."""
    rows = await session.execute(
        select(Member.id, Member.home_unit_id).where(Member.home_unit_id.in_(list(unit_ids)))
    )
    return {row.id: row.home_unit_id for row in rows}


async def squads_of(session: AsyncSession, *, member_ids: Iterable[str]) -> dict[str, list[str]]:
    rows = await session.execute(
        select(SquadMembership.member_id, SquadMembership.squad_id).where(
            SquadMembership.member_id.in_(list(member_ids))
        )
    )
    result: dict[str, list[str]] = {}
    for row in rows:
        result.setdefault(row.member_id, []).append(row.squad_id)
    return result


async def squad_members(session: AsyncSession, *, squad_ids: Iterable[str]) -> dict[str, list[str]]:
    rows = await session.execute(
        select(SquadMembership.squad_id, SquadMembership.member_id).where(
            SquadMembership.squad_id.in_(list(squad_ids))
        )
    )
    result: dict[str, list[str]] = {}
    for row in rows:
        result.setdefault(row.squad_id, []).append(row.member_id)
    return result


async def get_squad_membership(
    session: AsyncSession, *, squad_id: str, member_id: str
) -> SquadMembership | None:
    return await session.get(SquadMembership, (squad_id, member_id))


async def list_mentorships(
    session: AsyncSession, *, member_id: str, page: PageQuery
) -> tuple[list[Mentorship], str | None]:
    return await page.fetch(
        session,
        select(Mentorship).where(
            (Mentorship.mentor_id == member_id) | (Mentorship.mentee_id == member_id)
        ),
        {"starts_on": Mentorship.starts_on, "ends_on": Mentorship.ends_on},
        Mentorship.id,
    )


# ----------------------------------------------------------------------------- KPIs


async def get_kpi(session: AsyncSession, *, kpi_id: str) -> KpiDefinition | None:
    return await session.get(KpiDefinition, kpi_id)


async def kpi_by_code(session: AsyncSession, *, code: str) -> KpiDefinition | None:
    return await session.scalar(select(KpiDefinition).where(KpiDefinition.code == code))


async def all_kpis(session: AsyncSession) -> list[KpiDefinition]:
    return list((await session.scalars(select(KpiDefinition).order_by(KpiDefinition.code))).all())


async def list_kpis(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[KpiDefinition], str | None]:
    return await page.fetch(
        session,
        select(KpiDefinition),
        {
            "code": KpiDefinition.code,
            "name": KpiDefinition.name,
            "created_at": KpiDefinition.created_at,
        },
        KpiDefinition.id,
    )


# ----------------------------------------------------------------------------- goals


async def get_goal(session: AsyncSession, *, goal_id: str, for_update: bool = False) -> Goal | None:
    return await session.get(Goal, goal_id, with_for_update=for_update)


async def find_kpi_target(
    session: AsyncSession, *, owner_type: str, owner_id: str, kpi_id: str, period: str
) -> Goal | None:
    return await session.scalar(
        select(Goal).where(
            Goal.kind == "kpi_target",
            Goal.owner_type == owner_type,
            Goal.owner_id == owner_id,
            Goal.kpi_id == kpi_id,
            Goal.period == period,
        )
    )


async def list_goals(
    session: AsyncSession,
    *,
    owner_type: str | None,
    owner_ids: Iterable[str] | None,
    period: str | None,
    kind: str | None,
    parent_id: str | None,
    page: PageQuery,
) -> tuple[list[Goal], str | None]:
    """One page of the goals that match every filter given."""
    return await page.fetch(
        session,
        _goals_where(
            owner_type=owner_type,
            owner_ids=owner_ids,
            period=period,
            kind=kind,
            parent_id=parent_id,
        ),
        {
            "created_at": Goal.created_at,
            "period": Goal.period_start,
            "title": Goal.title,
            "kind": Goal.kind,
        },
        Goal.id,
    )


async def goals_of(
    session: AsyncSession,
    *,
    owner_type: str | None,
    owner_ids: Iterable[str] | None,
    period: str | None,
) -> list[Goal]:
    """Every goal of the owners (all owners when None) in the period (any when None), in
    the order they were created."""
    query = _goals_where(
        owner_type=owner_type, owner_ids=owner_ids, period=period, kind=None, parent_id=None
    )
    return list((await session.scalars(query.order_by(Goal.created_at, Goal.id))).all())


def _goals_where(
    *,
    owner_type: str | None,
    owner_ids: Iterable[str] | None,
    period: str | None,
    kind: str | None,
    parent_id: str | None,
) -> Select[Goal]:
    query = select(Goal)
    if owner_type is not None:
        query = query.where(Goal.owner_type == owner_type)
    if owner_ids is not None:
        query = query.where(Goal.owner_id.in_(list(owner_ids)))
    if period is not None:
        query = query.where(Goal.period == period)
    if kind is not None:
        query = query.where(Goal.kind == kind)
    if parent_id is not None:
        query = query.where(Goal.parent_id == parent_id)
    return query


async def children_of(session: AsyncSession, *, goal_id: str) -> list[Goal]:
    rows = await session.scalars(
        select(Goal).where(Goal.parent_id == goal_id).order_by(Goal.period_start, Goal.id)
    )
    return list(rows.all())


async def goals_in_periods(
    session: AsyncSession, *, periods: Iterable[str], owner_ids: Iterable[str] | None = None
) -> list[Goal]:
    query = select(Goal).where(Goal.period.in_(list(periods)))
    if owner_ids is not None:
        query = query.where(Goal.owner_id.in_(list(owner_ids)))
    return list((await session.scalars(query)).all())


async def targets_for(
    session: AsyncSession, *, keys: Sequence[tuple[str, str, str, str]]
) -> dict[tuple[str, str, str, str], Decimal]:
    """(owner type, owner id, kpi id, period) -> target, from KPI targets and key results."""
    if not keys:
        return {}
    # "company" goals are owned by the company's org unit; figures treat it as a unit.
    owners = {(o_id, k, p) for _t, o_id, k, p in keys}
    rows = await session.execute(
        select(
            Goal.owner_type, Goal.owner_id, Goal.kpi_id, Goal.period, Goal.target_value, Goal.kind
        )
        .where(
            tuple_(Goal.owner_id, Goal.kpi_id, Goal.period).in_(list(owners)),
            Goal.target_value.is_not(None),
        )
        .order_by(Goal.kind.desc())
    )  # kpi_target wins over key_result
    result: dict[tuple[str, str, str, str], Decimal] = {}
    for row in rows:
        owner_type = "unit" if row.owner_type == "company" else row.owner_type
        result.setdefault((owner_type, row.owner_id, row.kpi_id, row.period), row.target_value)
    return result


async def adjustments_of(
    session: AsyncSession, *, goal_id: str, page: PageQuery
) -> tuple[list[TargetAdjustment], str | None]:
    return await page.fetch(
        session,
        select(TargetAdjustment).where(TargetAdjustment.goal_id == goal_id),
        {"adjusted_at": TargetAdjustment.adjusted_at},
        TargetAdjustment.id,
    )


async def get_template(session: AsyncSession, *, template_id: str) -> GoalTemplate | None:
    return await session.get(GoalTemplate, template_id)


# ----------------------------------------------------------------------------- work


async def check_ins_of(
    session: AsyncSession, *, goal_ids: Iterable[str], months: Iterable[str] | None = None
) -> list[CheckIn]:
    query = select(CheckIn).where(CheckIn.goal_id.in_(list(goal_ids)))
    if months is not None:
        query = query.where(CheckIn.month.in_(list(months)))
    return list((await session.scalars(query.order_by(CheckIn.month, CheckIn.id))).all())


async def page_of_check_ins(
    session: AsyncSession, *, goal_id: str, page: PageQuery
) -> tuple[list[CheckIn], str | None]:
    return await page.fetch(
        session,
        select(CheckIn).where(CheckIn.goal_id == goal_id),
        {"month": CheckIn.month, "created_at": CheckIn.created_at},
        CheckIn.id,
    )


async def get_task(session: AsyncSession, *, task_id: str, for_update: bool = False) -> Task | None:
    return await session.get(Task, task_id, with_for_update=for_update)


async def tasks_of(
    session: AsyncSession,
    *,
    owner_id: str,
    status: str | None = None,
    due_before: date | None = None,
) -> list[Task]:
    query = select(Task).where(Task.owner_id == owner_id)
    if status is not None:
        query = query.where(Task.status == status)
    if due_before is not None:
        query = query.where(Task.due_on <= due_before)
    return list((await session.scalars(query.order_by(Task.due_on, Task.id))).all())


async def page_of_tasks(
    session: AsyncSession, *, owner_id: str, status: str | None, page: PageQuery
) -> tuple[list[Task], str | None]:
    query = select(Task).where(Task.owner_id == owner_id)
    if status is not None:
        query = query.where(Task.status == status)
    return await page.fetch(
        session,
        query,
        {
            "due_on": Task.due_on,
            "title": Task.title,
            "status": Task.status,
            "created_at": Task.created_at,
        },
        Task.id,
    )


async def corrections_of(
    session: AsyncSession, *, goal_id: str, page: PageQuery
) -> tuple[list[RiskCorrection], str | None]:
    return await page.fetch(
        session,
        select(RiskCorrection).where(RiskCorrection.goal_id == goal_id),
        {"recorded_at": RiskCorrection.recorded_at},
        RiskCorrection.id,
    )


# ----------------------------------------------------------------------------- data grants


async def upsert_grant(session: AsyncSession, *, values: dict[str, Any]) -> None:
    """Keep the newest version of a grant; an older one arriving late changes nothing."""
    statement = insert(DataGrantCopy).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[DataGrantCopy.id],
            set_={k: statement.excluded[k] for k in values if k != "id"},
            where=DataGrantCopy.source_version < statement.excluded.source_version,
        )
    )


async def granting_units(
    session: AsyncSession, *, grantee_unit_ids: Iterable[str], data_set: str, today: date
) -> set[str]:
    """The units that let one of ``grantee_unit_ids`` read ``data_set`` today."""
    rows = await session.scalars(
        select(DataGrantCopy.grantor_unit_id).where(
            DataGrantCopy.grantee_unit_id.in_(list(grantee_unit_ids)),
            DataGrantCopy.data_set == data_set,
            DataGrantCopy.active,
            DataGrantCopy.valid_until >= today,
        )
    )
    return set(rows.all())
