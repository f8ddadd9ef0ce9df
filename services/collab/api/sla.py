"""Business-hours calendars and SLA policies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from collab import repository
from collab.api.deps import SettingsDep
from collab.schemas import CalendarPut, CalendarRead, PolicyCreate, PolicyRead
from collab.service import policies
from shared.api import Page
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["sla"])
PolicyPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=repository.POLICY_SORTS, default="rank,created_at")),
]
UnitId = Annotated[str, Path(min_length=1, max_length=36, description="An org unit's id")]


@router.put("/calendars/{unit_id}", response_model=CalendarRead)
async def put_calendar(
    unit_id: UnitId,
    body: CalendarPut,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
) -> CalendarRead:
    """Set an owner unit's business hours (the unit's manager, HR or an admin)."""
    return await policies.put_calendar(
        session, principal=principal, settings=settings, unit_id=unit_id, body=body
    )


@router.get("/calendars/{unit_id}", response_model=CalendarRead)
async def get_calendar(unit_id: UnitId, session: SessionDep, settings: SettingsDep) -> CalendarRead:
    """A unit's business hours (the default Mon-Fri 09:00-18:00 when none is set)."""
    return await policies.get_calendar(session, settings=settings, unit_id=unit_id)


@router.post("/sla-policies", status_code=201, response_model=PolicyRead)
async def create_policy(
    body: PolicyCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> PolicyRead:
    """An SLA policy chosen by category, units and priority (HR and admins)."""
    policy = await policies.create_policy(session, principal=principal, body=body)
    response.headers["Location"] = f"/collab/sla-policies/{policy.id}"
    return PolicyRead.model_validate(policy)


@router.get("/sla-policies", response_model=Page[PolicyRead])
async def list_policies(session: SessionDep, page: PolicyPage) -> Page[PolicyRead]:
    """The active policies, by default in the order they are tried (lowest rank first)."""
    found, next_cursor = await policies.list_policies(session, page=page)
    return Page[PolicyRead](
        items=[PolicyRead.model_validate(p) for p in found], next_cursor=next_cursor
    )
