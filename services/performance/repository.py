"""The only place with queries on the performance schema."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from performance.models import OrgUnitCopy


async def upsert_org_unit(
    session: AsyncSession,
    *,
    unit_id: str,
    name: str,
    kind: str,
    parent_id: str | None,
    version: int,
) -> None:
    """Insert or update the copy; an older version arriving late changes nothing."""
    values = {
        "id": unit_id,
        "name": name,
        "kind": kind,
        "parent_id": parent_id,
        "source_version": version,
    }
    statement = insert(OrgUnitCopy).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[OrgUnitCopy.id],
            set_={
                **{k: statement.excluded[k] for k in values if k != "id"},
                "updated_at": func.now(),
            },
            where=OrgUnitCopy.source_version < statement.excluded.source_version,
        )
    )


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnitCopy | None:
    return await session.get(OrgUnitCopy, unit_id)
