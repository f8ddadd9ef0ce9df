"""Who may see what in performance: a member their own, a manager their units' subtree (by
the member's unit path from goals), HR and admins everything."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from shared.access import ancestors_by, hidden, in_subtree, sees_everything
from shared.access import require_hr as require_hr
from shared.auth import Principal, Role
from shared.errors import Forbidden


async def may_see_member(session: AsyncSession, principal: Principal, member_id: str) -> bool:
    if sees_everything(principal) or principal.member_id == member_id:
        return True
    if not principal.has(Role.manager):
        return False
    member = await repository.get_member(session, member_id=member_id)
    return member is not None and in_subtree(member.unit_path, principal.org_units)


async def require_member_visible(
    session: AsyncSession, principal: Principal, member_id: str
) -> None:
    """404 rather than 403: a member must not learn whose scores or reviews exist."""
    if not await may_see_member(session, principal, member_id):
        raise hidden()


async def require_unit_reader(
    session: AsyncSession, principal: Principal, unit_id: str, what: str
) -> None:
    """A unit's figures (training, health) are for HR and the managers of the unit or of a
    unit above it (a manager's scope is the subtree of the units in the token)."""
    if sees_everything(principal):
        return

    async def parent_of(unit: str) -> str | None:
        found = await repository.get_org_unit(session, unit_id=unit)
        return found.parent_id if found is not None else None

    if principal.has(Role.manager) and in_subtree(
        await ancestors_by(unit_id, parent_of), principal.org_units
    ):
        return
    raise Forbidden(f"a unit's manager or HR reads its {what}")
