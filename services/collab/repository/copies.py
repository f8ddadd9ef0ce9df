"""Queries on collab's copies of goals' org units and members (written by
``shared.db.upsert_newer``, reachable here as ``repository.upsert_newer``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from collab.models import (
    MemberCopy,
    OrgUnitCopy,
)


async def get_member(session: AsyncSession, *, member_id: str) -> MemberCopy | None:
    return await session.get(MemberCopy, member_id)


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnitCopy | None:
    return await session.get(OrgUnitCopy, unit_id)


async def subtree(session: AsyncSession, *, roots: Iterable[str]) -> set[str]:
    """The units in ``roots`` and every unit below them, by the copies' parent ids (a root
    the copies do not know stays in, on its own)."""
    units = set(roots)
    if not units:
        return units
    below = select(OrgUnitCopy.id).where(OrgUnitCopy.parent_id.in_(units)).cte(recursive=True)
    # UNION, not UNION ALL: a cycle in copies that arrived out of order still ends.
    below = below.union(select(OrgUnitCopy.id).where(OrgUnitCopy.parent_id == below.c.id))
    return units | set((await session.scalars(select(below.c.id))).all())


async def managers_of(session: AsyncSession, *, member_ids: Sequence[str]) -> set[str]:
    rows = await session.scalars(
        select(MemberCopy.manager_id).where(
            MemberCopy.id.in_(list(member_ids)), MemberCopy.manager_id.is_not(None)
        )
    )
    return {m for m in rows.all() if m is not None}


async def members_by_id(
    session: AsyncSession, *, member_ids: Iterable[str]
) -> dict[str, MemberCopy]:
    """Collab's copies of the members among ``member_ids`` it knows, by id."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    rows = await session.scalars(select(MemberCopy).where(MemberCopy.id.in_(ids)))
    return {member.id: member for member in rows.all()}


async def known_units(session: AsyncSession, *, unit_ids: Iterable[str]) -> set[str]:
    """The units among ``unit_ids`` collab's copies know."""
    ids = sorted(set(unit_ids))
    if not ids:
        return set()
    return set((await session.scalars(select(OrgUnitCopy.id).where(OrgUnitCopy.id.in_(ids)))).all())
