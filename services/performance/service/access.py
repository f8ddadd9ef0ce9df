"""Who may see what in performance: a member their own, a manager their units' subtree (by
the member's unit path from goals), HR and admins everything."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from shared.auth import Principal, Role
from shared.errors import Forbidden, NotFound


async def may_see_member(session: AsyncSession, principal: Principal, member_id: str) -> bool:
    if principal.has(Role.hr, Role.admin) or principal.member_id == member_id:
        return True
    if not principal.has(Role.manager):
        return False
    member = await repository.get_member(session, member_id=member_id)
    return member is not None and bool(set(member.unit_path) & set(principal.org_units))


async def require_member_visible(
    session: AsyncSession, principal: Principal, member_id: str
) -> None:
    """404 rather than 403: a member must not learn whose scores or reviews exist."""
    if not await may_see_member(session, principal, member_id):
        raise NotFound("no such resource, or it is not yours to see")


def require_hr(principal: Principal) -> None:
    principal.require(Role.hr, Role.admin)


async def require_unit_reader(
    session: AsyncSession, principal: Principal, unit_id: str, what: str
) -> None:
    """A unit's figures (training, health) are for HR and the managers of the unit or of a
    unit above it (a manager's scope is the subtree of the units in the token)."""
    if principal.has(Role.hr, Role.admin):
        return
    if principal.has(Role.manager):
        managed = set(principal.org_units)
        current: str | None = unit_id
        seen: set[str] = set()
        while current is not None and current not in seen:
            if current in managed:
                return
            seen.add(current)
            unit = await repository.get_org_unit(session, unit_id=current)
            current = unit.parent_id if unit is not None else None
    raise Forbidden(f"a unit's manager or HR reads its {what}")
