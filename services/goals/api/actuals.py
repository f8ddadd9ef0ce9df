"""Actuals: single, bulk, CSV, corrections; and the figures they make."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from goals import repository
from goals.api.deps import ScopeDep, SettingsDep, TodayDep
from goals.models import KpiDefinition, KpiFigure, Measurement
from goals.schemas.actuals import (
    BulkMeasurements,
    CorrectionCreate,
    ImportReport,
    MeasurementCreate,
    MeasurementRead,
)
from goals.schemas.common import OwnerType
from goals.schemas.figures import FigureRead
from goals.service import actuals, figures, unit_reads
from goals.service.access import require_kpi_reader
from goals.service.kpis import at_scale
from shared.api import Page
from shared.db import SessionDep
from shared.errors import Unprocessable
from shared.paging import PageQuery, page_query
from shared.periods import Period, period_query

router = APIRouter(tags=["actuals"])

CSV_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "example": (
                    "owner_id,kpi,date,value,source,idempotency_key\n"
                    "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a,revenue,2026-03-14,18500.00,crm,"
                    "crm-deal-88213\n"
                ),
            }
        },
    }
}

ActualsPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=["date", "recorded_at", "value"], default="date,recorded_at")),
]
FiguresPage = Annotated[
    PageQuery,
    Depends(
        page_query(sortable=["kpi", "period", "attainment", "updated_at"], default="kpi,period")
    ),
]


async def _read(session: SessionDep, measurements: list[Measurement]) -> list[MeasurementRead]:
    kpis = {k.id: k for k in await repository.all_kpis(session)}
    return [_measurement_read(m, kpis.get(m.kpi_id)) for m in measurements]


def _measurement_read(m: Measurement, kpi: KpiDefinition | None) -> MeasurementRead:
    return MeasurementRead.model_validate(
        {
            **{
                c: getattr(m, c)
                for c in (
                    "id",
                    "owner_type",
                    "owner_id",
                    "source",
                    "idempotency_key",
                    "corrects_id",
                    "reason",
                    "superseded",
                )
            },
            "value": at_scale(kpi, m.value),
            "kpi": kpi.code if kpi else m.kpi_id,
            "date": m.measured_on,
        }
    )


@router.post(
    "/actuals",
    status_code=201,
    response_model=MeasurementRead,
    responses={
        200: {
            "description": "The same idempotency key was recorded before",
            "model": MeasurementRead,
        }
    },
)
async def record_actual(
    body: MeasurementCreate,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
    response: Response,
) -> MeasurementRead:
    """Record one measurement, its value a decimal string with at most the KPI's scale of
    places. Repeating its idempotency key returns the first (200)."""
    measurement, created = await actuals.record(session, scope=scope, body=body, today=today)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/goals/actuals/{measurement.id}"
    return (await _read(session, [measurement]))[0]


@router.post("/actuals/bulk", response_model=ImportReport)
async def record_actuals(
    body: BulkMeasurements, session: SessionDep, scope: ScopeDep, today: TodayDep
) -> ImportReport:
    """Up to 10,000 measurements as JSON; bad items are reported, good ones kept."""
    return await actuals.record_many(session, scope=scope, items=body.items, today=today)


@router.post("/actuals/csv", response_model=ImportReport, openapi_extra=CSV_BODY)
async def upload_actuals(
    request: Request, session: SessionDep, scope: ScopeDep, settings: SettingsDep, today: TodayDep
) -> ImportReport:
    """A CSV of measurements (header: owner_type, owner_id, kpi, date, value, source,
    idempotency_key; owner_type, source and idempotency_key optional), up to 100,000 rows,
    streamed. Each bad row is reported with its number; the good rows are kept. Without an
    idempotency_key column a row's content is its key, so uploading the same file twice
    changes nothing. The JSON alternative is ``POST /goals/actuals/bulk``."""
    return await actuals.record_csv(
        session,
        scope=scope,
        chunks=request.stream(),
        limit_bytes=settings.max_upload_bytes,
        limit_rows=settings.max_upload_rows,
        today=today,
    )


@router.post(
    "/actuals/{measurement_id}/corrections", status_code=201, response_model=MeasurementRead
)
async def correct_actual(
    measurement_id: str,
    body: CorrectionCreate,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
) -> MeasurementRead:
    """Correct a measurement with a reason; the original stays, marked superseded."""
    correction = await actuals.correct(
        session, scope=scope, measurement_id=measurement_id, body=body, today=today
    )
    return (await _read(session, [correction]))[0]


@router.get("/actuals", response_model=Page[MeasurementRead])
async def list_actuals(
    session: SessionDep,
    scope: ScopeDep,
    page: ActualsPage,
    owner_id: str,
    period: Annotated[str, period_query()],
    owner_type: OwnerType = OwnerType.member,
    kpi: str | None = None,
) -> Page[MeasurementRead]:
    """An owner's measurements in a period, a page at a time, values at their KPI's scale."""
    found, next_cursor = await actuals.list_actuals(
        session,
        scope=scope,
        owner_type=owner_type,
        owner_id=owner_id,
        kpi=kpi,
        period=Period.parse(period),
        page=page,
    )
    return Page[MeasurementRead](items=await _read(session, found), next_cursor=next_cursor)


@router.get("/figures", response_model=Page[FigureRead])
async def list_figures(
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
    page: FiguresPage,
    owner_id: str | None = None,
    owner_type: OwnerType = OwnerType.member,
    period: Annotated[str | None, period_query()] = None,
    kpi: str | None = None,
    unit_id: Annotated[
        str | None,
        Query(
            description="Instead of owner_id: one KPI's figures for a period across a "
            "unit's members (needs kpi and period)"
        ),
    ] = None,
    include_sub_units: Annotated[
        bool, Query(description="With unit_id: the members of the units below it too")
    ] = False,
) -> Page[FigureRead]:
    """An owner's reported figures (actual, target at the KPI's scale; attainment) per KPI
    and period; also for the units the owner's unit granted ``kpi_figures`` in collab. With
    ``unit_id`` (and ``kpi`` and ``period``) instead of ``owner_id``: that KPI's figures in
    that period for each member of the unit you may read, by member id."""
    kpis = {k.id: k for k in await repository.all_kpis(session)}
    if unit_id is not None:
        if owner_id is not None:
            raise _query_error("unit_id", "give owner_id or unit_id, not both")
        rows, next_cursor = await unit_reads.unit_figures(
            session,
            scope=scope,
            unit_id=unit_id,
            include_sub_units=include_sub_units,
            kpi=kpi,
            period=period,
            today=today,
            page=page,
        )
        return Page[FigureRead](
            items=[_figure_read(r, kpis, OwnerType.member) for r in rows], next_cursor=next_cursor
        )
    if owner_id is None:
        raise _query_error("owner_id", "name the owner (owner_id) or the unit (unit_id)")
    await require_kpi_reader(session, scope, owner_type=owner_type, owner_id=owner_id, today=today)
    kpi_id = None
    if kpi is not None:
        kpi_id = next((i for i, k in kpis.items() if k.code == kpi), "unknown")
    rows, next_cursor = await repository.list_figures(
        session,
        owner_type=figures.figure_owner_type(owner_type),
        owner_id=owner_id,
        period=period,
        kpi_id=kpi_id,
        page=page,
    )
    return Page[FigureRead](
        items=[_figure_read(r, kpis, owner_type) for r in rows], next_cursor=next_cursor
    )


def _query_error(name: str, message: str) -> Unprocessable:
    return Unprocessable(
        message, errors=[{"loc": ["query", name], "msg": message, "type": "value_error"}]
    )


def _figure_read(
    row: KpiFigure, kpis: dict[str, KpiDefinition], owner_type: OwnerType
) -> FigureRead:
    definition = kpis.get(row.kpi_id)
    return FigureRead.model_validate(
        {
            "owner_type": owner_type,
            "owner_id": row.owner_id,
            "kpi": definition.code if definition else row.kpi_id,
            "period": row.period,
            "actual": at_scale(definition, row.actual),
            "target": at_scale(definition, row.target),
            "attainment": row.attainment,
            "measurements": row.measurements,
        }
    )
