"""Review cycles, 360 feedback, calibration, closing and reopening."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from performance.api.deps import SettingsDep, TodayDep
from performance.schemas import (
    Advance,
    CalibrationCreate,
    CalibrationView,
    CycleCreate,
    CycleKind,
    CycleRead,
    CycleState,
    FeedbackCreate,
    FeedbackRead,
    InviteCreate,
    InviteRead,
    ReopenCreate,
    ReviewRead,
)
from performance.service import cycles, feedback, reviews
from shared.api import Page
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query
from shared.periods import period_query

router = APIRouter(tags=["reviews"])
CyclePage = Annotated[
    PageQuery, Depends(page_query(sortable=cycles.CYCLE_SORTS, default="created_at"))
]
ReviewPage = Annotated[
    PageQuery, Depends(page_query(sortable=reviews.REVIEW_SORTS, default="member_id"))
]


@router.post("/review-cycles", status_code=201, response_model=CycleRead)
async def create_cycle(
    body: CycleCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    response: Response,
) -> CycleRead:
    """A monthly, quarterly or annual cycle for a population (HR)."""
    cycle = await cycles.create_cycle(
        session,
        principal=principal,
        body=body,
        default_min_peer_answers=settings.min_peer_answers,
    )
    response.headers["Location"] = f"/performance/review-cycles/{cycle.id}"
    return CycleRead.model_validate(cycle, from_attributes=True)


@router.get("/review-cycles", response_model=Page[CycleRead])
async def list_cycles(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: CyclePage,
    period: Annotated[str | None, period_query("The cycle's period: 2026-Q1")] = None,
    state: Annotated[CycleState | None, Query(description="The cycle's state")] = None,
    kind: Annotated[CycleKind | None, Query(description="monthly, quarterly or annual")] = None,
) -> Page[CycleRead]:
    """The review cycles you may see (as for one cycle), oldest first unless sorted
    otherwise; filtered by period, state and kind."""
    rows, next_cursor = await cycles.list_cycles(
        session,
        principal=principal,
        page=page,
        period=period,
        state=state,
        kind=None if kind is None else kind.value,
    )
    return Page[CycleRead](
        items=[CycleRead.model_validate(c, from_attributes=True) for c in rows],
        next_cursor=next_cursor,
    )


@router.get("/review-cycles/{cycle_id}", response_model=CycleRead)
async def get_cycle(cycle_id: str, session: SessionDep, principal: CurrentPrincipal) -> CycleRead:
    """One cycle and the state it is in (HR, the managers of its members, its reviewees)."""
    cycle = await cycles.visible_cycle(session, principal=principal, cycle_id=cycle_id)
    return CycleRead.model_validate(cycle, from_attributes=True)


@router.post("/review-cycles/{cycle_id}/advance", response_model=CycleRead)
async def advance(
    cycle_id: str,
    body: Advance,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> CycleRead:
    """Move the cycle to its next state: self-assessment creates the reviews, calibration
    scores them, closed freezes them and publishes one ``ReviewClosed`` each. Closing away
    from the target distribution (a grade's share further from its target than the
    ``distribution_tolerance`` setting, 5 points by default) needs
    ``acknowledge_distribution`` with a reason: 409 naming each grade's gap without it."""
    cycle = await cycles.advance(
        session,
        principal=principal,
        cycle_id=cycle_id,
        to=body.to,
        acknowledgement=body.acknowledge_distribution,
        tolerance=settings.distribution_tolerance,
    )
    return CycleRead.model_validate(cycle, from_attributes=True)


@router.get("/review-cycles/{cycle_id}/reviews", response_model=Page[ReviewRead])
async def list_reviews(
    cycle_id: str, session: SessionDep, principal: CurrentPrincipal, page: ReviewPage
) -> Page[ReviewRead]:
    """The cycle's reviews you may see, by member unless sorted otherwise. A score withheld
    from you sorts as missing (last)."""
    return await reviews.list_reviews(session, principal=principal, cycle_id=cycle_id, page=page)


@router.get("/review-cycles/{cycle_id}/calibration", response_model=CalibrationView)
async def calibration(
    cycle_id: str, session: SessionDep, principal: CurrentPrincipal
) -> CalibrationView:
    """How far the ratings are from the target distribution."""
    return await cycles.calibration_view(session, principal=principal, cycle_id=cycle_id)


@router.get("/reviews/{review_id}", response_model=ReviewRead)
async def get_review(
    review_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ReviewRead:
    """A review with its explanation; the reviewee does not see peers' names."""
    return await reviews.get_review(session, principal=principal, review_id=review_id)


@router.post("/reviews/{review_id}/feedback", status_code=201, response_model=FeedbackRead)
async def add_feedback(
    review_id: str,
    body: FeedbackCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
) -> FeedbackRead:
    """Self (the reviewee), manager (the manager of record) or peer (an approved nominee)
    ratings of ability and attitude (1-5), once each."""
    item = await feedback.add_feedback(
        session, principal=principal, review_id=review_id, body=body, today=today
    )
    return FeedbackRead(
        id=item.id,
        source=item.source,
        author=item.author_id,
        ability=item.ability,
        attitude=item.attitude,
        comment=item.comment,
    )


@router.post("/reviews/{review_id}/customer-invites", status_code=201, response_model=InviteRead)
async def invite_customer(
    review_id: str, body: InviteCreate, session: SessionDep, principal: CurrentPrincipal
) -> InviteRead:
    """A single-use link for a customer to rate the reviewee without an account (the
    manager of record or HR; never for one's own review)."""
    return await feedback.invite_customer(
        session, principal=principal, review_id=review_id, body=body
    )


@router.post("/reviews/{review_id}/calibrations", response_model=ReviewRead)
async def calibrate(
    review_id: str, body: CalibrationCreate, session: SessionDep, principal: CurrentPrincipal
) -> ReviewRead:
    """Adjust a rating during calibration, with a reason (HR, or a manager of the
    reviewee's units; never of one's own review)."""
    review = await reviews.calibrate(session, principal=principal, review_id=review_id, body=body)
    return await reviews.to_read(session, principal=principal, review=review)


@router.post("/reviews/{review_id}/reopen", response_model=ReviewRead)
async def reopen(
    review_id: str, body: ReopenCreate, session: SessionDep, principal: CurrentPrincipal
) -> ReviewRead:
    """Reopen a closed review, with a reason that is kept (HR; never one's own)."""
    review = await reviews.reopen(
        session, principal=principal, review_id=review_id, reason=body.reason
    )
    return await reviews.to_read(session, principal=principal, review=review)


@router.post("/reviews/{review_id}/close", response_model=ReviewRead)
async def close_review(
    review_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ReviewRead:
    """Close a reopened review again; the correction is published as ``ReviewClosed`` (HR;
    never one's own)."""
    review = await reviews.close_again(session, principal=principal, review_id=review_id)
    return await reviews.to_read(session, principal=principal, review=review)
