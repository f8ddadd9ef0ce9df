"""Review cycles: draft > self-assessment > manager assessment > calibration > closed.

The final score is ``w_results x results + w_ability x ability + w_attitude x attitude``:
results is the average of the member's live monthly scores in the period; ability and
attitude are 360 ratings (1-5, shown as 20-100), averaged per source and weighted by source
(over the sources that answered). Weights and rating bands are data, never code."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.events import ReviewClosed, outbox
from performance.models import (
    CalibrationAdjustment,
    Feedback,
    LiveScore,
    MemberCopy,
    Review,
    ReviewCycle,
    ReviewReopening,
)
from performance.schemas import (
    CalibrationCreate,
    CalibrationView,
    CycleCreate,
    CycleState,
    FeedbackRead,
    ReviewRead,
)
from performance.service.access import may_see_member, require_hr, require_member_visible
from performance.service.review_scoring import plain, q2, review_score
from performance.service.scorecards import specificity
from shared.auth import Principal
from shared.errors import Conflict, NotFound, Unprocessable
from shared.periods import Period, months_between

ORDER = [
    CycleState.draft,
    CycleState.self_assessment,
    CycleState.manager_assessment,
    CycleState.calibration,
    CycleState.closed,
]


async def create_cycle(
    session: AsyncSession, *, principal: Principal, body: CycleCreate
) -> ReviewCycle:
    require_hr(principal)
    cycle: ReviewCycle = await repository.add(
        session,
        row=ReviewCycle(
            id=str(uuid.uuid4()),
            name=body.name,
            kind=body.kind.value,
            period=str(body.period),
            population=body.population.model_dump(mode="json"),
            weights={k: str(v) for k, v in body.weights.items()},
            source_weights={k.value: str(v) for k, v in body.source_weights.items()},
            peers_anonymous=body.peers_anonymous,
            rating_scale=[
                {"rating": b.rating, "min_score": str(b.min_score)} for b in body.rating_scale
            ],
            target_distribution={k: str(v) for k, v in body.target_distribution.items()},
            state=CycleState.draft.value,
            created_by=principal.member_id,
        ),
    )
    return cycle


async def get_cycle(
    session: AsyncSession, *, cycle_id: str, for_update: bool = False
) -> ReviewCycle:
    cycle = await repository.get_cycle(session, cycle_id=cycle_id, for_update=for_update)
    if cycle is None:
        raise NotFound(f"review cycle {cycle_id} does not exist")
    return cycle


def _in_population(cycle: ReviewCycle, member: MemberCopy) -> bool:
    period = Period.parse(cycle.period)
    active = member.hired_on <= period.end and (
        member.left_on is None or member.left_on >= period.start
    )
    return active and specificity(cycle.population, member) is not None


async def advance(
    session: AsyncSession, *, principal: Principal, cycle_id: str, to: CycleState
) -> ReviewCycle:
    """Move the cycle one state on; the reviews move with it."""
    require_hr(principal)
    cycle = await get_cycle(session, cycle_id=cycle_id, for_update=True)
    current = CycleState(cycle.state)
    if current == CycleState.closed or ORDER.index(to) != ORDER.index(current) + 1:
        raise Conflict(f"a cycle in {current} cannot move to {to}")
    # Locked: a review is scored from its feedback below, and feedback is taken only while
    # its review (locked by the writer too) is being assessed, so none is accepted unscored.
    reviews = await repository.reviews_of(session, cycle_id=cycle.id, for_update=True)
    if to == CycleState.self_assessment:
        population = [m for m in await repository.members(session) if _in_population(cycle, m)]
        if not population:
            raise Unprocessable("nobody is in this cycle's population")
        created = [
            Review(
                id=str(uuid.uuid4()),
                cycle_id=cycle.id,
                member_id=member.id,
                manager_id=member.manager_id,
                state=to.value,
                explanation=[],
                revision=0,
            )
            for member in population
        ]
        session.add_all(created)
        await session.flush()
        reviews += created
    if to == CycleState.calibration:
        await _score_all(session, cycle, reviews)
    for review in reviews:
        review.state = to.value
    if to == CycleState.closed:
        await _score_all(session, cycle, [r for r in reviews if r.final_score is None])
        closed = [await _close(session, cycle, review, correction=False) for review in reviews]
        await outbox.publish_many(session, closed)
    cycle.state = to.value
    cycle.version += 1
    await session.flush()
    return cycle


def _months(cycle: ReviewCycle) -> list[str]:
    period = Period.parse(cycle.period)
    return [str(m) for m in months_between(period, period)]


async def _score(session: AsyncSession, cycle: ReviewCycle, review: Review) -> None:
    """Score one review (a reopened one, say)."""
    scores = await repository.scores_in(session, member_id=review.member_id, months=_months(cycle))
    feedback = await repository.feedback_of(session, review_ids=[review.id])
    _score_with(cycle, review, scores, feedback)


async def _score_all(session: AsyncSession, cycle: ReviewCycle, reviews: list[Review]) -> None:
    """Score a cycle's reviews with two queries, whatever their number."""
    scores = await repository.scores_of(
        session, member_ids={r.member_id for r in reviews}, months=_months(cycle)
    )
    feedback: dict[str, list[Feedback]] = defaultdict(list)
    for item in await repository.feedback_of(session, review_ids=[r.id for r in reviews]):
        feedback[item.review_id].append(item)
    for review in reviews:
        _score_with(cycle, review, scores.get(review.member_id, []), feedback.get(review.id, []))


