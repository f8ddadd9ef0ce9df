"""Queries on action items across their sources (meetings, retrospectives)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from collab.models import ActionItem, Meeting, MemberCopy, Retrospective
from collab.repository.meetings import meeting_visibility
from shared.paging import Column, PageQuery


def action_visibility(
    *, everything: bool, member_id: str, unit_ids: Sequence[str]
) -> ColumnElement[bool]:
    """The action items a principal may see, as a condition: those they own or created
    (as ``GET /collab/action-items/{id}``), their reports' (by collab's copies), and those
    a meeting or a retrospective they may see shows (``unit_ids``: the units whose
    retrospectives they see)."""
    if everything:
        return true()
    units = list(unit_ids)
    in_meeting = exists().where(
        Meeting.id == ActionItem.source_id,
        meeting_visibility(everything=False, member_id=member_id),
    )
    in_retro = exists().where(
        Retrospective.id == ActionItem.source_id,
        or_(
            Retrospective.facilitator_id == member_id,
            Retrospective.unit_id.in_(units) if units else false(),
        ),
    )
    return or_(
        ActionItem.owner_id == member_id,
        ActionItem.created_by == member_id,
        exists().where(MemberCopy.id == ActionItem.owner_id, MemberCopy.manager_id == member_id),
        and_(ActionItem.source_type == "meeting", in_meeting),
        and_(ActionItem.source_type == "retrospective", in_retro),
    )


def action_state(state: str, today: date) -> ColumnElement[bool]:
    """``open`` (overdue ones too), ``done``, or ``overdue`` (open and due before today)."""
    if state == "overdue":
        return and_(ActionItem.status == "open", ActionItem.due_on < today)
    return ActionItem.status == state


ACTION_COLUMNS: dict[str, Column] = {
    "due_on": ActionItem.due_on,
    "created_at": ActionItem.created_at,
    "title": ActionItem.title,
}
ACTION_SORTS = tuple(ACTION_COLUMNS)


async def list_actions(
    session: AsyncSession,
    *,
    visible: ColumnElement[bool],
    owner_id: str,
    state: ColumnElement[bool] | None,
    page: PageQuery,
) -> tuple[list[ActionItem], str | None]:
    """One page of the visible action items ``owner_id`` owes, in ``state`` (any when None)."""
    statement = select(ActionItem).where(visible, ActionItem.owner_id == owner_id)
    if state is not None:
        statement = statement.where(state)
    return await page.fetch(session, statement, ACTION_COLUMNS, ActionItem.id)


async def visible_action(
    session: AsyncSession, *, action_id: str, visible: ColumnElement[bool]
) -> ActionItem | None:
    """The action item, if ``visible`` (``action_visibility``) lets the principal see it."""
    return await session.scalar(select(ActionItem).where(ActionItem.id == action_id, visible))
