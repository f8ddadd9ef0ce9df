"""HTTP endpoints of the collab service: parse, call the service, return. Every route needs
a bearer token."""

from fastapi import APIRouter, Depends

from collab.api import dashboard, grants, meetings, retros, sla, tickets
from shared.auth import current_principal

router = APIRouter(prefix="/collab", dependencies=[Depends(current_principal)])
for module in (tickets, sla, meetings, retros, grants, dashboard):
    router.include_router(module.router)
