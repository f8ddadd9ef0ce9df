"""Queries on review cycles, reviews, their nominations, feedback, customer invites and
calibration adjustments."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from performance.models import (
    CalibrationAdjustment,
    Feedback,
    FeedbackInvite,
    Nomination,
    Review,
    ReviewCycle,
    ReviewReopening,
)
from shared.paging import Column, PageQuery


async def get_cycle(
    session: AsyncSession, *, cycle_id: str, for_update: bool = False
) -> ReviewCycle | None:
    return await session.get(ReviewCycle, cycle_id, with_for_update=for_update)


async def cycles(
    session: AsyncSession, *, period: str | None, state: str | None, kind: str | None
) -> list[ReviewCycle]:
    """The cycles with this period, state and kind (each when given), oldest first."""
    statement = select(ReviewCycle).order_by(ReviewCycle.created_at, ReviewCycle.id)
    if period is not None:
        statement = statement.where(ReviewCycle.period == period)
    if state is not None:
        statement = statement.where(ReviewCycle.state == state)
    if kind is not None:
        statement = statement.where(ReviewCycle.kind == kind)
    return list((await session.scalars(statement)).all())


async def reviews_of(
    session: AsyncSession, *, cycle_id: str, for_update: bool = False
) -> list[Review]:
    query = select(Review).where(Review.cycle_id == cycle_id).order_by(Review.member_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    rows = await session.scalars(query)
    return list(rows.all())


async def get_review(
    session: AsyncSession, *, review_id: str, for_update: bool = False
) -> Review | None:
    return await session.get(Review, review_id, with_for_update=for_update)


async def reviews_for_member(session: AsyncSession, *, member_id: str) -> list[Review]:
    rows = await session.scalars(select(Review).where(Review.member_id == member_id))
    return list(rows.all())


async def feedback_of(session: AsyncSession, *, review_ids: Iterable[str]) -> list[Feedback]:
    rows = await session.scalars(
        select(Feedback)
        .where(Feedback.review_id.in_(list(review_ids)))
        .order_by(Feedback.created_at, Feedback.id)
    )
    return list(rows.all())


async def get_invite(session: AsyncSession, *, token_hash: str) -> FeedbackInvite | None:
    return await session.get(FeedbackInvite, token_hash, with_for_update=True)


async def adjustments_of(session: AsyncSession, *, review_id: str) -> list[CalibrationAdjustment]:
    rows = await session.scalars(
        select(CalibrationAdjustment)
        .where(CalibrationAdjustment.review_id == review_id)
        .order_by(CalibrationAdjustment.adjusted_at)
    )
    return list(rows.all())


async def reopenings_of(session: AsyncSession, *, review_id: str) -> list[ReviewReopening]:
    rows = await session.scalars(
        select(ReviewReopening)
        .where(ReviewReopening.review_id == review_id)
        .order_by(ReviewReopening.reopened_at, ReviewReopening.id)
    )
    return list(rows.all())


async def takes_part_in(session: AsyncSession, *, cycle_id: str, member_id: str) -> bool:
    """Whether the member has a review in the cycle, or is the manager of record of one."""
    found = await session.scalar(
        select(
            exists().where(
                Review.cycle_id == cycle_id,
                or_(Review.member_id == member_id, Review.manager_id == member_id),
            )
        )
    )
    return bool(found)


async def has_review_in(session: AsyncSession, *, cycle_id: str, member_id: str) -> bool:
    found = await session.scalar(
        select(exists().where(Review.cycle_id == cycle_id, Review.member_id == member_id))
    )
    return bool(found)


async def reviewees_of(session: AsyncSession, *, cycle_id: str) -> set[str]:
    rows = await session.scalars(select(Review.member_id).where(Review.cycle_id == cycle_id))
    return set(rows.all())


# ----------------------------------------------------------------------------- nominations


async def get_nomination(
    session: AsyncSession, *, nomination_id: str, for_update: bool = False
) -> Nomination | None:
    return await session.get(Nomination, nomination_id, with_for_update=for_update)


async def nomination_of(
    session: AsyncSession, *, review_id: str, member_id: str, for_update: bool = False
) -> Nomination | None:
    query = select(Nomination).where(
        Nomination.review_id == review_id, Nomination.member_id == member_id
    )
    if for_update:
        query = query.with_for_update()
    found: Nomination | None = await session.scalar(query)
    return found


NOMINATION_COLUMNS: dict[str, Column] = {
    "created_at": Nomination.created_at,
    "state": Nomination.state,
}
NOMINATION_SORTS = tuple(NOMINATION_COLUMNS)


async def nominations_page(
    session: AsyncSession, *, review_id: str, page: PageQuery, member_id: str | None = None
) -> tuple[list[Nomination], str | None]:
    """One page of a review's nominations (only ``member_id``'s, if given) in the page's
    order, the order they were made in by default."""
    query = select(Nomination).where(Nomination.review_id == review_id)
    if member_id is not None:
        query = query.where(Nomination.member_id == member_id)
    return await page.fetch(session, query, NOMINATION_COLUMNS, Nomination.id)
