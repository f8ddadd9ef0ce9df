"""HTTP endpoints of the incentives service."""

from fastapi import APIRouter, Depends

from shared.auth import current_principal

router = APIRouter(prefix="/incentives", dependencies=[Depends(current_principal)])
