"""Queries on meetings and action items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, cast, exists, or_, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from collab.models import (
    ActionItem,
    Meeting,
    MemberCopy,
)
from collab.repository.rows import one
from collab.repository.search import TextSearch, matching, no_relevance
from shared.paging import Column, PageQuery


async def get_meeting(
    session: AsyncSession, *, meeting_id: str, for_update: bool = False
) -> Meeting | None:
    if not for_update:
        return await session.get(Meeting, meeting_id)
    statement = (
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).first()


async def monthly_meeting(session: AsyncSession, *, month: str) -> Meeting | None:
    rows = await session.scalars(
        select(Meeting).where(Meeting.kind == "monthly_cross_department", Meeting.month == month)
    )
    return rows.first()


async def actions_of(session: AsyncSession, *, source_ids: Sequence[str]) -> list[ActionItem]:
    rows = await session.scalars(
        select(ActionItem)
        .where(ActionItem.source_id.in_(list(source_ids)))
        .order_by(ActionItem.due_on, ActionItem.created_at, ActionItem.id)
    )
    return list(rows.all())


async def get_action(
    session: AsyncSession, *, action_id: str, for_update: bool = False
) -> ActionItem | None:
    return await one(session, ActionItem, ActionItem.id == action_id, for_update)


def _attends(member: Column | str) -> ColumnElement[bool]:
    """``member`` is the meeting's host, recorder, a speaker or an attendee."""
    return or_(
        Meeting.host_id == member,
        Meeting.recorder_id == member,
        cast(Meeting.speaker_ids, JSONB).has_key(member),
        cast(Meeting.attendee_ids, JSONB).has_key(member),
    )


def meeting_visibility(*, everything: bool, member_id: str) -> ColumnElement[bool]:
    """The meetings a principal may see, as a condition (the rule of
    ``access.may_see_meeting``): its attendees, its creator, and the managers of its
    attendees (by collab's copies of the members)."""
    if everything:
        return true()
    return or_(
        _attends(member_id),
        Meeting.created_by == member_id,
        exists().where(MemberCopy.manager_id == member_id, _attends(MemberCopy.id)),
    )


MEETING_COLUMNS: dict[str, Column] = {
    "scheduled_at": Meeting.scheduled_at,
    "created_at": Meeting.created_at,
    "title": Meeting.title,
}
MEETING_SORTS = (*MEETING_COLUMNS, "relevance")
"""``relevance`` ranks a search (``q``) as the knowledge base's does; without one it is 0."""


def meeting_search_statement(
    *, visible: ColumnElement[bool], search: TextSearch | None, page: PageQuery
) -> Select[Any]:
    """The statement ``list_meetings`` runs (one page plus one row): the visible meetings
    holding ``search`` in their title, goal or minutes (served by the GIN index)."""
    statement = select(Meeting).where(visible)
    relevance = no_relevance()
    if search is not None:
        condition, relevance = matching(Meeting.search_tokens, Meeting.search_title, search)
        statement = statement.where(condition)
    return page.apply(statement, {**MEETING_COLUMNS, "relevance": relevance}, Meeting.id)


async def list_meetings(
    session: AsyncSession,
    *,
    visible: ColumnElement[bool],
    search: TextSearch | None,
    page: PageQuery,
) -> tuple[list[Meeting], str | None]:
    """One page of the visible meetings holding ``search`` (every one when None)."""
    statement = meeting_search_statement(visible=visible, search=search, page=page)
    found: list[Meeting] = list((await session.scalars(statement)).all())
    return page.page(found)
