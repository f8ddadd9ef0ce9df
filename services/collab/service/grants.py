"""Data grants: a unit lets another unit read one of its data sets until a date. Every
change is published as ``DataGrantChanged`` (goals honours ``kpi_figures`` grants)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.events import DataGrantChanged, outbox
from collab.models import DataGrant
from collab.schemas import GrantCreate, GrantRead, GrantUpdate
from collab.service.access import Scope, require_unit_manager, scope_of
from shared.access import hidden
from shared.api import check_if_match
from shared.auth import Principal
from shared.errors import Conflict, invalid
from shared.paging import PageQuery


def is_active(grant: DataGrant, today: date) -> bool:
    return grant.revoked_at is None and grant.valid_until >= today


def to_read(grant: DataGrant, today: date) -> GrantRead:
    return GrantRead(
        id=grant.id,
        grantor_unit_id=grant.grantor_unit_id,
        grantee_unit_id=grant.grantee_unit_id,
        data_set=grant.data_set,
        valid_until=grant.valid_until,
        revoked_at=grant.revoked_at,
        granted_by=grant.granted_by,
        reason=grant.reason,
        active=is_active(grant, today),
        version=grant.version,
    )


async def _publish(session: AsyncSession, grant: DataGrant) -> None:
    await outbox.publish(
        session,
        DataGrantChanged(
            grant_id=grant.id,
            grantor_unit_id=grant.grantor_unit_id,
            grantee_unit_id=grant.grantee_unit_id,
            data_set=grant.data_set,
            valid_until=grant.valid_until,
            active=grant.revoked_at is None,
            version=grant.version,
        ),
    )


async def create_grant(
    session: AsyncSession, *, principal: Principal, body: GrantCreate, today: date
) -> DataGrant:
    """The grantor unit's manager (or the manager of a unit above it, HR, an admin) grants
    read access until a date."""
    scope = await scope_of(session, principal)
    require_unit_manager(scope, body.grantor_unit_id, "share a unit's data")
    if body.grantee_unit_id == body.grantor_unit_id:
        raise invalid("grantee_unit_id", "a unit does not need a grant to read its own data")
    if body.valid_until < today:
        raise invalid("valid_until", "a grant must end today or later")
    grant: DataGrant = await repository.add(
        session,
        row=DataGrant(
            id=str(uuid.uuid4()),
            grantor_unit_id=body.grantor_unit_id,
            grantee_unit_id=body.grantee_unit_id,
            data_set=body.data_set.value,
            valid_until=body.valid_until,
            granted_by=principal.member_id,
            reason=body.reason,
            version=1,
        ),
    )
    await _publish(session, grant)
    return grant


async def _grant_for_change(
    session: AsyncSession, principal: Principal, grant_id: str
) -> DataGrant:
    scope = await scope_of(session, principal)
    grant = await _find_grant(session, scope, grant_id, for_update=True)
    require_unit_manager(scope, grant.grantor_unit_id, "change a unit's grants")
    if grant.revoked_at is not None:
        raise Conflict("this grant was revoked; make a new one")
    return grant


async def update_grant(
    session: AsyncSession,
    *,
    principal: Principal,
    grant_id: str,
    body: GrantUpdate,
    if_match: str | None,
    today: date,
) -> DataGrant:
    grant = await _grant_for_change(session, principal, grant_id)
    check_if_match(if_match, grant.id, grant.version)
    if body.valid_until < today:
        raise invalid("valid_until", "to end a grant now, revoke it")
    grant.valid_until = body.valid_until
    grant.version += 1
    await session.flush()
    await _publish(session, grant)
    return grant


async def revoke_grant(
    session: AsyncSession, *, principal: Principal, grant_id: str, now: datetime
) -> DataGrant:
    grant = await _grant_for_change(session, principal, grant_id)
    grant.revoked_at = now
    grant.version += 1
    await session.flush()
    await _publish(session, grant)
    return grant


async def _find_grant(
    session: AsyncSession, scope: Scope, grant_id: str, *, for_update: bool = False
) -> DataGrant:
    """A grant its grantor's or grantee's side may see (the units in the scope), else 404."""
    grant = await repository.get_grant(session, grant_id=grant_id, for_update=for_update)
    if grant is None or not (
        scope.everything or {grant.grantor_unit_id, grant.grantee_unit_id} & scope.units
    ):
        raise hidden()
    return grant


async def get_grant(session: AsyncSession, *, principal: Principal, grant_id: str) -> DataGrant:
    return await _find_grant(session, await scope_of(session, principal), grant_id)


async def list_grants(
    session: AsyncSession, *, principal: Principal, page: PageQuery
) -> tuple[list[DataGrant], str | None]:
    """One page of the grants the units in the principal's scope gave or received (all for
    HR)."""
    scope = await scope_of(session, principal)
    units = None if scope.everything else sorted(scope.units)
    return await repository.list_grants(session, unit_ids=units, page=page)
