"""Rules of the goals service."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import OrgUnitChanged, outbox
from goals.models import OrgUnit
from goals.schemas import OrgUnitCreate
from shared.api import decode_cursor, encode_cursor
from shared.auth import Principal, Role
from shared.errors import NotFound, Unprocessable


async def create_org_unit(
    session: AsyncSession, *, principal: Principal, body: OrgUnitCreate
) -> OrgUnit:
    """Create an org unit under an existing parent and publish ``OrgUnitChanged``."""
    principal.require(Role.admin, Role.hr)
    if (
        body.parent_id is not None
        and await repository.get_org_unit(session, unit_id=body.parent_id) is None
    ):
        raise Unprocessable(
            f"parent org unit {body.parent_id} does not exist",
            errors=[{"loc": ["body", "parent_id"], "msg": "unknown org unit", "type": "not_found"}],
        )
    unit = await repository.add_org_unit(
        session,
        unit=OrgUnit(
            id=str(uuid.uuid4()),
            name=body.name,
            kind=body.kind.value,
            parent_id=body.parent_id,
            version=1,
        ),
    )
    await outbox.publish(
        session,
        OrgUnitChanged(
            unit_id=unit.id,
            name=unit.name,
            kind=unit.kind,
            parent_id=unit.parent_id,
            version=unit.version,
        ),
    )
    return unit


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnit:
    unit = await repository.get_org_unit(session, unit_id=unit_id)
    if unit is None:
        raise NotFound(f"org unit {unit_id} does not exist")
    return unit


async def list_org_units(
    session: AsyncSession, *, parent_id: str | None, cursor: str | None, limit: int
) -> tuple[list[OrgUnit], str | None]:
    after = None
    if cursor is not None:
        created_at, unit_id = decode_cursor(cursor, 2)
        try:
            after = (datetime.fromisoformat(created_at), unit_id)
        except ValueError as exc:
            raise Unprocessable("the cursor is not one this API issued") from exc
    units = await repository.list_org_units(
        session, parent_id=parent_id, after=after, limit=limit + 1
    )
    next_cursor = None
    if len(units) > limit:
        units = units[:limit]
        next_cursor = encode_cursor(units[-1].created_at.isoformat(), units[-1].id)
    return units, next_cursor
