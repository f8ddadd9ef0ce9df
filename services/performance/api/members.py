"""Performance's copy of a member: what its scores, reviews and competencies are computed
from."""

from __future__ import annotations

from fastapi import APIRouter

from performance import repository
from performance.schemas.members import MemberCopyRead
from performance.service.access import require_member_visible
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.errors import NotFound

router = APIRouter()


@router.get("/members/{member_id}", response_model=MemberCopyRead, tags=["members"])
async def read_member_copy(
    member_id: str, session: SessionDep, principal: CurrentPrincipal
) -> MemberCopyRead:
    """The member as performance last heard of them from goals, with their position and
    mentor: the member, their managers, HR (404 until performance has heard of them, or when
    the caller may not see them)."""
    await require_member_visible(session, principal, member_id)
    member = await repository.get_member(session, member_id=member_id)
    if member is None:
        raise NotFound(f"performance has no copy of member {member_id} yet")
    return MemberCopyRead.model_validate(member)
