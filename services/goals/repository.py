"""The only place with queries on the goals schema."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import OrgUnit


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnit | None:
    return await session.get(OrgUnit, unit_id)


async def add_org_unit(session: AsyncSession, *, unit: OrgUnit) -> OrgUnit:
    session.add(unit)
    await session.flush()
    await session.refresh(unit)
    return unit


async def list_org_units(
    session: AsyncSession,
    *,
    parent_id: str | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[OrgUnit]:
    query = select(OrgUnit).order_by(OrgUnit.created_at, OrgUnit.id).limit(limit)
    if parent_id is not None:
        query = query.where(OrgUnit.parent_id == parent_id)
    if after is not None:
        query = query.where(tuple_(OrgUnit.created_at, OrgUnit.id) > tuple_(*after))
    return list((await session.scalars(query)).all())
