"""A review's decisions after scoring (calibration, reopening, closing again) and how a
review reads to whom.

Decisions: nobody takes one about their own review. A rating is calibrated by HR or an
admin, or by a manager whose units' subtree holds the reviewee; a closed review is reopened
and closed again by HR or an admin.

Reads: the reviewee, their managers and HR see a review. Where the cycle's peers are
anonymous the reviewee never sees who gave a peer rating; and until the cycle's
``min_peer_answers`` peers have answered the reviewee sees no peer rating at all: not the
peer items, nor the ability, attitude and final scores and their arithmetic, any of which,
beside the reviewee's own and the manager's ratings, would give the few peers' ratings away.
The rating (and a calibrated one) stays shown: it is the outcome, a band rather than a
number. The score itself counts every answer, however few (see ``cycles``): the minimum
governs what the reviewee reads, not the result."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.events import outbox
from performance.models import (
    CalibrationAdjustment,
    Feedback,
    Review,
    ReviewCycle,
    ReviewReopening,
)
from performance.schemas import CalibrationCreate, CycleState, FeedbackRead, ReviewRead, Source
from performance.service.access import may_see_member, require_hr, require_member_visible
from performance.service.cycles import (
    close_review,
    get_cycle,
    score_review,
    visible_cycle,
)
from performance.service.decisions import not_about_self, require_calibrator
from performance.service.review_scoring import withheld_lines
from shared.api import Page
from shared.auth import Principal
from shared.errors import Conflict, NotFound, Unprocessable
from shared.paging import PageQuery


async def _review(session: AsyncSession, review_id: str, for_update: bool = False) -> Review:
    review = await repository.get_review(session, review_id=review_id, for_update=for_update)
    if review is None:
        raise NotFound(f"review {review_id} does not exist")
    return review


async def calibrate(
    session: AsyncSession, *, principal: Principal, review_id: str, body: CalibrationCreate
) -> Review:
    """Change a review's rating during calibration, with a reason that is kept."""
    review = await _review(session, review_id, for_update=True)
    await require_calibrator(session, principal, review)
    cycle = await get_cycle(session, cycle_id=review.cycle_id)
    if review.state != CycleState.calibration:
        raise Conflict("ratings are adjusted during calibration only")
    if body.rating not in {band["rating"] for band in cycle.rating_scale}:
        raise Unprocessable(f"{body.rating} is not on this cycle's rating scale")
    old = review.calibrated_rating or review.rating
    await repository.add(
        session,
        row=CalibrationAdjustment(
            id=str(uuid.uuid4()),
            review_id=review.id,
            old_rating=old,
            new_rating=body.rating,
            reason=body.reason,
            adjusted_by=principal.member_id,
            # The time of the adjustment, not of the transaction's start (which may precede
            # the review's lock): the adjustments' order is the order they were made in.
            adjusted_at=func.clock_timestamp(),
        ),
    )
    review.calibrated_rating = body.rating
    review.explanation = [
        *review.explanation,
        f"rating calibrated from {old} to {body.rating}: {body.reason}",
    ]
    await session.flush()
    return review


async def reopen(
    session: AsyncSession, *, principal: Principal, review_id: str, reason: str
) -> Review:
    """A closed review changes only after a recorded reopen (HR, not of their own)."""
    review = await _review(session, review_id, for_update=True)
    not_about_self(principal, review, action="reopen")
    require_hr(principal)
    if review.state != CycleState.closed:
        raise Conflict("only a closed review can be reopened")
    await repository.add(
        session,
        row=ReviewReopening(
            id=str(uuid.uuid4()),
            review_id=review.id,
            reason=reason,
            reopened_by=principal.member_id,
        ),
    )
    review.state = "reopened"
    review.final_score = None  # scored again when it closes
    review.explanation = [*review.explanation, f"reopened: {reason}"]
    await session.flush()
    return review


async def close_again(session: AsyncSession, *, principal: Principal, review_id: str) -> Review:
    """Close a reopened review: scored again and published as a correction (HR, not of
    their own)."""
    review = await _review(session, review_id, for_update=True)
    not_about_self(principal, review, action="close")
    require_hr(principal)
    if review.state != "reopened":
        raise Conflict("only a reopened review can be closed again")
    cycle = await get_cycle(session, cycle_id=review.cycle_id)
    calibrated = review.calibrated_rating
    await score_review(session, cycle, review)
    review.calibrated_rating = calibrated
    # Scoring again writes the arithmetic afresh; the decisions taken on the review stay.
    review.explanation = [*review.explanation, *await _decision_lines(session, review)]
    await outbox.publish(session, await close_review(session, cycle, review, correction=True))
    await session.flush()
    return review


