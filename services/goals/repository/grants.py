"""Goals' copies of collab's data grants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import (
    DataGrantCopy,
)


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
