"""Data grants between units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from collab import repository
from collab.api.deps import NowDep, TodayDep
from collab.schemas import GrantCreate, GrantRead, GrantUpdate
from collab.service import grants
from shared.api import Page, etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["data-grants"])
GrantPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=repository.GRANT_SORTS, default="created_at")),
]


@router.post("/data-grants", status_code=201, response_model=GrantRead)
async def create_grant(
    body: GrantCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
    response: Response,
) -> GrantRead:
    """Let another unit read one of your unit's data sets until a date; publishes
    ``DataGrantChanged``."""
    grant = await grants.create_grant(session, principal=principal, body=body, today=today)
    response.headers["Location"] = f"/collab/data-grants/{grant.id}"
    response.headers["ETag"] = etag_of(grant.id, grant.version)
    return grants.to_read(grant, today)


@router.get("/data-grants", response_model=Page[GrantRead])
async def list_grants(
    session: SessionDep, principal: CurrentPrincipal, today: TodayDep, page: GrantPage
) -> Page[GrantRead]:
    """Grants your units gave or received (a manager's: with the units below them; all for
    HR and admins), oldest first unless ``sort`` says otherwise."""
    found, next_cursor = await grants.list_grants(session, principal=principal, page=page)
    return Page[GrantRead](items=[grants.to_read(g, today) for g in found], next_cursor=next_cursor)


@router.get("/data-grants/{grant_id}", response_model=GrantRead)
async def get_grant(
    grant_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
    response: Response,
) -> GrantRead:
    """One grant with its ETag."""
    grant = await grants.get_grant(session, principal=principal, grant_id=grant_id)
    response.headers["ETag"] = etag_of(grant.id, grant.version)
    return grants.to_read(grant, today)


@router.patch("/data-grants/{grant_id}", response_model=GrantRead)
async def update_grant(
    grant_id: str,
    body: GrantUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> GrantRead:
    """Move a grant's end date; guarded by If-Match; publishes ``DataGrantChanged``."""
    grant = await grants.update_grant(
        session, principal=principal, grant_id=grant_id, body=body, if_match=if_match, today=today
    )
    response.headers["ETag"] = etag_of(grant.id, grant.version)
    return grants.to_read(grant, today)


@router.post("/data-grants/{grant_id}/revoke", response_model=GrantRead)
async def revoke_grant(
    grant_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
    today: TodayDep,
    response: Response,
) -> GrantRead:
    """End a grant now; publishes ``DataGrantChanged`` with ``active`` false."""
    grant = await grants.revoke_grant(session, principal=principal, grant_id=grant_id, now=now)
    response.headers["ETag"] = etag_of(grant.id, grant.version)
    return grants.to_read(grant, today)
