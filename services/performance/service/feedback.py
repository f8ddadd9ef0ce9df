"""360 feedback on a review: self, manager and peer ratings from members, and customers'
ratings through single-use links. Who gives which: the reviewee the self-assessment, the
manager of record the manager assessment, each approved nominee (an active member) one peer
rating, each invited customer one rating through their link; nobody else.

Feedback is taken only while its review is being assessed, and the review's row is locked
before its state is read: a cycle moving on to calibration (which scores the reviews from
their feedback, with the reviews locked) either waits for the feedback or refuses it, so no
feedback is ever accepted and left out of its review's score."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import Feedback, FeedbackInvite, Nomination, Review
from performance.schemas import (
    CustomerFeedbackCreate,
    CycleState,
    FeedbackCreate,
    InviteCreate,
    InviteRead,
    Source,
)
from performance.service import nominations
from performance.service.decisions import (
    refused,
    require_manager_of_record,
    require_manager_of_record_or_hr,
)
from performance.service.nominations import ASSESSING
from shared.auth import Principal
from shared.errors import NOT_NOMINATED, Conflict, NotFound


async def _review(session: AsyncSession, review_id: str, *, for_update: bool) -> Review:
    review = await repository.get_review(session, review_id=review_id, for_update=for_update)
    if review is None:
        raise NotFound(f"review {review_id} does not exist")
    return review


async def add_feedback(
    session: AsyncSession,
    *,
    principal: Principal,
    review_id: str,
    body: FeedbackCreate,
    today: date,
) -> Feedback:
    """A member's self, manager or peer rating: self by the reviewee, manager by the manager
    of record, peer by an approved nominee who is an active member, each once."""
    # Locked before its state is read: a cycle moving on waits, then scores this feedback;
    # and two answers of one author cannot both pass the checks below.
    review = await _review(session, review_id, for_update=True)
    nomination = await _require_author(session, principal, review, body.source, today)
    state = review.state
    allowed_states = {
        Source.self: {CycleState.self_assessment},
        Source.manager: {CycleState.manager_assessment},
    }.get(body.source, set(ASSESSING))
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
    if nomination is not None:
        nominations.mark_answered(nomination)
    return feedback


async def _require_author(
    session: AsyncSession, principal: Principal, review: Review, source: Source, today: date
) -> Nomination | None:
    """Refuse an author who may not give this source of feedback; a peer's nomination."""
    action = f"give {source} feedback"
    if source == Source.customer:
        raise refused(
            NOT_NOMINATED,
            "customers answer through their single-use link",
            principal=principal,
            action=action,
            subject=review.id,
        )
    if source == Source.self:
        if principal.member_id != review.member_id:
            raise refused(
                NOT_NOMINATED,
                "only the reviewee gives the self-assessment",
                principal=principal,
                action=action,
                subject=review.id,
            )
        return None
    if source == Source.manager:
        require_manager_of_record(principal, review, action=action)
        return None
    return await nominations.require_nominated_peer(session, principal, review, today=today)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite_customer(
    session: AsyncSession, *, principal: Principal, review_id: str, body: InviteCreate
) -> InviteRead:
    """A single-use link for a customer: the token is shown once and stored hashed."""
    review = await _review(session, review_id, for_update=False)
    require_manager_of_record_or_hr(principal, review, action="invite a customer")
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
