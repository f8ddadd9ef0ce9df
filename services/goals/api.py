"""HTTP endpoints of the goals service: parse, call the service, return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from goals import service
from goals.schemas import OrgUnitCreate, OrgUnitRead
from shared.api import MAX_PAGE_SIZE, Page
from shared.auth import CurrentPrincipal, current_principal
from shared.db import SessionDep

router = APIRouter(prefix="/goals", dependencies=[Depends(current_principal)])


@router.post("/org-units", status_code=201, tags=["org-units"], response_model=OrgUnitRead)
async def create_org_unit(
    body: OrgUnitCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> OrgUnitRead:
    """Create an org unit (HR and admins)."""
    unit = await service.create_org_unit(session, principal=principal, body=body)
    response.headers["Location"] = f"/goals/org-units/{unit.id}"
    return OrgUnitRead.model_validate(unit)


@router.get("/org-units/{unit_id}", tags=["org-units"], response_model=OrgUnitRead)
async def get_org_unit(unit_id: str, session: SessionDep) -> OrgUnitRead:
    """Read one org unit."""
    return OrgUnitRead.model_validate(await service.get_org_unit(session, unit_id=unit_id))


@router.get("/org-units", tags=["org-units"], response_model=Page[OrgUnitRead])
async def list_org_units(
    session: SessionDep,
    parent_id: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> Page[OrgUnitRead]:
    """List org units, optionally the children of one parent."""
    units, next_cursor = await service.list_org_units(
        session, parent_id=parent_id, cursor=cursor, limit=limit
    )
    return Page[OrgUnitRead](
        items=[OrgUnitRead.model_validate(u) for u in units], next_cursor=next_cursor
    )
