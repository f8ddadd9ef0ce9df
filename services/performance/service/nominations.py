"""The peers who rate a review are nominated (issue 12).

The reviewee proposes peers (``proposed``); the manager of record, HR or an admin approves
or declines a proposal, or adds a peer directly (``approved``); an approved nominee's peer
feedback makes the nomination ``answered`` (once: a second answer is a conflict). Nobody
nominates or approves themselves, the reviewee is not their own peer and the manager of
record gives the manager assessment, not a peer rating; a nominee is an active member.
Nominations are made and decided while the review is being assessed, under its lock, so a
decline and an answer never cross.

Who reads them: the reviewee's managers and HR, every nomination with its nominee; the
reviewee, every nomination but, where the cycle's peers are anonymous, not whom it names; a
nominee, their own; anyone else, nothing (404)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import Nomination, Review
from performance.schemas import CycleState, NominationRead, NominationState
from performance.service.access import may_see_member
from performance.service.cycles import get_cycle
from performance.service.decisions import (
    is_active,
    is_manager_of_record,
    not_about_self,
    refused,
    require_manager_of_record_or_hr,
)
from shared.api import Page
from shared.auth import Principal, Role
from shared.errors import (
    NOT_MANAGER_OF_RECORD,
    NOT_NOMINATED,
    SELF_DECISION,
    Conflict,
    NotFound,
    invalid,
)
from shared.paging import PageQuery

ASSESSING = (CycleState.self_assessment, CycleState.manager_assessment)


async def _assessed_review(session: AsyncSession, review_id: str) -> Review:
    """The review, locked, while it is being assessed."""
    review = await repository.get_review(session, review_id=review_id, for_update=True)
    if review is None:
        raise NotFound(f"review {review_id} does not exist")
    if review.state not in ASSESSING:
        raise Conflict(f"peers are nominated while the review is assessed, not in {review.state}")
    return review


async def _require_nominee(
    session: AsyncSession, review: Review, member_id: str, today: date
) -> None:
    if member_id == review.member_id:
        raise invalid("member_id", "a member is not their own peer")
    if member_id == review.manager_id:
        raise invalid("member_id", "the manager of record gives the manager assessment")
    if not is_active(await repository.get_member(session, member_id=member_id), today):
        raise invalid("member_id", f"{member_id} is not an active member")


async def nominate(
    session: AsyncSession, *, principal: Principal, review_id: str, member_id: str, today: date
) -> Nomination:
    """A peer for the review: proposed by the reviewee, approved when the manager of record,
    HR or an admin adds them."""
    review = await _assessed_review(session, review_id)
    action = "nominate a peer"
    if member_id == principal.member_id:
        raise refused(
            SELF_DECISION,
            "nobody nominates themselves as a peer",
            principal=principal,
            action=action,
            subject=review.id,
        )
    if principal.member_id == review.member_id:
        state = NominationState.proposed
    elif is_manager_of_record(principal, review) or principal.has(Role.hr, Role.admin):
        state = NominationState.approved
    else:
        raise refused(
            NOT_MANAGER_OF_RECORD,
            "the reviewee proposes peers; their manager of record or HR adds them",
            principal=principal,
            action=action,
            subject=review.id,
        )
    await _require_nominee(session, review, member_id, today)
    if await repository.nomination_of(session, review_id=review.id, member_id=member_id):
        raise Conflict(f"{member_id} is already nominated for this review")
    approved = state == NominationState.approved
    nomination: Nomination = await repository.add(
        session,
        row=Nomination(
            id=str(uuid.uuid4()),
            review_id=review.id,
            member_id=member_id,
            state=state.value,
            nominated_by=principal.member_id,
            decided_by=principal.member_id if approved else None,
            # Set here rather than by the database: the answer shows it without a reload.
            created_at=datetime.now(UTC),
            decided_at=datetime.now(UTC) if approved else None,
        ),
    )
    return nomination


async def decide(
    session: AsyncSession,
    *,
    principal: Principal,
    review_id: str,
    nomination_id: str,
    to: NominationState,
    today: date,
) -> Nomination:
    """Approve or decline a nomination (the manager of record, HR or an admin; not the
    reviewee, not the nominee). An answered nomination stays answered."""
    review = await _assessed_review(session, review_id)
    nomination = await repository.get_nomination(session, nomination_id=nomination_id)
    if nomination is None or nomination.review_id != review.id:
        raise NotFound(f"nomination {nomination_id} does not exist")
    action = "approve a peer" if to == NominationState.approved else "decline a peer"
    require_manager_of_record_or_hr(principal, review, action=action)
    if nomination.member_id == principal.member_id:
        raise refused(
            SELF_DECISION,
            "nobody approves or declines their own nomination",
            principal=principal,
            action=action,
            subject=review.id,
        )
    if nomination.state == NominationState.answered:
        raise Conflict("this peer has answered: the nomination stays")
    if nomination.state != to:
        if to == NominationState.approved:
            await _require_nominee(session, review, nomination.member_id, today)
        nomination.state = to.value
        nomination.decided_by = principal.member_id
        nomination.decided_at = datetime.now(UTC)
        await session.flush()
    return nomination


async def require_nominated_peer(
    session: AsyncSession, principal: Principal, review: Review, *, today: date
) -> Nomination:
    """The caller's approved nomination for this (locked) review, or a refusal: a peer is
    an approved nominee and an active member, and answers once."""
    action = "give peer feedback"
    not_about_self(principal, review, action=action)
    nomination = await repository.nomination_of(
        session, review_id=review.id, member_id=principal.member_id
    )
    member = await repository.get_member(session, member_id=principal.member_id)
    if (
        nomination is None
        or nomination.state not in (NominationState.approved, NominationState.answered)
        or not is_active(member, today)
    ):
        raise refused(
            NOT_NOMINATED,
            "only an approved nominee who is an active member gives peer feedback",
            principal=principal,
            action=action,
            subject=review.id,
        )
    if nomination.state == NominationState.answered:
        raise Conflict("you have already given your peer feedback")
    return nomination


def mark_answered(nomination: Nomination) -> None:
    nomination.state = NominationState.answered.value
    nomination.answered_at = datetime.now(UTC)


async def list_nominations(
    session: AsyncSession,
    *,
    principal: Principal,
    review_id: str,
    page: PageQuery,
) -> Page[NominationRead]:
    """The review's nominations as the caller may see them (see the module's docstring)."""
    review = await repository.get_review(session, review_id=review_id)
    if review is None:
        raise NotFound(f"review {review_id} does not exist")
    reviewee = principal.member_id == review.member_id
    sees_all = reviewee or is_manager_of_record(principal, review)
    if not sees_all:
        sees_all = await may_see_member(session, principal, review.member_id)
    own = None if sees_all else principal.member_id
    if own is not None and not await repository.nomination_of(
        session, review_id=review.id, member_id=own
    ):
        raise NotFound(f"review {review_id} does not exist")
    cycle = await get_cycle(session, cycle_id=review.cycle_id)
    rows, next_cursor = await repository.nominations_page(
        session, review_id=review.id, member_id=own, page=page
    )
    hide = reviewee and cycle.peers_anonymous
    return Page[NominationRead](
        items=[to_read(n, hide_nominee=hide) for n in rows], next_cursor=next_cursor
    )


def to_read(nomination: Nomination, *, hide_nominee: bool = False) -> NominationRead:
    return NominationRead(
        id=nomination.id,
        review_id=nomination.review_id,
        member_id=None if hide_nominee else nomination.member_id,
        state=NominationState(nomination.state),
        nominated_by=nomination.nominated_by,
        decided_by=nomination.decided_by,
        created_at=nomination.created_at,
    )
