"""Review cycles: draft > self-assessment > manager assessment > calibration > closed.

The final score is ``w_results x results + w_ability x ability + w_attitude x attitude``:
results is the average of the member's live monthly scores in the period; ability and
attitude are 360 ratings (1-5, shown as 20-100), averaged per source and weighted by source
(over the sources that answered). Weights and rating bands are data, never code.

A cycle is seen by HR and admins, by managers whose units' subtree holds a member of its
population or a review in it, and by the members who have a review in it (or are the
manager of record of one); to anyone else it does not exist (404)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.events import ReviewClosed, outbox
from performance.models import Feedback, LiveScore, MemberCopy, Review, ReviewCycle
from performance.schemas import CalibrationView, CycleCreate, CycleState, RatingShare
from performance.schemas.distribution import (
    DistributionAcknowledgement,
    DistributionAcknowledgementCreate,
)
from performance.service.access import require_hr
from performance.service.decisions import refused
from performance.service.review_scoring import q2, review_score
from performance.service.scorecards import specificity
from shared.auth import Principal, Role
from shared.errors import SELF_DECISION, Conflict, NotFound, Unprocessable
from shared.paging import PageQuery
from shared.periods import Period, months_between

ORDER = [
    CycleState.draft,
    CycleState.self_assessment,
    CycleState.manager_assessment,
    CycleState.calibration,
    CycleState.closed,
]


async def create_cycle(
    session: AsyncSession, *, principal: Principal, body: CycleCreate, default_min_peer_answers: int
) -> ReviewCycle:
    """A cycle for a population (HR); without ``min_peer_answers`` it takes the setting's."""
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
            min_peer_answers=body.min_peer_answers or default_min_peer_answers,
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


def in_population(cycle: ReviewCycle, member: MemberCopy) -> bool:
    """Active during the cycle's period and fitting its population."""
    period = Period.parse(cycle.period)
    active = member.hired_on <= period.end and (
        member.left_on is None or member.left_on >= period.start
    )
    return active and specificity(cycle.population, member) is not None


async def may_see_cycle(session: AsyncSession, principal: Principal, cycle: ReviewCycle) -> bool:
    if principal.has(Role.hr, Role.admin):
        return True
    if await repository.takes_part_in(session, cycle_id=cycle.id, member_id=principal.member_id):
        return True
    if not principal.has(Role.manager):
        return False
    under = await repository.members_under(session, unit_ids=principal.org_units)
    if any(in_population(cycle, member) for member in under):
        return True
    reviewees = await repository.reviewees_of(session, cycle_id=cycle.id)
    return any(member.id in reviewees for member in under)


CYCLE_KEYS: dict[str, Callable[[ReviewCycle], Any]] = {
    "created_at": lambda c: c.created_at,
    "period": lambda c: c.period,
    "name": lambda c: c.name,
}
CYCLE_SORTS = tuple(CYCLE_KEYS)


async def list_cycles(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageQuery,
    period: str | None = None,
    state: CycleState | None = None,
    kind: str | None = None,
) -> tuple[list[ReviewCycle], str | None]:
    """One page of the cycles the caller may see, filtered by period, state and kind."""
    cycles = await repository.cycles(
        session, period=period, state=None if state is None else state.value, kind=kind
    )
    visible = [c for c in cycles if await may_see_cycle(session, principal, c)]
    return page.page_of(visible, CYCLE_KEYS)


async def visible_cycle(
    session: AsyncSession, *, principal: Principal, cycle_id: str, for_update: bool = False
) -> ReviewCycle:
    """The cycle, or 404 when it does not exist or is not the caller's to see."""
    cycle = await get_cycle(session, cycle_id=cycle_id, for_update=for_update)
    if not await may_see_cycle(session, principal, cycle):
        raise NotFound(f"review cycle {cycle_id} does not exist")
    return cycle


