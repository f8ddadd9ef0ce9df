"""Performance's own copies of goals' members, org units and positions.

Copies only move forward (a lower version arriving late changes nothing). A member's
indicator inputs may arrive before the member does; their scores follow once it is known."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import MemberCopy, OrgUnitCopy, PositionCopy
from performance.schemas import MemberChangedV1, OrgUnitChangedV1, PositionChangedV1
from performance.service.scoring import lock_scoring, recompute_many
from shared.db import upsert_newer
from shared.errors import NotFound


async def apply_org_unit_changed(session: AsyncSession, *, change: OrgUnitChangedV1) -> None:
    await upsert_newer(
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
    """Keep the newer copy; a change of what picks the member's template (layer, tier,
    units) rescores every month the member has inputs for."""
    # First: the months to rescore are read below, and a month another writer adds
    # meanwhile is scored by that writer after this commits, with this copy.
    await lock_scoring(session, [change.member_id])
    before = await repository.get_member(session, member_id=change.member_id)
    await upsert_newer(
        session,
        model=MemberCopy,
        values={
            "id": change.member_id,
            "name": change.name,
            "home_unit_id": change.home_unit_id,
            "unit_path": change.unit_path or [change.home_unit_id],
            "layer": change.layer,
            "tier": change.tier,
            "manager_id": change.manager_id,
            "hired_on": change.hired_on,
            "left_on": change.left_on,
            "leave_reason": change.leave_reason,
            "position_id": change.position_id,
            "mentor_id": change.mentor_id,
            "source_version": change.version,
        },
    )
    if before is None or (before.layer, before.tier, before.unit_path) != (
        change.layer,
        change.tier,
        change.unit_path,
    ):
        session.expire_all()
        await recompute_many(
            session, await repository.months_with_inputs_of(session, [change.member_id])
        )


async def apply_position_changed(session: AsyncSession, *, change: PositionChangedV1) -> None:
    """The newest version of a position wins: its requirements are what its holders are
    assessed against from then on."""
    await upsert_newer(
        session,
        model=PositionCopy,
        values={
            "id": change.position_id,
            "unit_id": change.unit_id,
            "title": change.title,
            "function": change.function,
            "layer": change.layer,
            "core": change.core,
            "jd_version": change.jd_version,
            "required_competencies": [
                r.model_dump(mode="json") for r in change.required_competencies
            ],
            "active": change.active,
            "source_version": change.version,
        },
    )


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnitCopy:
    unit = await repository.get_org_unit(session, unit_id=unit_id)
    if unit is None:
        raise NotFound(f"org unit {unit_id} is not known to performance")
    return unit
