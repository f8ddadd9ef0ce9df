"""Queries on settled months, on who was active in a month, and on deliberate re-scores."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from performance.models import LiveScore, MemberCopy, MonthSettlement, ScoreRescore


async def newest_settlement(session: AsyncSession, *, month: str) -> MonthSettlement | None:
    return await session.scalar(
        select(MonthSettlement)
        .where(MonthSettlement.month == month)
        .order_by(MonthSettlement.revision.desc())
        .limit(1)
    )


async def members_active_in(session: AsyncSession, *, start: date, end: date) -> list[str]:
    """Members active at any time between ``start`` and ``end`` (hired by the end, not
    left before the start), by id."""
    rows = await session.scalars(
        select(MemberCopy.id)
        .where(
            MemberCopy.hired_on <= end,
            or_(MemberCopy.left_on.is_(None), MemberCopy.left_on >= start),
        )
        .order_by(MemberCopy.id)
    )
    return list(rows.all())


async def scores_of_month(session: AsyncSession, *, month: str) -> list[LiveScore]:
    """Every live score of the month, by member id."""
    rows = await session.scalars(
        select(LiveScore).where(LiveScore.month == month).order_by(LiveScore.member_id)
    )
    return list(rows.all())


async def rescores_of(session: AsyncSession, *, member_id: str, month: str) -> list[ScoreRescore]:
    """The deliberate re-scores of a member's month, oldest first."""
    rows = await session.scalars(
        select(ScoreRescore)
        .where(ScoreRescore.member_id == member_id, ScoreRescore.month == month)
        .order_by(ScoreRescore.rescored_at, ScoreRescore.id)
    )
    return list(rows.all())
