"""HTTP endpoints of the collab service."""

from fastapi import APIRouter, Depends

from shared.auth import current_principal

router = APIRouter(prefix="/collab", dependencies=[Depends(current_principal)])