def _score_with(
    cycle: ReviewCycle, review: Review, scores: list[LiveScore], feedback: list[Feedback]
) -> None:
    """Results, ability, attitude, final score and rating, with the arithmetic spelt out."""
    scored = review_score(cycle, scores, feedback)
    review.results_score, review.ability_score = scored.results, scored.ability
    review.attitude_score, review.final_score = scored.attitude, scored.final
    review.rating, review.explanation = scored.rating, scored.explanation


async def _close(
    session: AsyncSession, cycle: ReviewCycle, review: Review, *, correction: bool
) -> ReviewClosed:
    """Freeze the review; the caller publishes the ``ReviewClosed`` returned."""
    if review.final_score is None:
        await _score(session, cycle, review)
    review.state = CycleState.closed.value
    review.closed_at = datetime.now(UTC)
    review.revision += 1
    rating = review.calibrated_rating or review.rating or ""
    return ReviewClosed(
        review_id=review.id,
        cycle_id=cycle.id,
        cycle_kind=cycle.kind,
        period=cycle.period,
        member_id=review.member_id,
        final_score=q2(review.final_score or Decimal(0)),
        rating=rating,
        revision=review.revision,
        correction=correction,
        explanation=list(review.explanation),
    )


async def _review(session: AsyncSession, review_id: str, for_update: bool = False) -> Review:
    review = await repository.get_review(session, review_id=review_id, for_update=for_update)
    if review is None:
        raise NotFound(f"review {review_id} does not exist")
    return review


async def calibration_view(
    session: AsyncSession, *, principal: Principal, cycle_id: str
) -> CalibrationView:
    require_hr(principal)
    cycle = await get_cycle(session, cycle_id=cycle_id)
    reviews = await repository.reviews_of(session, cycle_id=cycle.id)
    counts: dict[str, int] = defaultdict(int)
    for review in reviews:
        counts[review.calibrated_rating or review.rating or "unrated"] += 1
    total = len(reviews) or 1
    ratings = []
    for band in cycle.rating_scale:
        rating = band["rating"]
        share = Decimal(counts.get(rating, 0)) / total
        target = Decimal(cycle.target_distribution.get(rating, "0"))
        ratings.append(
            {
                "rating": rating,
                "count": counts.get(rating, 0),
                "share": str(q2(share)),
                "target": plain(target),
                "gap": str(q2(share - target)),
            }
        )
    return CalibrationView(cycle_id=cycle.id, reviews=len(reviews), ratings=ratings)


async def calibrate(
    session: AsyncSession, *, principal: Principal, review_id: str, body: CalibrationCreate
) -> Review:
    """Change a review's rating during calibration, with a reason that is kept."""
    require_hr(principal)
    review = await _review(session, review_id, for_update=True)
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
    """A closed review changes only after a recorded reopen."""
    require_hr(principal)
    review = await _review(session, review_id, for_update=True)
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
    """Close a reopened review: scored again and published as a correction."""
    require_hr(principal)
    review = await _review(session, review_id, for_update=True)
    if review.state != "reopened":
        raise Conflict("only a reopened review can be closed again")
    cycle = await get_cycle(session, cycle_id=review.cycle_id)
    calibrated = review.calibrated_rating
    await _score(session, cycle, review)
    review.calibrated_rating = calibrated
    await outbox.publish(session, await _close(session, cycle, review, correction=True))
    await session.flush()
    return review


def _feedback_view(items: list[Feedback], *, hide_peers: bool) -> list[FeedbackRead]:
    return [
        FeedbackRead(
            id=f.id,
            source=f.source,
            author=None if (hide_peers and f.source == "peer") else (f.author_name or f.author_id),
            ability=f.ability,
            attitude=f.attitude,
            comment=f.comment,
        )
        for f in items
    ]


async def to_read(session: AsyncSession, *, principal: Principal, review: Review) -> ReviewRead:
    cycle = await get_cycle(session, cycle_id=review.cycle_id)
    feedback = await repository.feedback_of(session, review_ids=[review.id])
    hide = cycle.peers_anonymous and review.member_id == principal.member_id
    return ReviewRead(
        id=review.id,
        cycle_id=review.cycle_id,
        member_id=review.member_id,
        state=review.state,
        results_score=review.results_score,
        ability_score=review.ability_score,
        attitude_score=review.attitude_score,
        final_score=review.final_score,
        rating=review.rating,
        calibrated_rating=review.calibrated_rating,
        revision=review.revision,
        explanation=list(review.explanation),
        feedback=_feedback_view(feedback, hide_peers=hide),
    )


async def get_review(session: AsyncSession, *, principal: Principal, review_id: str) -> ReviewRead:
    review = await _review(session, review_id)
    await require_member_visible(session, principal, review.member_id)
    return await to_read(session, principal=principal, review=review)


async def list_reviews(
    session: AsyncSession, *, principal: Principal, cycle_id: str
) -> list[ReviewRead]:
    await get_cycle(session, cycle_id=cycle_id)
    result = []
    for review in await repository.reviews_of(session, cycle_id=cycle_id):
        if await may_see_member(session, principal, review.member_id):
            result.append(await to_read(session, principal=principal, review=review))
    return result
