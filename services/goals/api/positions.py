"""Positions with versioned job descriptions, and their periodic reviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from goals.api.deps import ScopeDep, TodayDep
from goals.schemas.positions import (
    PositionCreate,
    PositionRead,
    PositionReviewCreate,
    PositionReviewRead,
    PositionUpdate,
    PositionVersionRead,
)
from goals.service import positions
from shared.api import Page, etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["positions"])

PositionsPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=["title", "review_due_on", "created_at"], default="title")),
]
VersionsPage = Annotated[
    PageQuery, Depends(page_query(sortable=["jd_version"], default="jd_version"))
]


@router.post("/positions", status_code=201, response_model=PositionRead)
async def create_position(
    body: PositionCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    today: TodayDep,
) -> PositionRead:
    """Create a position in a unit (HR and admins): job description, required competencies
    with levels 1 to 5, layer, function, core-role flag and review cycle; publishes
    ``PositionChanged``."""
    position = await positions.create_position(session, principal=principal, body=body, today=today)
    response.headers["Location"] = f"/goals/positions/{position.id}"
    response.headers["ETag"] = etag_of(position.id, position.version)
    return PositionRead.model_validate(position)


@router.get("/positions", response_model=Page[PositionRead])
async def list_positions(
    session: SessionDep,
    page: PositionsPage,
    today: TodayDep,
    unit_id: Annotated[
        str | None, Query(max_length=36, description="The unit and every unit below it")
    ] = None,
    core: bool | None = None,
    review_overdue: Annotated[
        bool, Query(description="Only positions whose review was due before today")
    ] = False,
    include_inactive: Annotated[bool, Query(description="Retired positions too")] = False,
) -> Page[PositionRead]:
    """Positions a page at a time (by title unless sorted otherwise): active ones unless
    said, optionally of a unit's subtree, core roles, or overdue for review."""
    found, next_cursor = await positions.list_positions(
        session,
        unit_id=unit_id,
        core=core,
        review_overdue=review_overdue,
        include_inactive=include_inactive,
        today=today,
        page=page,
    )
    return Page[PositionRead](
        items=[PositionRead.model_validate(p) for p in found], next_cursor=next_cursor
    )


@router.get("/positions/{position_id}", response_model=PositionRead)
async def get_position(position_id: str, session: SessionDep, response: Response) -> PositionRead:
    """One position with its current job description (any signed-in member may read it)."""
    position = await positions.get_position(session, position_id=position_id)
    response.headers["ETag"] = etag_of(position.id, position.version)
    return PositionRead.model_validate(position)


@router.patch("/positions/{position_id}", response_model=PositionRead)
async def update_position(
    position_id: str,
    body: PositionUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> PositionRead:
    """Change a position as a merge patch (HR and admins) with If-Match. A new job
    description or new requirements make the next ``jd_version`` (the earlier one is kept);
    each change is published as ``PositionChanged``."""
    position = await positions.update_position(
        session, principal=principal, position_id=position_id, body=body, if_match=if_match
    )
    response.headers["ETag"] = etag_of(position.id, position.version)
    return PositionRead.model_validate(position)


@router.get("/positions/{position_id}/versions", response_model=Page[PositionVersionRead])
async def list_position_versions(
    position_id: str, session: SessionDep, page: VersionsPage
) -> Page[PositionVersionRead]:
    """Every job description the position has had, one per ``jd_version``."""
    found, next_cursor = await positions.list_versions(session, position_id=position_id, page=page)
    return Page[PositionVersionRead](
        items=[PositionVersionRead.model_validate(v) for v in found], next_cursor=next_cursor
    )


ReviewsPage = Annotated[
    PageQuery, Depends(page_query(sortable=["reviewed_on"], default="reviewed_on"))
]


@router.get("/positions/{position_id}/reviews", response_model=Page[PositionReviewRead])
async def list_position_reviews(
    position_id: str, session: SessionDep, page: ReviewsPage
) -> Page[PositionReviewRead]:
    """The position's reviews on record: who, on which day, the note, the next due date."""
    found, next_cursor = await positions.list_reviews(session, position_id=position_id, page=page)
    return Page[PositionReviewRead](
        items=[PositionReviewRead.model_validate(r) for r in found], next_cursor=next_cursor
    )


@router.post("/positions/{position_id}/reviews", status_code=201, response_model=PositionReviewRead)
async def review_position(
    position_id: str,
    body: PositionReviewCreate,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
) -> PositionReviewRead:
    """Record a periodic review (HR, admins or the unit's manager, not the holder): moves
    the next review forward by the position's cycle unless a date is given. A change of the
    job description in the same review is a PATCH."""
    review = await positions.review_position(
        session, scope=scope, position_id=position_id, body=body, today=today
    )
    return PositionReviewRead.model_validate(review)
