"""Who may see what in incentives: a member their own pay, a manager their units' members
(by the member's unit path from goals), finance, HR and admins everything."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from shared.auth import Principal, Role
from shared.errors import NotFound


async def may_see_member(session: AsyncSession, principal: Principal, member_id: str) -> bool:
    if principal.has(Role.finance, Role.hr, Role.admin) or principal.member_id == member_id:
        return True
    if not principal.has(Role.manager):
        return False
    member = await repository.get_member(session, member_id=member_id)
    return member is not None and bool(set(member.unit_path) & set(principal.org_units))


async def require_member_visible(
    session: AsyncSession, principal: Principal, member_id: str
) -> None:
    """404 rather than 403: a member must not learn whose pay exists."""
    if not await may_see_member(session, principal, member_id):
        raise NotFound("no such resource, or it is not yours to see")


def require_finance(principal: Principal) -> None:
    """Plans, revenue, runs and their approval are finance's (and admins')."""
    principal.require(Role.finance, Role.admin)


def require_finance_or_hr(principal: Principal) -> None:
    principal.require(Role.finance, Role.hr, Role.admin)


def require_manager(principal: Principal) -> None:
    principal.require(Role.manager, Role.hr, Role.admin)


STAR_AWARDERS = (Role.hr, Role.admin)
