"""Actuals: single, bulk JSON and streamed CSV, each measurement counted once by its
idempotency key; corrections with a reason. Figures and ``KPIUpdated`` follow."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import KpiDefinition, Measurement
from goals.schemas.actuals import CorrectionCreate, ImportReport, MeasurementCreate, RowError
from goals.service import figures
from goals.service.access import Scope, require_owner
from goals.service.kpis import check_scale, scale_problem
from shared.errors import NotFound, PayloadTooLarge, Unprocessable
from shared.paging import PageQuery
from shared.periods import Period

BATCH = 10_000
CSV_COLUMNS = ("owner_type", "owner_id", "kpi", "date", "value", "source", "idempotency_key")
REQUIRED_CSV_COLUMNS = {"owner_id", "kpi", "date", "value"}


@dataclass
class _Ingest:
    """One upload's progress: what was accepted, what was refused and why."""

    scope: Scope
    session: AsyncSession
    kpis: dict[str, KpiDefinition] = field(default_factory=dict)
    allowed_owners: dict[tuple[str, str], str | None] = field(default_factory=dict)
    seen_keys: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    touched: set[tuple[str, str, str, date]] = field(default_factory=set)
    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)

    async def load(self) -> None:
        self.kpis = {k.code: k for k in await repository.all_kpis(self.session)}

    async def _owner_problem(self, owner_type: str, owner_id: str) -> str | None:
        key = (owner_type, owner_id)
        if key not in self.allowed_owners:
            problem = None
            exists = (
                await repository.get_member(self.session, member_id=owner_id)
                if owner_type == "member"
                else await repository.get_org_unit(self.session, unit_id=owner_id)
            )
            if exists is None:
                problem = f"owner_id: {owner_type} {owner_id} does not exist"
            else:
                try:
                    await require_owner(
                        self.session,
                        self.scope,
                        owner_type=owner_type,
                        owner_id=owner_id,
                        write=True,
                    )
                except Exception:  # Forbidden or NotFound: the row is refused, not the upload
                    problem = f"owner_id: you may not record actuals for {owner_id}"
            self.allowed_owners[key] = problem
        return self.allowed_owners[key]

    async def check(
        self, row_number: int, raw: dict[str, Any]
    ) -> tuple[MeasurementCreate, KpiDefinition] | None:
        """A valid measurement, or None with the row's errors recorded."""
        self.rows += 1
        try:
            item = MeasurementCreate.model_validate(raw)
        except ValidationError as exc:
            self.errors.append(
                RowError(
                    row=row_number,
                    errors=[
                        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
                    ],
                )
            )
            return None
        problems = []
        kpi = self.kpis.get(item.kpi)
        if kpi is None:
            problems.append(f"kpi: no KPI with code {item.kpi!r}")
        elif kpi.formula:
            problems.append(f"kpi: {item.kpi} is computed by its formula, not measured")
        elif (too_fine := scale_problem(kpi, item.value)) is not None:
            problems.append(f"value: {too_fine}")
        owner_problem = await self._owner_problem(
            figures.figure_owner_type(item.owner_type), item.owner_id
        )
        if owner_problem:
            problems.append(owner_problem)
        fingerprint = (item.owner_type, item.owner_id, item.kpi, item.date, item.value)
        earlier = self.seen_keys.get(item.idempotency_key)
        if earlier is not None and earlier != fingerprint:
            problems.append("idempotency_key: used earlier in this upload for other values")
        if problems:
            self.errors.append(RowError(row=row_number, errors=problems))
            return None
        if earlier is not None:
            self.duplicates += 1
            return None
        self.seen_keys[item.idempotency_key] = fingerprint
        assert kpi is not None
        return item, kpi

    async def store(self, batch: list[tuple[int, MeasurementCreate, KpiDefinition]]) -> None:
        """Insert a batch; keys stored before count as duplicates when their values agree."""
        if not batch:
            return
        rows = [
            (
                str(uuid.uuid4()),
                figures.figure_owner_type(item.owner_type),
                item.owner_id,
                kpi.id,
                item.date,
                item.value,
                item.source,
                item.idempotency_key,
                False,
                self.scope.principal.member_id,
            )
            for _n, item, kpi in batch
        ]
        inserted, conflicting = await repository.stage_measurements(self.session, rows=rows)
        for row_number, item, kpi in batch:
            key = item.idempotency_key
            if key in inserted:
                self.accepted += 1
                self.touched.add(
                    (figures.figure_owner_type(item.owner_type), item.owner_id, kpi.id, item.date)
                )
            elif key in conflicting:
                self.errors.append(
                    RowError(
                        row=row_number,
                        errors=["idempotency_key: already used for a different measurement"],
                    )
                )
            else:
                self.duplicates += 1

    async def finish(self, today: date) -> ImportReport:
        changed = 0
        if self.touched:
            engine = figures.FigureEngine(self.session)
            keys = await engine.keys_touched_by(self.touched)
            changed = await figures.refresh(self.session, keys=keys, today=today, engine=engine)
        return ImportReport(
            rows=self.rows,
            accepted=self.accepted,
            duplicates=self.duplicates,
            rejected=len(self.errors),
            errors=self.errors,
            figures_changed=changed,
        )