async def _decision_lines(session: AsyncSession, review: Review) -> list[str]:
    """Every calibration adjustment (with its reason) and every reopening, in the order
    they were made, as the explanation lists them."""
    adjustments = [
        (a.adjusted_at, f"rating calibrated from {a.old_rating} to {a.new_rating}: {a.reason}")
        for a in await repository.adjustments_of(session, review_id=review.id)
    ]
    reopenings = [
        (r.reopened_at, f"reopened: {r.reason}")
        for r in await repository.reopenings_of(session, review_id=review.id)
    ]
    return [line for _at, line in sorted([*adjustments, *reopenings], key=lambda e: e[0])]


def _feedback_view(
    items: list[Feedback], *, hide_peer_names: bool, hide_peers: bool
) -> list[FeedbackRead]:
    return [
        FeedbackRead(
            id=f.id,
            source=Source(f.source),
            author=(
                None
                if (hide_peer_names and f.source == Source.peer)
                else (f.author_name or f.author_id)
            ),
            ability=f.ability,
            attitude=f.attitude,
            comment=f.comment,
        )
        for f in items
        if not (hide_peers and f.source == Source.peer)
    ]


def peer_ratings_withheld(
    cycle: ReviewCycle, review: Review, principal: Principal, peer_answers: int
) -> bool:
    """Whether the reader is the reviewee and fewer peers than the cycle's minimum have
    answered (with none, there is nothing of a peer's to give away)."""
    return review.member_id == principal.member_id and 0 < peer_answers < cycle.min_peer_answers


async def to_read(session: AsyncSession, *, principal: Principal, review: Review) -> ReviewRead:
    cycle = await get_cycle(session, cycle_id=review.cycle_id)
    feedback = await repository.feedback_of(session, review_ids=[review.id])
    peer_answers = sum(1 for f in feedback if f.source == Source.peer)
    reviewee = review.member_id == principal.member_id
    withheld = peer_ratings_withheld(cycle, review, principal, peer_answers)
    explanation = list(review.explanation)
    if withheld:
        minimum = cycle.min_peer_answers
        note = f"withheld until {minimum} peers have answered ({peer_answers} of {minimum} so far)"
        explanation = withheld_lines(explanation, note=note)
    return ReviewRead(
        id=review.id,
        cycle_id=review.cycle_id,
        member_id=review.member_id,
        state=review.state,
        results_score=review.results_score,
        ability_score=None if withheld else review.ability_score,
        attitude_score=None if withheld else review.attitude_score,
        final_score=None if withheld else review.final_score,
        rating=review.rating,
        calibrated_rating=review.calibrated_rating,
        revision=review.revision,
        explanation=explanation,
        feedback=_feedback_view(
            feedback, hide_peer_names=cycle.peers_anonymous and reviewee, hide_peers=withheld
        ),
        peer_answers=peer_answers,
        peer_ratings_withheld=withheld,
    )


async def get_review(session: AsyncSession, *, principal: Principal, review_id: str) -> ReviewRead:
    review = await _review(session, review_id)
    await require_member_visible(session, principal, review.member_id)
    return await to_read(session, principal=principal, review=review)


REVIEW_KEYS: dict[str, Callable[[ReviewRead], Any]] = {
    "member_id": lambda r: r.member_id,
    "results_score": lambda r: r.results_score,
    "final_score": lambda r: r.final_score,
}
REVIEW_SORTS = tuple(REVIEW_KEYS)


async def list_reviews(
    session: AsyncSession, *, principal: Principal, cycle_id: str, page: PageQuery
) -> Page[ReviewRead]:
    """One page of the cycle's reviews the caller may see, read as the caller may read them
    (404 for a cycle they may not see). Sorted on what the caller reads, so a withheld score
    orders nothing."""
    await visible_cycle(session, principal=principal, cycle_id=cycle_id)
    visible = []
    for review in await repository.reviews_of(session, cycle_id=cycle_id):
        if await may_see_member(session, principal, review.member_id):
            visible.append(await to_read(session, principal=principal, review=review))
    items, next_cursor = page.page_of(visible, REVIEW_KEYS)
    return Page[ReviewRead](items=items, next_cursor=next_cursor)
