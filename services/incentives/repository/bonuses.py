"""Queries on pay decided beside the plan's lines: adjustments, special projects and their
bonuses, and the monthly stars."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incentives.models import Adjustment, Project, StarAward
from shared.paging import Column, PageQuery

__all__ = [
    "add_adjustments",
    "adjustments",
    "adjustments_page",
    "all_open_adjustments",
    "get_project",
    "get_stars",
    "payable_projects",
    "projects",
    "projects_page",
    "star_awards",
    "star_awards_page",
]


# ----------------------------------------------------------------------------- adjustments


async def add_adjustments(session: AsyncSession, *, rows: list[Adjustment]) -> None:
    """New adjustments, written now (flushed)."""
    session.add_all(rows)
    await session.flush()


async def all_open_adjustments(
    session: AsyncSession, *, run_id: str, member_ids: set[str] | None = None
) -> dict[str, list[Adjustment]]:
    """Unsettled adjustments by member: unassigned, or assigned to this (draft) run."""
    query = select(Adjustment).where(Adjustment.run_id.is_(None) | (Adjustment.run_id == run_id))
    if member_ids is not None:
        query = query.where(Adjustment.member_id.in_(member_ids))
    found: dict[str, list[Adjustment]] = defaultdict(list)
    for row in await session.scalars(query.order_by(Adjustment.created_at, Adjustment.id)):
        found[row.member_id].append(row)
    return found


async def adjustments(session: AsyncSession, *, member_id: str | None = None) -> list[Adjustment]:
    query = select(Adjustment).order_by(Adjustment.created_at, Adjustment.id)
    if member_id is not None:
        query = query.where(Adjustment.member_id == member_id)
    return list((await session.scalars(query)).all())


async def adjustments_page(
    session: AsyncSession, *, page: PageQuery, member_id: str | None = None
) -> tuple[list[Adjustment], str | None]:
    """One page of the adjustments (of ``member_id``), in the page's order."""
    query = select(Adjustment)
    if member_id is not None:
        query = query.where(Adjustment.member_id == member_id)
    columns: dict[str, Column] = {
        "created_at": Adjustment.created_at,
        "period": Adjustment.period,
        "member_id": Adjustment.member_id,
        "amount": Adjustment.amount,
    }
    return await page.fetch(session, query, columns, Adjustment.id)


# ----------------------------------------------------------------------------- projects


async def get_project(
    session: AsyncSession, *, project_id: str, lock: bool = False
) -> Project | None:
    return await session.get(Project, project_id, with_for_update=lock or None)


async def projects(session: AsyncSession) -> list[Project]:
    return list((await session.scalars(select(Project).order_by(Project.created_at))).all())


async def projects_page(
    session: AsyncSession, *, page: PageQuery, state: str | None = None
) -> tuple[list[Project], str | None]:
    """One page of the projects (in ``state``), in the page's order."""
    query = select(Project)
    if state is not None:
        query = query.where(Project.state == state)
    columns: dict[str, Column] = {
        "created_at": Project.created_at,
        "name": Project.name,
        "state": Project.state,
    }
    return await page.fetch(session, query, columns, Project.id)


async def payable_projects(session: AsyncSession, *, run_id: str) -> list[Project]:
    """Approved projects not yet taken by another run: this draft run pays them."""
    rows = await session.scalars(
        select(Project)
        .where(
            Project.state == "approved",
            Project.paid_run_id.is_(None) | (Project.paid_run_id == run_id),
        )
        .order_by(Project.approved_at, Project.id)
    )
    return list(rows.all())


# ----------------------------------------------------------------------------- stars


async def get_stars(session: AsyncSession, *, month: str, lock: bool = False) -> StarAward | None:
    """The month's award; ``lock``: held (and read afresh) until the transaction ends."""
    if lock:
        return await session.get(StarAward, month, with_for_update=True, populate_existing=True)
    return await session.get(StarAward, month)


async def star_awards(session: AsyncSession) -> list[StarAward]:
    return list((await session.scalars(select(StarAward).order_by(StarAward.month))).all())


async def star_awards_page(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[StarAward], str | None]:
    """One page of the months' stars, in the page's order."""
    columns: dict[str, Column] = {
        "month": StarAward.month,
        "awarded_at": StarAward.awarded_at,
    }
    return await page.fetch(session, select(StarAward), columns, StarAward.month)
