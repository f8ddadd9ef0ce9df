"""Queries on incentives' copies of other services' data: members (goals), KPI figures
(goals), closed reviews and live scores (performance)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from incentives.models import KpiFigure, MemberCopy, MonthlyScore, ReviewResult

__all__ = [
    "figures",
    "get_member",
    "kpi_figure_copies",
    "members",
    "members_by_ids",
    "period_figures",
    "period_reviews",
    "review",
    "review_copies",
    "save_figures",
    "save_reviews",
    "save_scores",
    "score_copies",
]


async def get_member(
    session: AsyncSession, *, member_id: str, lock: bool = False
) -> MemberCopy | None:
    """The member's copy; ``lock``: held (and read afresh) until the transaction ends."""
    if lock:
        return await session.get(
            MemberCopy, member_id, with_for_update=True, populate_existing=True
        )
    return await session.get(MemberCopy, member_id)


async def members(session: AsyncSession) -> list[MemberCopy]:
    return list((await session.scalars(select(MemberCopy).order_by(MemberCopy.id))).all())


async def members_by_ids(session: AsyncSession, *, member_ids: set[str]) -> list[MemberCopy]:
    rows = await session.scalars(
        select(MemberCopy).where(MemberCopy.id.in_(member_ids)).order_by(MemberCopy.id)
    )
    return list(rows.all())


async def save_figures(
    session: AsyncSession, *, rows: list[dict[str, Any]]
) -> set[tuple[str, str, str]]:
    """Keep the newest figure of each (member, kpi, period), one row each; an older event
    arriving late changes nothing. Goals' figure version says which is newer; the event
    time only where one lacks it. Returns the keys stored."""
    if not rows:
        return set()
    # Many rows as one executemany: compiled once and cached, whatever their number.
    statement = insert(KpiFigure)
    incoming = statement.excluded
    versioned = and_(KpiFigure.source_version.is_not(None), incoming.source_version.is_not(None))
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[KpiFigure.member_id, KpiFigure.kpi, KpiFigure.period],
            set_={k: incoming[k] for k in rows[0]},
            where=or_(
                and_(versioned, KpiFigure.source_version <= incoming.source_version),
                and_(~versioned, KpiFigure.event_time <= incoming.event_time),
            ),
        ).returning(KpiFigure.member_id, KpiFigure.kpi, KpiFigure.period),
        rows,
    )
    return {(row.member_id, row.kpi, row.period) for row in result}


async def figures(session: AsyncSession, *, member_id: str, period: str) -> list[KpiFigure]:
    rows = await session.scalars(
        select(KpiFigure).where(KpiFigure.member_id == member_id, KpiFigure.period == period)
    )
    return list(rows.all())


async def kpi_figure_copies(session: AsyncSession) -> list[KpiFigure]:
    """Every KPI figure copied from goals."""
    rows = await session.scalars(
        select(KpiFigure).order_by(KpiFigure.member_id, KpiFigure.period, KpiFigure.kpi)
    )
    return list(rows.all())


async def save_reviews(
    session: AsyncSession, *, rows: list[dict[str, Any]]
) -> set[tuple[str, str]]:
    """Keep the newest revision of each member's review for a period (one row each).
    Returns the (member, period) keys stored."""
    if not rows:
        return set()
    # Many rows as one executemany: compiled once and cached, whatever their number.
    statement = insert(ReviewResult)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[ReviewResult.member_id, ReviewResult.period],
            set_={k: statement.excluded[k] for k in rows[0]},
            where=ReviewResult.revision < statement.excluded.revision,
        ).returning(ReviewResult.member_id, ReviewResult.period),
        rows,
    )
    return {(row.member_id, row.period) for row in result}


async def period_figures(
    session: AsyncSession, *, period: str, member_ids: set[str] | None = None
) -> dict[str, dict[str, KpiFigure]]:
    query = select(KpiFigure).where(KpiFigure.period == period)
    if member_ids is not None:
        query = query.where(KpiFigure.member_id.in_(member_ids))
    found: dict[str, dict[str, KpiFigure]] = defaultdict(dict)
    for row in await session.scalars(query):
        found[row.member_id][row.kpi] = row
    return found


async def period_reviews(
    session: AsyncSession, *, period: str, member_ids: set[str] | None = None
) -> dict[str, ReviewResult]:
    query = select(ReviewResult).where(ReviewResult.period == period)
    if member_ids is not None:
        query = query.where(ReviewResult.member_id.in_(member_ids))
    return {row.member_id: row for row in await session.scalars(query)}


async def review(session: AsyncSession, *, member_id: str, period: str) -> ReviewResult | None:
    return await session.get(ReviewResult, (member_id, period))


async def review_copies(session: AsyncSession) -> list[ReviewResult]:
    """Every closed review copied from performance."""
    rows = await session.scalars(
        select(ReviewResult).order_by(ReviewResult.member_id, ReviewResult.period)
    )
    return list(rows.all())


async def save_scores(session: AsyncSession, *, rows: list[dict[str, Any]]) -> None:
    """Keep the newest revision of each member's live score for a month (one row each)."""
    if not rows:
        return
    # Many rows as one executemany: compiled once and cached, whatever their number.
    statement = insert(MonthlyScore)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[MonthlyScore.member_id, MonthlyScore.month],
            set_={k: statement.excluded[k] for k in rows[0]},
            where=MonthlyScore.revision < statement.excluded.revision,
        ),
        rows,
    )


async def score_copies(session: AsyncSession) -> list[MonthlyScore]:
    """Every live monthly score copied from performance."""
    rows = await session.scalars(
        select(MonthlyScore).order_by(MonthlyScore.member_id, MonthlyScore.month)
    )
    return list(rows.all())
