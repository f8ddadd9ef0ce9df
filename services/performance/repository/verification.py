"""The invariant checker's reads of whole tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from performance.models import (
    CalibrationAdjustment,
    CollabRequest,
    Feedback,
    IndicatorInput,
    LiveScore,
    Nomination,
    OrgUnitCopy,
    Review,
    ReviewCycle,
    ScorecardTemplate,
    outbox,
)


async def all_scores(session: AsyncSession) -> list[LiveScore]:
    rows = await session.scalars(select(LiveScore).order_by(LiveScore.member_id, LiveScore.month))
    return list(rows.all())


async def all_inputs(session: AsyncSession) -> dict[tuple[str, str], dict[str, IndicatorInput]]:
    """Every indicator input, by (member, month) and then by source."""
    found: dict[tuple[str, str], dict[str, IndicatorInput]] = defaultdict(dict)
    for row in await session.scalars(select(IndicatorInput)):
        found[(row.member_id, row.month)][row.source] = row
    return found


async def all_templates(session: AsyncSession) -> list[ScorecardTemplate]:
    """Every version of every template, in creation order."""
    rows = await session.scalars(
        select(ScorecardTemplate).order_by(ScorecardTemplate.created_at, ScorecardTemplate.id)
    )
    return list(rows.all())


async def request_counts(session: AsyncSession) -> dict[tuple[str, str], tuple[int, int]]:
    """(answered within the SLA, all) of the collab requests, by (member, month)."""
    rows = await session.execute(
        select(
            CollabRequest.member_id,
            CollabRequest.month,
            func.count().filter(CollabRequest.within_sla),
            func.count(),
        ).group_by(CollabRequest.member_id, CollabRequest.month)
    )
    return {(r[0], r[1]): (int(r[2]), int(r[3])) for r in rows}


async def last_published_scores(session: AsyncSession) -> dict[tuple[str, str], Any]:
    """The data of the newest ``ScoreComputed`` still in the outbox for each member and month."""
    data = outbox.c.envelope["data"]
    key = (data["member_id"].astext, data["month"].astext)
    rows = await session.execute(
        select(*key, data)
        .where(outbox.c.event_type == "performance.score.computed")
        .order_by(*key, outbox.c.id.desc())
        .ext(distinct_on(*key))
    )
    return {(r[0], r[1]): r[2] for r in rows}


async def org_unit_copies(session: AsyncSession) -> list[OrgUnitCopy]:
    return list((await session.scalars(select(OrgUnitCopy).order_by(OrgUnitCopy.id))).all())


async def scored_reviews(session: AsyncSession) -> list[Review]:
    """Reviews with a final score (calibrating or closed; a reopened one has none)."""
    rows = await session.scalars(
        select(Review).where(Review.final_score.is_not(None)).order_by(Review.id)
    )
    return list(rows.all())


async def cycles_by_id(
    session: AsyncSession, *, cycle_ids: Iterable[str]
) -> dict[str, ReviewCycle]:
    rows = await session.scalars(select(ReviewCycle).where(ReviewCycle.id.in_(list(cycle_ids))))
    return {row.id: row for row in rows}


async def last_adjustments(session: AsyncSession) -> dict[str, CalibrationAdjustment]:
    """The newest calibration adjustment of each review that has one."""
    rows = await session.scalars(
        select(CalibrationAdjustment)
        .order_by(
            CalibrationAdjustment.review_id,
            CalibrationAdjustment.adjusted_at.desc(),
            CalibrationAdjustment.id.desc(),
        )
        .ext(distinct_on(CalibrationAdjustment.review_id))
    )
    return {row.review_id: row for row in rows}


async def peer_rating_authors(session: AsyncSession) -> set[tuple[str, str | None]]:
    """Every peer rating's (review, author)."""
    rows = await session.execute(
        select(Feedback.review_id, Feedback.author_id).where(Feedback.source == "peer")
    )
    return {(review_id, author) for review_id, author in rows}


async def answered_nominations(session: AsyncSession) -> set[tuple[str, str]]:
    """Every answered nomination's (review, nominated member)."""
    rows = await session.execute(
        select(Nomination.review_id, Nomination.member_id).where(Nomination.state == "answered")
    )
    return {(review_id, member) for review_id, member in rows}
