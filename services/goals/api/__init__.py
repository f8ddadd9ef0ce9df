"""HTTP endpoints of the goals service: parse, call the service, return. Every route needs a
bearer token; what the caller may see is decided in ``goals.service.access``."""

from fastapi import APIRouter, Depends

from goals.api import (
    actuals,
    composition,
    dashboard,
    kpis,
    org,
    positions,
    recruitment,
    risk,
    targets,
    work,
)
from shared.auth import current_principal

router = APIRouter(prefix="/goals", dependencies=[Depends(current_principal)])
for module in (
    org,
    positions,
    composition,
    kpis,
    targets,
    risk,
    actuals,
    work,
    dashboard,
    recruitment,
):
    router.include_router(module.router)
