"""Who may see what in incentives, and who may decide what about whom.

Seeing: a member their own pay, a manager their units' members (by the member's unit path
from goals), finance, HR and admins everything. Deciding ("nobody decides about
themselves"): nobody takes a decision that pays themselves, whatever their roles; a manager
decides only about the members of the units they manage and the units below them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import MemberCopy
from shared import access
from shared.auth import Principal, Role
from shared.errors import OUT_OF_SCOPE, SELF_DECISION, DecisionRefused

# Roles that answer for every member; a manager answers for their units' subtrees only.
COMPANY_WIDE = (Role.finance, Role.hr, Role.admin)


def in_subtree(principal: Principal, member: MemberCopy) -> bool:
    """The member's unit is one the principal manages, or below one (the copy's unit path
    holds the member's unit and its ancestors; the token's units are those managed)."""
    return access.in_subtree(member.unit_path, principal.org_units)


async def may_see_member(session: AsyncSession, principal: Principal, member_id: str) -> bool:
    if principal.has(*COMPANY_WIDE) or principal.member_id == member_id:
        return True
    if not principal.has(Role.manager):
        return False
    member = await repository.get_member(session, member_id=member_id)
    return member is not None and in_subtree(principal, member)


async def require_member_visible(
    session: AsyncSession, principal: Principal, member_id: str
) -> None:
    """404 rather than 403: a member must not learn whose pay exists."""
    if not await may_see_member(session, principal, member_id):
        raise access.hidden()


def refuse_self_decision(principal: Principal, member_id: str, *, action: str) -> None:
    """403 ``self-decision`` when ``action`` would pay the caller, whatever their roles."""
    if member_id == principal.member_id:
        raise DecisionRefused(
            SELF_DECISION,
            f"{action} is a decision about your own pay ({member_id}); another person takes it",
            actor=principal.member_id,
            action=action,
            subject=member_id,
        )


def require_in_scope(principal: Principal, member: MemberCopy, *, action: str) -> None:
    """403 ``out-of-scope`` unless the caller answers for the member: finance, HR and admins
    for everyone, a manager for the members of their units' subtrees."""
    if principal.has(*COMPANY_WIDE):
        return
    if principal.has(Role.manager) and in_subtree(principal, member):
        return
    raise DecisionRefused(
        OUT_OF_SCOPE,
        f"member {member.id} is outside the units you manage: {action} is not yours to decide",
        actor=principal.member_id,
        action=action,
        subject=member.id,
    )


def require_finance(principal: Principal) -> None:
    """Plans, revenue, runs and their approval are finance's (and admins')."""
    principal.require(Role.finance, Role.admin)


def require_finance_or_hr(principal: Principal) -> None:
    principal.require(Role.finance, Role.hr, Role.admin)


def require_manager(principal: Principal) -> None:
    principal.require(Role.manager, Role.hr, Role.admin)


STAR_AWARDERS = (Role.hr, Role.admin)
