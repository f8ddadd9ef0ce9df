"""Actuals: single, bulk, CSV, corrections; and the figures they make."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from goals import repository
from goals.api.deps import ScopeDep, SettingsDep, TodayDep
from goals.models import Measurement
from goals.schemas import (
    BulkMeasurements,
    CorrectionCreate,
    FigureRead,
    ImportReport,
    MeasurementCreate,
    MeasurementRead,
    OwnerType,
)
from goals.service import actuals, figures
from goals.service.access import require_kpi_reader
from shared.db import SessionDep
from shared.periods import Period, period_query

router = APIRouter(tags=["actuals"])

CSV_BODY = {
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


async def _read(session: SessionDep, measurements: list[Measurement]) -> list[MeasurementRead]:
    codes = {k.id: k.code for k in await repository.all_kpis(session)}
    return [
        MeasurementRead.model_validate(
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
                        "value",
                    )
                },
                "kpi": codes.get(m.kpi_id, m.kpi_id),
                "date": m.measured_on,
            }
        )
        for m in measurements
    ]


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
    """Record one measurement. Repeating its idempotency key returns the first (200)."""
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
    changes nothing."""
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


@router.get("/actuals", response_model=list[MeasurementRead])
async def list_actuals(
    session: SessionDep,
    scope: ScopeDep,
    owner_id: str,
    period: Annotated[str, period_query()],
    owner_type: OwnerType = OwnerType.member,
    kpi: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[MeasurementRead]:
    """An owner's measurements in a period."""
    found = await actuals.list_actuals(
        session,
        scope=scope,
        owner_type=owner_type,
        owner_id=owner_id,
        kpi=kpi,
        period=Period.parse(period),
        limit=limit,
    )
    return await _read(session, list(found))


@router.get("/figures", response_model=list[FigureRead])
async def list_figures(
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
    owner_id: str,
    owner_type: OwnerType = OwnerType.member,
    period: Annotated[str | None, period_query()] = None,
    kpi: str | None = None,
) -> list[FigureRead]:
    """An owner's reported figures (actual, target, attainment) per KPI and period; also
    for the units the owner's unit granted ``kpi_figures`` in collab."""
    await require_kpi_reader(session, scope, owner_type=owner_type, owner_id=owner_id, today=today)
    kpi_id = None
    codes = {k.id: k.code for k in await repository.all_kpis(session)}
    if kpi is not None:
        kpi_id = next((i for i, c in codes.items() if c == kpi), "unknown")
    rows = await repository.list_figures(
        session,
        owner_type=figures.figure_owner_type(owner_type),
        owner_id=owner_id,
        period=period,
        kpi_id=kpi_id,
    )
    return [
        FigureRead.model_validate(
            {
                "owner_type": owner_type,
                "owner_id": r.owner_id,
                "kpi": codes.get(r.kpi_id, r.kpi_id),
                "period": r.period,
                "actual": r.actual,
                "target": r.target,
                "attainment": r.attainment,
                "measurements": r.measurements,
            }
        )
        for r in rows
    ]