def _loc_of(message: str) -> list[str]:
    """Where in the body a row's problem is: ``value: ...`` is about the value."""
    field = message.split(":", 1)[0]
    return ["body", field] if field in MeasurementCreate.model_fields else ["body"]


async def record(
    session: AsyncSession, *, scope: Scope, body: MeasurementCreate, today: date
) -> tuple[Measurement, bool]:
    """Record one measurement; returns it and whether it is new (a repeat returns the first)."""
    ingest = _Ingest(scope, session)
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
    await ingest.store([(1, *checked)])
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
    ingest = _Ingest(scope, session)
    await ingest.load()
    batch = []
    for index, raw in enumerate(items, start=1):
        checked = await ingest.check(index, raw)
        if checked is not None:
            batch.append((index, *checked))
        if len(batch) >= BATCH:
            await ingest.store(batch)
            batch = []
    await ingest.store(batch)
    return await ingest.finish(today)


async def _spool(chunks: AsyncIterator[bytes], limit: int) -> tempfile.SpooledTemporaryFile[bytes]:
    # Returned open: the caller reads it and closes it.
    spool: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=4 * 1_048_576
    )
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            spool.close()
            raise PayloadTooLarge(f"the upload exceeds {limit} bytes")
        spool.write(chunk)
    spool.seek(0)
    return spool


def _csv_rows(spool: tempfile.SpooledTemporaryFile[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, row) from a CSV with a header; undecodable bytes make that row invalid."""
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.DictReader(text)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = REQUIRED_CSV_COLUMNS - set(header)
    if missing:
        raise Unprocessable(
            f"the CSV header lacks {', '.join(sorted(missing))}",
            errors=[
                {
                    "loc": ["body", "header"],
                    "msg": f"expected columns: {', '.join(CSV_COLUMNS)}",
                    "type": "csv_header",
                }
            ],
        )
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, row


def _row_to_item(row: dict[str, Any]) -> dict[str, Any]:
    if any("\ufffd" in (v or "") for v in row.values() if isinstance(v, str)):
        return {"__encoding__": "not valid UTF-8"}
    item = {
        k: (v.strip() if isinstance(v, str) else v)
        for k, v in row.items()
        if k in CSV_COLUMNS and v not in (None, "")
    }
    item.setdefault("source", "csv")
    if "idempotency_key" not in item:
        # Without a key column, a row's content is its identity: re-uploads count once.
        content = "|".join(str(item.get(c, "")) for c in CSV_COLUMNS[:5])
        item["idempotency_key"] = "csv:" + hashlib.sha256(content.encode()).hexdigest()[:40]
    if None in row:
        item["__extra__"] = "more fields than the header has"
    return item


async def record_csv(
    session: AsyncSession,
    *,
    scope: Scope,
    chunks: AsyncIterator[bytes],
    limit_bytes: int,
    limit_rows: int,
    today: date,
) -> ImportReport:
    """A CSV upload, streamed to a spool and read row by row in batches."""
    spool = await _spool(chunks, limit_bytes)
    ingest = _Ingest(scope, session)
    await ingest.load()
    batch: list[tuple[int, MeasurementCreate, KpiDefinition]] = []
    try:
        for row_number, row in _csv_rows(spool):
            if ingest.rows >= limit_rows:
                raise PayloadTooLarge(f"an upload holds at most {limit_rows} rows")
            item = _row_to_item(row)
            if "__encoding__" in item or "__extra__" in item:
                ingest.rows += 1
                ingest.errors.append(
                    RowError(row=row_number, errors=[item.get("__encoding__") or item["__extra__"]])
                )
                continue
            checked = await ingest.check(row_number, item)
            if checked is not None:
                batch.append((row_number, *checked))
            if len(batch) >= BATCH:
                await ingest.store(batch)
                batch = []
        await ingest.store(batch)
    except csv.Error as exc:
        raise Unprocessable(f"the CSV cannot be read: {exc}") from exc
    finally:
        spool.close()
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
