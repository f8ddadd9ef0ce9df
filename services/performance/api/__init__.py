"""HTTP endpoints of the performance service: parse, call the service, return. Every route
needs a bearer token except a customer's single-use feedback link."""

from fastapi import APIRouter, Depends

from performance.api import (
    competencies,
    dashboard,
    development,
    members,
    months,
    nominations,
    public,
    reviews,
    scores,
)
from shared.auth import current_principal

router = APIRouter(prefix="/performance")
authenticated = APIRouter(dependencies=[Depends(current_principal)])
for module in (
    scores,
    members,
    reviews,
    nominations,
    development,
    competencies,
    dashboard,
    months,
):
    authenticated.include_router(module.router)
router.include_router(authenticated)
router.include_router(public.router)
