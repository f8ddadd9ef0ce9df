"""Incentives' copy of a member: what pay is computed from, readable by whoever may see the
member's pay."""

from __future__ import annotations

from fastapi import APIRouter

from incentives import repository
from incentives.schemas.members import MemberCopyRead
from incentives.service import access
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.errors import NotFound

router = APIRouter()


@router.get("/members/{member_id}", response_model=MemberCopyRead, tags=["members"])
async def read_member_copy(
    member_id: str, session: SessionDep, principal: CurrentPrincipal
) -> MemberCopyRead:
    """The member as incentives last heard of them from goals (404 until it has, or when the
    caller may not see the member's pay)."""
    await access.require_member_visible(session, principal, member_id)
    member = await repository.get_member(session, member_id=member_id)
    if member is None:
        raise NotFound(f"incentives has no copy of member {member_id} yet")
    return MemberCopyRead.model_validate(member)
