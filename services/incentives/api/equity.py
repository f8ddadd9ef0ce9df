"""Equity grants: long-term rewards in units, draft > approved, tranches vesting by date."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from incentives import repository
from incentives.api.deps import SettingsDep, TodayDep
from incentives.schemas.equity import EquityGrantCreate, EquityGrantRead, GrantState
from incentives.service import access, equity
from shared.api import Page
from shared.auth import CurrentPrincipal, Role
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter()

GrantPage = Annotated[
    PageQuery, Depends(page_query(["created_at", "granted_on"], default="created_at"))
]


@router.post("/equity-grants", status_code=201, response_model=EquityGrantRead, tags=["equity"])
async def create_equity_grant(
    body: EquityGrantCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    response: Response,
) -> EquityGrantRead:
    """A draft equity grant for a member (a manager for their units' members, HR or admin;
    never one for you: 403 ``self-decision``; outside a manager's units: 403
    ``out-of-scope``). The tranches add up to the quantity, none before the cliff (422 naming
    the field)."""
    access.require_manager(principal)
    grant = await equity.create_grant(session, principal, settings, body)
    response.headers["Location"] = f"/incentives/equity-grants/{grant.id}"
    return equity.read(grant)


@router.get("/equity-grants", response_model=Page[EquityGrantRead], tags=["equity"])
async def list_equity_grants(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: GrantPage,
    member_id: str | None = None,
    state: GrantState | None = None,
) -> Page[EquityGrantRead]:
    """Equity grants the caller may see (a member their own, a manager their units'
    members', finance, HR and admins all), optionally one member's or in one state."""
    visible: set[str] | None = None
    if not principal.has(*access.COMPANY_WIDE):
        visible = {principal.member_id}
        if principal.has(Role.manager):
            visible |= {
                m.id for m in await repository.members(session) if access.in_subtree(principal, m)
            }
    found, cursor = await repository.equity_grants_page(
        session,
        page=page,
        member_ids=visible,
        member_id=member_id,
        state=None if state is None else state.value,
    )
    return Page(items=[equity.read(g) for g in found], next_cursor=cursor)


@router.get("/equity-grants/{grant_id}", response_model=EquityGrantRead, tags=["equity"])
async def get_equity_grant(
    grant_id: str, session: SessionDep, principal: CurrentPrincipal
) -> EquityGrantRead:
    """One equity grant with its tranches (404 unless the caller may see the member's pay)."""
    return equity.read(await equity.get_grant(session, principal, grant_id))


@router.post("/equity-grants/{grant_id}/approve", response_model=EquityGrantRead, tags=["equity"])
async def approve_equity_grant(
    grant_id: str, session: SessionDep, principal: CurrentPrincipal
) -> EquityGrantRead:
    """Approve a draft grant (HR or admin; never your own grant: 403 ``self-decision``; not
    one you created: 403 ``second-approver-required``; approved already: 409). Published as
    ``EquityGranted``."""
    principal.require(Role.hr, Role.admin)
    grant = await equity.get_grant(session, principal, grant_id, lock=True)
    return equity.read(await equity.approve(session, principal, grant))


@router.post("/equity-grants/{grant_id}/vest", response_model=EquityGrantRead, tags=["equity"])
async def vest_equity_grant(
    grant_id: str, session: SessionDep, principal: CurrentPrincipal, today: TodayDep
) -> EquityGrantRead:
    """Vest the approved grant's tranches whose date has come (HR or admin; not your own):
    each whose conditions are met vests, published once as ``EquityVested``; one whose
    member left before its date or lacked the tenure is forfeited; one whose minimum score
    waits for a closed review stays pending. Tranches already decided are left alone."""
    principal.require(Role.hr, Role.admin)
    grant = await equity.get_grant(session, principal, grant_id, lock=True)
    return equity.read(await equity.vest(session, principal, grant, today))
