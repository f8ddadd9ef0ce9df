"""Queries for the dashboard: incentives' copy of the org tree (a unit's subtree) and the
core projects concluded in a span of time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incentives.models import OrgUnitCopy, Project

__all__ = ["concluded_core_projects", "get_org_unit", "unit_subtree"]


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnitCopy | None:
    return await session.get(OrgUnitCopy, unit_id)


async def unit_subtree(session: AsyncSession, *, roots: Iterable[str]) -> set[str]:
    """The units in ``roots`` and every unit below them, by the copies' parent ids."""
    units = set(roots)
    if not units:
        return units
    below = select(OrgUnitCopy.id).where(OrgUnitCopy.parent_id.in_(units)).cte(recursive=True)
    # UNION, not UNION ALL: a cycle in copies that arrived out of order still ends.
    below = below.union(select(OrgUnitCopy.id).where(OrgUnitCopy.parent_id == below.c.id))
    return units | set((await session.scalars(select(below.c.id))).all())


async def concluded_core_projects(
    session: AsyncSession, *, unit_ids: Iterable[str], start: datetime, end: datetime
) -> list[Project]:
    """The core projects of ``unit_ids`` concluded in ``[start, end)``, oldest first."""
    rows = await session.scalars(
        select(Project)
        .where(
            Project.unit_id.in_(sorted(set(unit_ids))),
            Project.core.is_(True),
            Project.outcome.is_not(None),
            Project.concluded_at >= start,
            Project.concluded_at < end,
        )
        .order_by(Project.concluded_at, Project.id)
    )
    return list(rows.all())
