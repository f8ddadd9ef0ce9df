"""A person's action items across meetings and retrospectives, by state."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from collab import repository
from collab.models import ActionItem
from collab.schemas import ActionState
from collab.service.access import scope_of
from shared.access import hidden
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
    visible = await _visibility(session, principal)
    condition = repository.action_state(state.value, today) if state is not None else None
    return await repository.list_actions(
        session,
        visible=visible,
        owner_id=owner_id or principal.member_id,
        state=condition,
        page=page,
    )


async def get_action(session: AsyncSession, *, principal: Principal, action_id: str) -> ActionItem:
    """One action item, for whoever may see it in a list (``list_actions``)."""
    action = await repository.visible_action(
        session, action_id=action_id, visible=await _visibility(session, principal)
    )
    if action is None:
        raise hidden()
    return action


async def _visibility(session: AsyncSession, principal: Principal) -> ColumnElement[bool]:
    scope = await scope_of(session, principal)
    return repository.action_visibility(
        everything=scope.everything, member_id=scope.member_id, unit_ids=sorted(scope.units)
    )
