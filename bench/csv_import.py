"""CSV import: POST /goals/actuals/csv with N rows, beside a Postgres COPY of the same rows
into a table of goals.measurements' shape (its columns, indexes and unique keys)."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from bench.infra import AUTH, Infra, fresh_topics, services
from bench.report import Result, ratio_of, rounded

TARGET_RATIO = 5
COLUMNS = [
    "id",
    "owner_type",
    "owner_id",
    "kpi_id",
    "measured_on",
    "value",
    "source",
    "idempotency_key",
    "superseded",
    "recorded_by",
]


def _rows(count: int, owners: list[str]) -> list[tuple[str, date, int, str]]:
    """(owner, day, value, key) for each CSV row."""
    first = date(2026, 1, 1)
    return [
        (
            owners[i % len(owners)],
            first + timedelta(days=(i // len(owners)) % 365),
            100 + i % 900,
            f"k-{i}",
        )
        for i in range(count)
    ]


async def bench_csv(infra: Infra, rows: int) -> Result:
    await fresh_topics(infra)
    url = await infra.database("b_csv")
    owners = [f"m-{i:03d}" for i in range(100)]
    data = _rows(rows, owners)
    with services(infra, url, ["goals"]) as running:
        goals = f"http://127.0.0.1:{running['goals'][0]}"
        async with httpx.AsyncClient(base_url=goals, timeout=900) as client:
            kpi = await client.post(
                "/goals/kpi-definitions",
                json={"code": "revenue", "name": "Revenue", "unit": "CNY"},
                headers=AUTH,
            )
            kpi.raise_for_status()
            kpi_id = kpi.json()["id"]
            unit = (
                await client.post(
                    "/goals/org-units", json={"name": "Bench", "kind": "team"}, headers=AUTH
                )
            ).json()["id"]
            for owner in owners:
                await client.post(
                    "/goals/members",
                    json={
                        "id": owner,
                        "name": owner,
                        "home_unit_id": unit,
                        "layer": "execution",
                        "hired_on": "2025-01-01",
                    },
                    headers=AUTH,
                )
            lines = ["owner_id,kpi,date,value,source,idempotency_key"]
            lines += [f"{o},revenue,{d},{v},crm,{k}" for o, d, v, k in data]
            body = ("\n".join(lines) + "\n").encode()
            began = time.perf_counter()
            response = await client.post(
                "/goals/actuals/csv", content=body, headers={**AUTH, "content-type": "text/csv"}
            )
            import_s = time.perf_counter() - began
            report = response.json()
            if response.status_code != 200 or report.get("accepted") != rows:
                raise RuntimeError(f"the import did not take every row: {response.text[:300]}")
    copy_s, shape = await _copy_floor(infra.dsn("b_csv"), kpi_id, data)
    ratio = ratio_of(import_s, copy_s)
    return Result(
        f"Import {rows:,} actuals by CSV (POST /goals/actuals/csv)",
        round(import_s, 2),
        "s",
        round(copy_s, 3),
        "s",
        "Postgres COPY of the same rows into a table shaped like goals.measurements",
        rounded(ratio, 1),
        f"<= {TARGET_RATIO}x COPY",
        ratio <= TARGET_RATIO,
        {"figures_changed": report.get("figures_changed"), "floor_table": shape},
        [
            "floor: `CREATE TABLE bench_floor (LIKE goals.measurements INCLUDING ALL)` (its "
            f"primary key, unique idempotency key and {len(shape['indexes'])} indexes in all), "
            "the rows turned into its columns before the timer, then one binary COPY timed"
        ],
    )


async def _copy_floor(
    dsn: str, kpi_id: str, data: list[tuple[str, date, int, str]]
) -> tuple[float, dict[str, Any]]:
    records = [
        (str(uuid.uuid4()), "member", o, kpi_id, d, Decimal(v), "crm", k, False, "bench")
        for o, d, v, k in data
    ]
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("CREATE TABLE bench_floor (LIKE goals.measurements INCLUDING ALL)")
        indexes = await connection.fetch(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'bench_floor'"
        )
        began = time.perf_counter()
        await connection.copy_records_to_table("bench_floor", records=records, columns=COLUMNS)
        copy_s = time.perf_counter() - began
        copied = await connection.fetchval("SELECT count(*) FROM bench_floor")
    finally:
        await connection.close()
    if copied != len(data):
        raise RuntimeError(f"the floor copied {copied} of {len(data)} rows")
    return copy_s, {"columns": COLUMNS, "indexes": [r["indexdef"] for r in indexes]}
