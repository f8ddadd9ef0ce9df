"""CSV uploads of actuals: streamed to a spool, read row by row with the csv module, each row
checked like a JSON item (``goals.service.ingest``) and stored in batches at COPY speed."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from goals.schemas.actuals import ImportReport, RowError
from goals.service.access import Scope
from goals.service.ingest import Checked, Ingest
from shared.errors import PayloadTooLarge, Unprocessable

BATCH = 4_000
"""Rows per stored batch: Postgres stores one while the next is read and checked."""
YIELD_EVERY = 250
"""Rows read between chances for the batch being stored to move on."""
CSV_COLUMNS = ("owner_type", "owner_id", "kpi", "date", "value", "source", "idempotency_key")
REQUIRED_CSV_COLUMNS = {"owner_id", "kpi", "date", "value"}
_COLUMN_SET = frozenset(CSV_COLUMNS)


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
    values = row.values()
    if None in row or None in values:  # more or fewer fields than the header
        if any("\ufffd" in (v or "") for v in values if isinstance(v, str)):
            return {"__encoding__": "not valid UTF-8"}
        item = {
            k: (v.strip() if isinstance(v, str) else v)
            for k, v in row.items()
            if k in CSV_COLUMNS and v not in (None, "")
        }
    else:  # every value a string: the same, in fewer steps
        if "\ufffd" in "".join(values):
            return {"__encoding__": "not valid UTF-8"}
        item = {k: v.strip() for k, v in row.items() if v and k in _COLUMN_SET}
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
    ingest = Ingest(scope, session)
    await ingest.load()
    batch: list[tuple[int, Checked]] = []
    try:
        for row_number, row in _csv_rows(spool):
            if ingest.rows >= limit_rows:
                raise PayloadTooLarge(f"an upload holds at most {limit_rows} rows")
            if ingest.storing is not None and ingest.rows % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            item = _row_to_item(row)
            if "__encoding__" in item or "__extra__" in item:
                ingest.rows += 1
                ingest.errors.append(
                    RowError(row=row_number, errors=[item.get("__encoding__") or item["__extra__"]])
                )
                continue
            checked = await ingest.check(row_number, item)
            if checked is not None:
                batch.append((row_number, checked))
            if len(batch) >= BATCH:
                await ingest.store_behind(batch)
                batch = []
        await ingest.store_behind(batch)
        await ingest.stored()
    except csv.Error as exc:
        raise Unprocessable(f"the CSV cannot be read: {exc}") from exc
    finally:
        spool.close()
        if ingest.storing is not None:  # the upload failed: let the batch end before rollback
            await asyncio.gather(ingest.storing, return_exceptions=True)
    return await ingest.finish(today)
