"""Review cycles: draft > self-assessment > manager assessment > calibration > closed.

The final score is ``w_results x results + w_ability x ability + w_attitude x attitude``:
results is the average of the member's live monthly scores in the period; ability and
attitude are 360 ratings (1-5, shown as 20-100), averaged per source and weighted by source
(over the sources that answered). Weights and rating bands are data, never code."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.events import ReviewClosed, outbox
from performance.models import (
    CalibrationAdjustment,
    Feedback,
    FeedbackInvite,
    LiveScore,
    MemberCopy,
    Review,
    ReviewCycle,
    ReviewReopening,
)
from performance.schemas import (
    CalibrationCreate,
    CalibrationView,
    CustomerFeedbackCreate,
    CycleCreate,
    CycleState,
    FeedbackCreate,
    FeedbackRead,
    InviteCreate,
    InviteRead,
    ReviewRead,
)
from performance.service.access import may_see_member, require_hr, require_member_visible
from performance.service.scoring import _specificity
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.periods import Period, months_between

TWO = Decimal("0.01")
ORDER = [
    CycleState.draft,
    CycleState.self_assessment,
    CycleState.manager_assessment,
    CycleState.calibration,
    CycleState.closed,
]


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


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
    return active and _specificity(cycle.population, member) is not None


async def advance(
    session: AsyncSession, *, principal: Principal, cycle_id: str, to: CycleState
) -> ReviewCycle:
    """Move the cycle one state on; the reviews move with it."""
    require_hr(principal)
    cycle = await get_cycle(session, cycle_id=cycle_id, for_update=True)
    current = CycleState(cycle.state)
    if current == CycleState.closed or ORDER.index(to) != ORDER.index(current) + 1:
        raise Conflict(f"a cycle in {current} cannot move to {to}")
    reviews = await repository.reviews_of(session, cycle_id=cycle.id)
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
    explanation: list[str] = []
    if scores:
        results = q2(sum((s.score for s in scores), Decimal(0)) / len(scores))
        shown = ", ".join(f"{s.month}: {_plain(s.score)}" for s in scores)
        explanation.append(
            f"results = average of {len(scores)} monthly scores ({shown}) = {results}"
        )
    else:
        results = Decimal(0)
        explanation.append("results = 0: no monthly scores in the period")
    source_weights = {k: Decimal(v) for k, v in cycle.source_weights.items()}
    components: dict[str, Decimal] = {}
    for aspect in ("ability", "attitude"):
        by_source: dict[str, list[Decimal]] = defaultdict(list)
        for item in feedback:
            by_source[item.source].append(getattr(item, aspect))
        answered = {s: v for s, v in by_source.items() if source_weights.get(s, Decimal(0)) > 0}
        if not answered:
            components[aspect] = Decimal(0)
            explanation.append(f"{aspect} = 0: no 360 ratings")
            continue
        weight_sum = sum((source_weights[s] for s in answered), Decimal(0))
        parts, total = [], Decimal(0)
        for source, ratings in sorted(answered.items()):
            average = sum(ratings, Decimal(0)) / len(ratings)
            total += source_weights[source] * average * 20
            parts.append(f"{source} {_plain(source_weights[source])} x {_plain(q2(average * 20))}")
        components[aspect] = q2(total / weight_sum)
        explanation.append(
            f"{aspect} = ({' + '.join(parts)}) / {_plain(weight_sum)} = "
            f"{components[aspect]} (ratings 1-5 shown as 20-100)"
        )
    weights = {k: Decimal(v) for k, v in cycle.weights.items()}
    final = q2(
        weights["results"] * results
        + weights["ability"] * components["ability"]
        + weights["attitude"] * components["attitude"]
    )
    explanation.append(
        f"final = {_plain(weights['results'])} x {results} + {_plain(weights['ability'])} x "
        f"{components['ability']} + {_plain(weights['attitude'])} x {components['attitude']}"
        f" = {final}"
    )
    bands = sorted(cycle.rating_scale, key=lambda b: Decimal(b["min_score"]), reverse=True)
    band = next((b for b in bands if final >= Decimal(b["min_score"])), bands[-1])
    explanation.append(f"rating = {band['rating']} (final >= {band['min_score']})")
    review.results_score, review.ability_score = results, components["ability"]
    review.attitude_score, review.final_score = components["attitude"], final
    review.rating, review.explanation = band["rating"], explanation


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


async def add_feedback(
    session: AsyncSession, *, principal: Principal, review_id: str, body: FeedbackCreate
) -> Feedback:
    review = await _review(session, review_id)
    state = review.state
    reviewee = review.member_id == principal.member_id
    if body.source == "customer":
        raise Unprocessable("customers answer through their single-use link")
    if body.source == "self":
        if not reviewee:
            raise Forbidden("only the reviewee gives the self-assessment")
        allowed_states = {CycleState.self_assessment}
    elif body.source == "manager":
        if not (
            principal.member_id == review.manager_id
            or principal.has(Role.hr, Role.admin)
            or (
                principal.has(Role.manager)
                and await may_see_member(session, principal, review.member_id)
            )
        ):
            raise Forbidden("only the reviewee's manager gives the manager assessment")
        allowed_states = {CycleState.manager_assessment}
    else:
        if reviewee:
            raise Forbidden("a member cannot be their own peer")
        allowed_states = {CycleState.self_assessment, CycleState.manager_assessment}
    if state not in allowed_states:
        raise Conflict(f"{body.source} feedback is not taken while the review is in {state}")
    existing = await repository.feedback_of(session, review_ids=[review.id])
    if any(f.author_id == principal.member_id and f.source == body.source for f in existing):
        raise Conflict("you have already given this feedback")
    feedback: Feedback = await repository.add(
        session,
        row=Feedback(
            id=str(uuid.uuid4()),
            review_id=review.id,
            source=body.source.value,
            author_id=principal.member_id,
            author_name=None,
            ability=body.ability,
            attitude=body.attitude,
            comment=body.comment,
        ),
    )
    return feedback


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite_customer(
    session: AsyncSession, *, principal: Principal, review_id: str, body: InviteCreate
) -> InviteRead:
    """A single-use link for a customer: the token is shown once and stored hashed."""
    review = await _review(session, review_id)
    if not (principal.member_id == review.manager_id or principal.has(Role.hr, Role.admin)):
        raise Forbidden("the reviewee's manager or HR invites customers")
    if review.state not in (CycleState.self_assessment, CycleState.manager_assessment):
        raise Conflict("customers are invited while the review is being assessed")
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=body.valid_days)
    await repository.add(
        session,
        row=FeedbackInvite(
            token_hash=_token_hash(token),
            review_id=review.id,
            customer_name=body.customer_name,
            expires_at=expires,
        ),
    )
    return InviteRead(
        token=token, path=f"/performance/customer-feedback/{token}", expires_at=expires
    )


async def customer_feedback(
    session: AsyncSession, *, token: str, body: CustomerFeedbackCreate
) -> None:
    """A customer's answer through their link: once, before it expires, while assessing."""
    invite = await repository.get_invite(session, token_hash=_token_hash(token))
    if invite is None or invite.used_at is not None or invite.expires_at < datetime.now(UTC):
        raise NotFound("this feedback link is not valid (used, expired or unknown)")
    review = await _review(session, invite.review_id)
    if review.state not in (CycleState.self_assessment, CycleState.manager_assessment):
        raise Conflict("this review no longer takes feedback")
    invite.used_at = datetime.now(UTC)
    await repository.add(
        session,
        row=Feedback(
            id=str(uuid.uuid4()),
            review_id=review.id,
            source="customer",
            author_id=None,
            author_name=invite.customer_name,
            ability=body.ability,
            attitude=body.attitude,
            comment=body.comment,
        ),
    )


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
                "target": _plain(target),
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
