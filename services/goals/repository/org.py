"""Queries on the organisation: org units, members, squads and mentorships."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import (
    Member,
    Mentorship,
    OrgUnit,
    SquadMembership,
)
from shared.paging import PageQuery


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnit | None:
    return await session.get(OrgUnit, unit_id)


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


async def mentorships_of_mentee(session: AsyncSession, *, mentee_id: str) -> list[Mentorship]:
    found = await session.scalars(
        select(Mentorship).where(Mentorship.mentee_id == mentee_id).order_by(Mentorship.starts_on)
    )
    return list(found.all())
