"""The peers nominated to rate a review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from performance import repository
from performance.api.deps import TodayDep
from performance.schemas import NominationCreate, NominationRead, NominationState
from performance.service import nominations
from shared.api import Page
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["reviews"])
NominationPage = Annotated[
    PageQuery, Depends(page_query(sortable=repository.NOMINATION_SORTS, default="created_at"))
]


@router.post("/reviews/{review_id}/nominations", status_code=201, response_model=NominationRead)
async def add_nomination(
    review_id: str,
    body: NominationCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
    response: Response,
) -> NominationRead:
    """Nominate a peer: proposed when the reviewee asks, approved when the manager of record
    or HR adds them."""
    nomination = await nominations.nominate(
        session, principal=principal, review_id=review_id, member_id=body.member_id, today=today
    )
    response.headers["Location"] = f"/performance/reviews/{review_id}/nominations/{nomination.id}"
    return nominations.to_read(nomination)


@router.get("/reviews/{review_id}/nominations", response_model=Page[NominationRead])
async def list_nominations(
    review_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: NominationPage,
) -> Page[NominationRead]:
    """The review's nominations, in the order they were made unless sorted otherwise: all
    for its managers and HR, all without the nominees' names for an anonymous reviewee, a
    nominee's own for the nominee."""
    return await nominations.list_nominations(
        session, principal=principal, review_id=review_id, page=page
    )


@router.post(
    "/reviews/{review_id}/nominations/{nomination_id}/approve", response_model=NominationRead
)
async def approve_nomination(
    review_id: str,
    nomination_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
) -> NominationRead:
    """Approve a proposed (or declined) peer: the manager of record or HR."""
    nomination = await nominations.decide(
        session,
        principal=principal,
        review_id=review_id,
        nomination_id=nomination_id,
        to=NominationState.approved,
        today=today,
    )
    return nominations.to_read(nomination)


@router.post(
    "/reviews/{review_id}/nominations/{nomination_id}/decline", response_model=NominationRead
)
async def decline_nomination(
    review_id: str,
    nomination_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
) -> NominationRead:
    """Decline a proposed or approved peer who has not answered: the manager of record or HR."""
    nomination = await nominations.decide(
        session,
        principal=principal,
        review_id=review_id,
        nomination_id=nomination_id,
        to=NominationState.declined,
        today=today,
    )
    return nominations.to_read(nomination)
