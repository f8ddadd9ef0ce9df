"""360 feedback on a review: self, manager and peer ratings from members, and customers'
ratings through single-use links.

Feedback is taken only while its review is being assessed, and the review's row is locked
before its state is read: a cycle moving on to calibration (which scores the reviews from
their feedback, with the reviews locked) either waits for the feedback or refuses it, so no
feedback is ever accepted and left out of its review's score."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import Feedback, FeedbackInvite, Review
from performance.schemas import (
    CustomerFeedbackCreate,
    CycleState,
    FeedbackCreate,
    InviteCreate,
    InviteRead,
)
from performance.service.access import may_see_member
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable

ASSESSING = (CycleState.self_assessment, CycleState.manager_assessment)


async def _review(session: AsyncSession, review_id: str, *, for_update: bool) -> Review:
    review = await repository.get_review(session, review_id=review_id, for_update=for_update)
    if review is None:
        raise NotFound(f"review {review_id} does not exist")
    return review


async def add_feedback(
    session: AsyncSession, *, principal: Principal, review_id: str, body: FeedbackCreate
) -> Feedback:
    """A member's self, manager or peer rating, once per author and source."""
    # Locked before its state is read: a cycle moving on waits, then scores this feedback;
    # and two answers of one author cannot both pass the check below.
    review = await _review(session, review_id, for_update=True)
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
        allowed_states = set(ASSESSING)
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
    review = await _review(session, review_id, for_update=False)
    if not (principal.member_id == review.manager_id or principal.has(Role.hr, Role.admin)):
        raise Forbidden("the reviewee's manager or HR invites customers")
    if review.state not in ASSESSING:
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
    review = await _review(session, invite.review_id, for_update=True)
    if review.state not in ASSESSING:
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
