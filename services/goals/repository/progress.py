"""Queries for progress and risk: a set of goals' children, and goals' risk states."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import Goal, GoalRiskState

__all__ = ["children_of_many", "live_goals", "risk_states", "risk_states_for_update"]


async def children_of_many(session: AsyncSession, *, goal_ids: Iterable[str]) -> list[Goal]:
    """The children of every goal given, each parent's in period and id order."""
    ids = list(goal_ids)
    if not ids:
        return []
    rows = await session.scalars(
        select(Goal).where(Goal.parent_id.in_(ids)).order_by(Goal.period_start, Goal.id)
    )
    return list(rows.all())


async def live_goals(session: AsyncSession, *, today: date) -> list[Goal]:
    """Every goal whose period contains ``today``, in the order they were created."""
    rows = await session.scalars(
        select(Goal)
        .where(Goal.period_start <= today, Goal.period_end >= today)
        .order_by(Goal.created_at, Goal.id)
    )
    return list(rows.all())


async def risk_states(session: AsyncSession, *, goal_ids: Iterable[str]) -> dict[str, str]:
    """goal id -> its stored risk status, for the goals that have one."""
    ids = list(goal_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(GoalRiskState.goal_id, GoalRiskState.status).where(GoalRiskState.goal_id.in_(ids))
    )
    return {row.goal_id: row.status for row in rows}


async def risk_states_for_update(
    session: AsyncSession, *, goal_ids: Iterable[str], initial: dict[str, object]
) -> dict[str, GoalRiskState]:
    """The goals' risk states, locked until the transaction ends; a goal without one gets
    ``initial`` first. Locked in goal id order, so concurrent evaluations queue, not
    deadlock, and each sees the state the one before left."""
    ids = sorted(set(goal_ids))
    if not ids:
        return {}
    await session.execute(
        insert(GoalRiskState)
        .values([{"goal_id": goal_id, **initial} for goal_id in ids])
        .on_conflict_do_nothing(index_elements=["goal_id"])
    )
    rows = await session.scalars(
        select(GoalRiskState)
        .where(GoalRiskState.goal_id.in_(ids))
        .order_by(GoalRiskState.goal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.goal_id: row for row in rows}
