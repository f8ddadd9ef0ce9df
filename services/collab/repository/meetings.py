"""Queries on meetings and action items."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from collab.models import (
    ActionItem,
    Meeting,
)
from collab.repository.rows import one


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
