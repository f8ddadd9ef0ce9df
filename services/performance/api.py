"""HTTP endpoints of the performance service: parse, call the service, return."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from performance import service
from performance.schemas import OrgUnitRead
from shared.auth import current_principal
from shared.db import SessionDep

router = APIRouter(prefix="/performance", dependencies=[Depends(current_principal)])


@router.get("/org-units/{unit_id}", tags=["org-units"], response_model=OrgUnitRead)
async def get_org_unit(unit_id: str, session: SessionDep) -> OrgUnitRead:
    """Performance's copy of an org unit, as learnt from goals' events."""
    return OrgUnitRead.model_validate(await service.get_org_unit(session, unit_id=unit_id))
