"""HTTP endpoints of the incentives service: parse, check who asks, call the service,
return. Every route needs a bearer token."""

from fastapi import APIRouter, Depends

from incentives.api import dashboard, equity, members, payouts, plans, rewards
from shared.auth import current_principal

router = APIRouter(prefix="/incentives", dependencies=[Depends(current_principal)])
for module in (plans, payouts, rewards, equity, members, dashboard):
    router.include_router(module.router)
