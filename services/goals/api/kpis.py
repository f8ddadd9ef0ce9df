"""KPI definitions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from goals.schemas.kpis import KpiCreate, KpiRead, KpiUpdate
from goals.service import kpis
from shared.api import Page, etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["kpi-definitions"])

KpisPage = Annotated[
    PageQuery, Depends(page_query(sortable=["code", "name", "created_at"], default="code"))
]


@router.post("/kpi-definitions", status_code=201, response_model=KpiRead)
async def create_kpi(
    body: KpiCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> KpiRead:
    """Define a KPI with the scale (decimal places, 2 unless said) of its values; a formula
    KPI (ROI = revenue / spend) may not refer back to itself."""
    kpi = await kpis.create_kpi(session, principal=principal, body=body)
    response.headers["Location"] = f"/goals/kpi-definitions/{kpi.id}"
    response.headers["ETag"] = etag_of(kpi.id, kpi.version)
    return KpiRead.model_validate(kpi)


@router.get("/kpi-definitions", response_model=Page[KpiRead])
async def list_kpis(session: SessionDep, page: KpisPage) -> Page[KpiRead]:
    """The KPI definitions, a page at a time (by code unless sorted otherwise)."""
    found, next_cursor = await kpis.list_kpis(session, page=page)
    return Page[KpiRead](items=[KpiRead.model_validate(k) for k in found], next_cursor=next_cursor)


@router.get("/kpi-definitions/{kpi_id}", response_model=KpiRead)
async def get_kpi(kpi_id: str, session: SessionDep, response: Response) -> KpiRead:
    """One KPI definition, by id or code, with its ETag for later edits."""
    kpi = await kpis.get_kpi(session, kpi_id_or_code=kpi_id)
    response.headers["ETag"] = etag_of(kpi.id, kpi.version)
    return KpiRead.model_validate(kpi)


@router.patch("/kpi-definitions/{kpi_id}", response_model=KpiRead)
async def update_kpi(
    kpi_id: str,
    body: KpiUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> KpiRead:
    """Change a KPI's name, unit, category, description, ``non_negative`` or ``active``
    (false retires it: no new goals on it) as a merge patch (HR and admins) with If-Match;
    each change is published as ``KPIDefinitionChanged``."""
    kpi = await kpis.update_kpi(
        session, principal=principal, kpi_id_or_code=kpi_id, body=body, if_match=if_match
    )
    response.headers["ETag"] = etag_of(kpi.id, kpi.version)
    return KpiRead.model_validate(kpi)
