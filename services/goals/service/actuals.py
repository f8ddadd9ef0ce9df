"""Actuals: single, bulk JSON and streamed CSV, each measurement counted once by its
idempotency key; corrections with a reason. Figures and ``KPIUpdated`` follow."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import Measurement
from goals.schemas.actuals import CorrectionCreate, ImportReport, MeasurementCreate
from goals.service import figures
from goals.service.access import Scope, require_owner
from goals.service.csv_import import record_csv
from goals.service.ingest import Checked, Ingest
from goals.service.kpis import check_scale
from shared.errors import NotFound, Unprocessable
from shared.paging import PageQuery
from shared.periods import Period

__all__ = ["correct", "list_actuals", "record", "record_csv", "record_many"]

BATCH = 10_000


def _loc_of(message: str) -> list[str]:
    """Where in the body a row's problem is: ``value: ...`` is about the value."""
    field = message.split(":", 1)[0]
    return ["body", field] if field in MeasurementCreate.model_fields else ["body"]


async def record(
    session: AsyncSession, *, scope: Scope, body: MeasurementCreate, today: date
) -> tuple[Measurement, bool]:
    """Record one measurement; returns it and whether it is new (a repeat returns the first)."""
    ingest = Ingest(scope, session)
    await ingest.load()
    checked = await ingest.check(1, body.model_dump())
    if checked is None:
        raise Unprocessable(
            "the measurement was refused",
            errors=[
                {"loc": _loc_of(message), "msg": message, "type": "value_error"}
                for error in ingest.errors
                for message in error.errors
            ],
        )
    await ingest.store([(1, checked)])
    if ingest.errors:
        raise Unprocessable(
            "this idempotency key was already used for another measurement",
            errors=[
                {
                    "loc": ["body", "idempotency_key"],
                    "msg": ingest.errors[0].errors[0],
                    "type": "conflict",
                }
            ],
        )
    await ingest.finish(today)
    stored = await repository.measurements_by_keys(session, keys=[body.idempotency_key])
    return stored[body.idempotency_key], ingest.accepted == 1


async def record_many(
    session: AsyncSession, *, scope: Scope, items: list[dict[str, Any]], today: date
) -> ImportReport:
    """Bulk JSON: each item checked on its own; good items are kept whatever the others do."""
    ingest = Ingest(scope, session)
    await ingest.load()
    batch: list[tuple[int, Checked]] = []
    for index, raw in enumerate(items, start=1):
        checked = await ingest.check(index, raw)
        if checked is not None:
            batch.append((index, checked))
        if len(batch) >= BATCH:
            await ingest.store(batch)
            batch = []
    await ingest.store(batch)
    return await ingest.finish(today)


async def correct(
    session: AsyncSession, *, scope: Scope, measurement_id: str, body: CorrectionCreate, today: date
) -> Measurement:
    """Replace a measurement's value, with a reason; the old one stays, superseded."""
    original = await repository.get_measurement(
        session, measurement_id=measurement_id, for_update=True
    )
    if original is None:
        raise NotFound(f"measurement {measurement_id} does not exist")
    await require_owner(
        session, scope, owner_type=original.owner_type, owner_id=original.owner_id, write=True
    )
    kpi = await repository.get_kpi(session, kpi_id=original.kpi_id)
    assert kpi is not None
    check_scale(kpi, body.value, "value")
    repeated = (await repository.measurements_by_keys(session, keys=[body.idempotency_key])).get(
        body.idempotency_key
    )
    if repeated is not None:
        if repeated.corrects_id == original.id and repeated.value == body.value:
            return repeated
        raise Unprocessable("this idempotency key was already used for another measurement")
    if original.superseded:
        raise Unprocessable("this measurement was already corrected; correct the latest one")
    correction: Measurement = await repository.add(
        session,
        row=Measurement(
            id=str(uuid.uuid4()),
            owner_type=original.owner_type,
            owner_id=original.owner_id,
            kpi_id=original.kpi_id,
            measured_on=original.measured_on,
            value=body.value,
            source="correction",
            idempotency_key=body.idempotency_key,
            corrects_id=original.id,
            reason=body.reason,
            superseded=False,
            recorded_by=scope.principal.member_id,
        ),
    )
    await repository.supersede(session, measurement_id=original.id)
    engine = figures.FigureEngine(session)
    keys = await engine.keys_touched_by(
        [(original.owner_type, original.owner_id, original.kpi_id, original.measured_on)]
    )
    await figures.refresh(session, keys=keys, today=today, engine=engine)
    return correction


async def list_actuals(
    session: AsyncSession,
    *,
    scope: Scope,
    owner_type: str,
    owner_id: str,
    kpi: str | None,
    period: Period,
    page: PageQuery,
) -> tuple[list[Measurement], str | None]:
    """One page of an owner's measurements in a period."""
    await require_owner(
        session, scope, owner_type=owner_type, owner_id=owner_id, write=False, hide=False
    )
    kpi_id = None
    if kpi is not None:
        found = await repository.kpi_by_code(session, code=kpi)
        if found is None:
            raise NotFound(f"KPI {kpi} does not exist")
        kpi_id = found.id
    return await repository.list_measurements(
        session,
        owner_type=figures.figure_owner_type(owner_type),
        owner_id=owner_id,
        kpi_id=kpi_id,
        start=period.start,
        end=period.end,
        page=page,
    )
