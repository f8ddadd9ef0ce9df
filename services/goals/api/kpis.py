"""KPI definitions."""

from __future__ import annotations

from fastapi import APIRouter, Response

from goals.schemas import KpiCreate, KpiRead
from goals.service import kpis
from shared.auth import CurrentPrincipal
from shared.db import SessionDep

router = APIRouter(tags=["kpi-definitions"])


@router.post("/kpi-definitions", status_code=201, response_model=KpiRead)
async def create_kpi(
    body: KpiCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> KpiRead:
    """Define a KPI; a formula KPI (ROI = revenue / spend) may not refer back to itself."""
    kpi = await kpis.create_kpi(session, principal=principal, body=body)
    response.headers["Location"] = f"/goals/kpi-definitions/{kpi.id}"
    return KpiRead.model_validate(kpi)


@router.get("/kpi-definitions", response_model=list[KpiRead])
async def list_kpis(session: SessionDep) -> list[KpiRead]:
    """Every KPI definition."""
    return [KpiRead.model_validate(k) for k in await kpis.list_kpis(session)]


@router.get("/kpi-definitions/{kpi_id}", response_model=KpiRead)
async def get_kpi(kpi_id: str, session: SessionDep) -> KpiRead:
    """One KPI definition, by id or code."""
    return KpiRead.model_validate(await kpis.get_kpi(session, kpi_id_or_code=kpi_id))