async def advance(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: str,
    to: CycleState,
    acknowledgement: DistributionAcknowledgementCreate | None = None,
    tolerance: Decimal = Decimal("0.05"),
) -> ReviewCycle:
    """Move the cycle one state on; the reviews move with it (HR). Closing a cycle closes
    every review in it: not by someone who has a review in it. A cycle whose ratings are
    further than ``tolerance`` from its target distribution closes only with an
    ``acknowledgement`` (409 naming each grade's gap without one), kept on the cycle."""
    cycle = await visible_cycle(session, principal=principal, cycle_id=cycle_id, for_update=True)
    require_hr(principal)
    if to == CycleState.closed and await repository.has_review_in(
        session, cycle_id=cycle.id, member_id=principal.member_id
    ):
        raise refused(
            SELF_DECISION,
            "closing this cycle would close your own review: someone outside it closes it",
            principal=principal,
            action="close the cycle",
            subject=cycle.id,
        )
    current = CycleState(cycle.state)
    if current == CycleState.closed or ORDER.index(to) != ORDER.index(current) + 1:
        raise Conflict(f"a cycle in {current} cannot move to {to}")
    # Locked: a review is scored from its feedback below, and feedback is taken only while
    # its review (locked by the writer too) is being assessed, so none is accepted unscored.
    reviews = await repository.reviews_of(session, cycle_id=cycle.id, for_update=True)
    if to == CycleState.self_assessment:
        population = [m for m in await repository.members(session) if in_population(cycle, m)]
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
        await score_all(session, cycle, reviews)
    for review in reviews:
        review.state = to.value
    if to == CycleState.closed:
        await score_all(session, cycle, [r for r in reviews if r.final_score is None])
        _check_distribution(cycle, reviews, principal, acknowledgement, tolerance)
        closed = [await close_review(session, cycle, r, correction=False) for r in reviews]
        await outbox.publish_many(session, closed)
    cycle.state = to.value
    cycle.version += 1
    await session.flush()
    return cycle


def _months(cycle: ReviewCycle) -> list[str]:
    period = Period.parse(cycle.period)
    return [str(m) for m in months_between(period, period)]


async def score_review(session: AsyncSession, cycle: ReviewCycle, review: Review) -> None:
    """Score one review (a reopened one, say) from every rating it was given."""
    scores = await repository.scores_in(session, member_id=review.member_id, months=_months(cycle))
    feedback = await repository.feedback_of(session, review_ids=[review.id])
    _score_with(cycle, review, scores, feedback)


async def score_all(session: AsyncSession, cycle: ReviewCycle, reviews: list[Review]) -> None:
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
    """Results, ability, attitude, final score and rating, with the arithmetic spelt out.
    Every peer answer counts, however few: the minimum of peer answers governs what the
    reviewee reads, not what is scored."""
    scored = review_score(cycle, scores, feedback)
    review.results_score, review.ability_score = scored.results, scored.ability
    review.attitude_score, review.final_score = scored.attitude, scored.final
    review.rating, review.explanation = scored.rating, scored.explanation


async def close_review(
    session: AsyncSession, cycle: ReviewCycle, review: Review, *, correction: bool
) -> ReviewClosed:
    """Freeze the review; the caller publishes the ``ReviewClosed`` returned."""
    if review.final_score is None:
        await score_review(session, cycle, review)
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


def distribution(cycle: ReviewCycle, reviews: list[Review]) -> list[RatingShare]:
    """Each grade of the scale: how many reviews have it (calibrated or not), their share,
    the target and the gap."""
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
            RatingShare(
                rating=rating,
                count=counts.get(rating, 0),
                share=q2(share),
                target=target,
                gap=q2(share - target),
            )
        )
    return ratings


def _percent(share: Decimal) -> str:
    return f"{format((share * 100).normalize(), 'f')}%"


def _check_distribution(
    cycle: ReviewCycle,
    reviews: list[Review],
    principal: Principal,
    acknowledgement: DistributionAcknowledgementCreate | None,
    tolerance: Decimal,
) -> None:
    """Refuse to close away from the target without an acknowledgement; keep one given."""
    ratings = distribution(cycle, reviews)
    away = [r for r in ratings if abs(r.gap) > tolerance]
    if not away:
        return
    if acknowledgement is None:
        gaps = ", ".join(
            f"{r.rating} at {_percent(r.share)} against {_percent(r.target)}" for r in away
        )
        raise Conflict(
            "the ratings are away from the target distribution by more than "
            f"{format((tolerance * 100).normalize(), 'f')} percentage points: {gaps}; close "
            "with acknowledge_distribution and a reason to keep them",
            extensions={
                "tolerance": str(tolerance),
                "gaps": [r.model_dump(mode="json") for r in away],
            },
        )
    cycle.distribution_acknowledgement = DistributionAcknowledgement(
        acknowledged_by=principal.member_id,
        acknowledged_at=datetime.now(UTC),
        reason=acknowledgement.reason,
        tolerance=tolerance,
        ratings=ratings,
    ).model_dump(mode="json")


async def calibration_view(
    session: AsyncSession, *, principal: Principal, cycle_id: str
) -> CalibrationView:
    """How far the cycle's ratings are from its target distribution (HR)."""
    cycle = await visible_cycle(session, principal=principal, cycle_id=cycle_id)
    require_hr(principal)
    reviews = await repository.reviews_of(session, cycle_id=cycle.id)
    return CalibrationView(
        cycle_id=cycle.id, reviews=len(reviews), ratings=distribution(cycle, reviews)
    )
