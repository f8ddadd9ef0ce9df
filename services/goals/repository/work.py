"""Queries on the work under goals: check-ins, tasks and risk corrections."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import (
    CheckIn,
    RiskCorrection,
    Task,
)
from shared.paging import PageQuery


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


async def tasks_of_members(session: AsyncSession, *, owner_ids: list[str]) -> dict[str, list[Task]]:
    """Each member's tasks by due date (every member of ``owner_ids`` has a list)."""
    found: dict[str, list[Task]] = {owner: [] for owner in owner_ids}
    rows = await session.scalars(
        select(Task).where(Task.owner_id.in_(owner_ids)).order_by(Task.due_on, Task.id)
    )
    for task in rows.all():
        found[task.owner_id].append(task)
    return found
