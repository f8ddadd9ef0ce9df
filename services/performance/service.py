"""Rules of the performance service."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import OrgUnitCopy
from performance.schemas import OrgUnitChangedV1
from shared.errors import NotFound


async def apply_org_unit_changed(session: AsyncSession, *, change: OrgUnitChangedV1) -> None:
    await repository.upsert_org_unit(
        session,
        unit_id=change.unit_id,
        name=change.name,
        kind=change.kind,
        parent_id=change.parent_id,
        version=change.version,
    )


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnitCopy:
    unit = await repository.get_org_unit(session, unit_id=unit_id)
    if unit is None:
        raise NotFound(f"org unit {unit_id} is not known to performance")
    return unit
