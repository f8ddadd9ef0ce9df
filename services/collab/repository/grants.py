"""Queries on data grants."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from collab.models import (
    DataGrant,
)
from collab.repository.rows import one
from shared.paging import Column, PageQuery


async def get_grant(
    session: AsyncSession, *, grant_id: str, for_update: bool = False
) -> DataGrant | None:
    return await one(session, DataGrant, DataGrant.id == grant_id, for_update)


GRANT_COLUMNS: dict[str, Column] = {
    "created_at": DataGrant.created_at,
    "valid_until": DataGrant.valid_until,
    "data_set": DataGrant.data_set,
}
GRANT_SORTS = tuple(GRANT_COLUMNS)


async def list_grants(
    session: AsyncSession, *, unit_ids: Sequence[str] | None, page: PageQuery
) -> tuple[list[DataGrant], str | None]:
    """One page of the grants the units gave or received (``None``: every unit's)."""
    statement = select(DataGrant)
    if unit_ids is not None:
        units = list(unit_ids)
        statement = statement.where(
            or_(DataGrant.grantor_unit_id.in_(units), DataGrant.grantee_unit_id.in_(units))
        )
    return await page.fetch(session, statement, GRANT_COLUMNS, DataGrant.id)
