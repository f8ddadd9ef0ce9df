"""Collab's own copies of goals' members and org units; copies only move forward (a lower
version arriving late changes nothing)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import MemberCopy, OrgUnitCopy
from collab.schemas import MemberChangedV1, OrgUnitChangedV1


async def apply_org_unit_changed(session: AsyncSession, *, change: OrgUnitChangedV1) -> None:
    await repository.upsert_newer(
        session,
        model=OrgUnitCopy,
        values={
            "id": change.unit_id,
            "name": change.name,
            "kind": change.kind,
            "parent_id": change.parent_id,
            "source_version": change.version,
        },
    )


async def apply_member_changed(session: AsyncSession, *, change: MemberChangedV1) -> None:
    await repository.upsert_newer(
        session,
        model=MemberCopy,
        values={
            "id": change.member_id,
            "name": change.name,
            "home_unit_id": change.home_unit_id,
            "unit_path": change.unit_path or [change.home_unit_id],
            "manager_id": change.manager_id,
            "left_on": change.left_on,
            "source_version": change.version,
        },
    )
