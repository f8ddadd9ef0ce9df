"""A person's action items across meetings and retrospectives, by state."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import ActionItem
from collab.schemas import ActionState
from collab.service.access import scope_of
from shared.auth import Principal
from shared.paging import PageQuery


async def list_actions(
    session: AsyncSession,
    *,
    principal: Principal,
    owner_id: str | None,
    state: ActionState | None,
    today: date,
    page: PageQuery,
) -> tuple[list[ActionItem], str | None]:
    """One page of the action items ``owner_id`` (the caller when None) owes, in ``state``:
    all of them for the owner, their manager (by collab's copies), HR and admins; for anyone
    else those they created or that a meeting or retrospective they may see shows."""
    scope = await scope_of(session, principal)
    visible = repository.action_visibility(
        everything=scope.everything, member_id=scope.member_id, unit_ids=sorted(scope.units)
    )
    condition = repository.action_state(state.value, today) if state is not None else None
    return await repository.list_actions(
        session,
        visible=visible,
        owner_id=owner_id or principal.member_id,
        state=condition,
        page=page,
    )
