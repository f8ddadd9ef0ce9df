"""Queries on goals, their targets, adjustments and templates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import (
    Goal,
    GoalTemplate,
    TargetAdjustment,
)
from shared.paging import PageQuery


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


async def list_templates(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[GoalTemplate], str | None]:
    return await page.fetch(
        session,
        select(GoalTemplate),
        {"created_at": GoalTemplate.created_at, "name": GoalTemplate.name},
        GoalTemplate.id,
    )
