"""Queries on the goals schema's actuals: measurements (stored at COPY speed, counted once
by their idempotency key), their aggregates per period, and the figures made from them.
``goals.repository`` exports them, so callers keep one name for every query."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import Row, func, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import VALUE, KpiDefinition, KpiFigure, Measurement
from shared.db import driver_of
from shared.paging import PageQuery

STAGED_COLUMNS = (
    "owner_type",
    "owner_id",
    "kpi_id",
    "measured_on",
    "value",
    "source",
    "idempotency_key",
    "superseded",
    "recorded_by",
)


async def stage_measurements(
    session: AsyncSession, *, rows: list[tuple[Any, ...]]
) -> tuple[set[str], set[str]]:
    """Store many measurements at COPY speed, skipping idempotency keys stored before.

    Rows follow ``STAGED_COLUMNS`` (each stored row gets a new id). Returns the keys inserted
    now, and the keys that were stored before for a different measurement (owner, KPI, day or
    value).

    The keys stored before are read first and the other rows copied straight into the table,
    in a savepoint: should another transaction store one of the keys meanwhile, the unique key
    refuses the copy, and the batch goes through a staging table and ``ON CONFLICT``."""
    if not rows:
        return set(), set()
    driver = await driver_of(session)
    key_at = STAGED_COLUMNS.index("idempotency_key")
    earlier = await driver.fetch(
        "SELECT idempotency_key, owner_type, owner_id, kpi_id, measured_on, value "
        "FROM goals.measurements WHERE idempotency_key = ANY($1::text[])",
        [row[key_at] for row in rows],
    )
    if not earlier:
        await driver.execute("SAVEPOINT measurement_copy")
        try:
            await driver.copy_records_to_table(
                "measurements",
                schema_name="goals",
                records=[(str(uuid.uuid4()), *row) for row in rows],
                columns=["id", *STAGED_COLUMNS],
            )
        except asyncpg.UniqueViolationError:
            await driver.execute("ROLLBACK TO SAVEPOINT measurement_copy")
        else:
            await driver.execute("RELEASE SAVEPOINT measurement_copy")
            return {row[key_at] for row in rows}, set()
    return await _stage_and_insert(driver, rows)


async def _stage_and_insert(driver: Any, rows: list[tuple[Any, ...]]) -> tuple[set[str], set[str]]:
    columns = ", ".join(STAGED_COLUMNS)
    # The stored columns' types, without their constraints (the id is made on insert).
    await driver.execute(
        "CREATE TEMP TABLE IF NOT EXISTS measurement_stage ON COMMIT DROP AS "
        f"SELECT {columns} FROM goals.measurements WITH NO DATA"
    )
    await driver.execute("TRUNCATE measurement_stage")
    await driver.copy_records_to_table(
        "measurement_stage", records=rows, columns=list(STAGED_COLUMNS)
    )
    inserted = await driver.fetch(
        f"INSERT INTO goals.measurements (id, {columns}) "
        f"SELECT gen_random_uuid()::text, {columns} FROM measurement_stage "
        "ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key"
    )
    if len(inserted) == len(rows):
        return {r[0] for r in inserted}, set()
    # The rows inserted just now agree with their staged values, so only older rows show.
    conflicting = await driver.fetch(
        "SELECT s.idempotency_key FROM measurement_stage s "
        "JOIN goals.measurements m ON m.idempotency_key = s.idempotency_key "
        "WHERE (m.owner_type, m.owner_id, m.kpi_id, m.measured_on, m.value) "
        "IS DISTINCT FROM (s.owner_type, s.owner_id, s.kpi_id, s.measured_on, s.value)"
    )
    return {r[0] for r in inserted}, {r[0] for r in conflicting}


async def measurements_by_keys(
    session: AsyncSession, *, keys: Iterable[str]
) -> dict[str, Measurement]:
    rows = await session.scalars(
        select(Measurement).where(Measurement.idempotency_key.in_(list(keys)))
    )
    return {m.idempotency_key: m for m in rows}


async def get_measurement(
    session: AsyncSession, *, measurement_id: str, for_update: bool = False
) -> Measurement | None:
    return await session.get(Measurement, measurement_id, with_for_update=for_update)


async def supersede(session: AsyncSession, *, measurement_id: str) -> None:
    await session.execute(
        update(Measurement).where(Measurement.id == measurement_id).values(superseded=True)
    )


async def list_measurements(
    session: AsyncSession,
    *,
    owner_type: str,
    owner_id: str,
    kpi_id: str | None,
    start: date,
    end: date,
    page: PageQuery,
) -> tuple[list[Measurement], str | None]:
    query = select(Measurement).where(
        Measurement.owner_type == owner_type,
        Measurement.owner_id == owner_id,
        Measurement.measured_on.between(start, end),
    )
    if kpi_id is not None:
        query = query.where(Measurement.kpi_id == kpi_id)
    return await page.fetch(
        session,
        query,
        {
            "date": Measurement.measured_on,
            "recorded_at": Measurement.recorded_at,
            "value": Measurement.value,
        },
        Measurement.id,
    )


_MONTH = func.to_char(Measurement.measured_on, "YYYY-MM")
_QUARTER = func.to_char(Measurement.measured_on, 'YYYY-"Q"Q')
_YEAR = func.to_char(Measurement.measured_on, "YYYY")


async def period_aggregates(
    session: AsyncSession,
    *,
    owners: Iterable[tuple[str, str]],
    kpi_ids: Iterable[str],
    years: Iterable[int],
    with_last: bool = True,
) -> Sequence[Row[Any]]:
    """Per measurement owner, KPI and month/quarter/year: sum, count and the last value (0
    without ``with_last``: finding it sorts every group's measurements)."""
    owners = list(owners)
    years = sorted(set(years))
    if not owners or not years:
        return []
    last_value: Any = (
        func.array_agg(
            aggregate_order_by(
                Measurement.value,
                Measurement.measured_on.desc(),
                Measurement.recorded_at.desc(),
                Measurement.id,
            )
        )[1]
        if with_last
        else literal(Decimal(0), VALUE)
    )
    month, quarter, year = _MONTH.label("month"), _QUARTER.label("quarter"), _YEAR.label("year")
    query = (
        select(
            Measurement.owner_type,
            Measurement.owner_id,
            Measurement.kpi_id,
            month,
            quarter,
            year,
            func.sum(Measurement.value).label("total"),
            func.count().label("n"),
            last_value.label("last"),
        )
        .where(
            tuple_(Measurement.owner_type, Measurement.owner_id).in_(owners),
            Measurement.kpi_id.in_(list(kpi_ids)),
            Measurement.superseded.is_(False),
            Measurement.measured_on.between(date(years[0], 1, 1), date(years[-1], 12, 31)),
        )
        .group_by(
            Measurement.owner_type,
            Measurement.owner_id,
            Measurement.kpi_id,
            func.grouping_sets(tuple_(month, quarter, year), tuple_(quarter, year), tuple_(year)),
        )
    )
    return (await session.execute(query)).all()


async def figures_for(
    session: AsyncSession, *, keys: Sequence[tuple[str, str, str, str]]
) -> dict[tuple[str, str, str, str], KpiFigure]:
    if not keys:
        return {}
    # populate_existing: a figure loaded earlier in this transaction is read again, since
    # another writer may have changed it before this one took the figure's lock.
    rows = await session.scalars(
        select(KpiFigure)
        .where(
            tuple_(
                KpiFigure.owner_type, KpiFigure.owner_id, KpiFigure.kpi_id, KpiFigure.period
            ).in_(list(keys))
        )
        .execution_options(populate_existing=True)
    )
    return {(f.owner_type, f.owner_id, f.kpi_id, f.period): f for f in rows}


async def upsert_figures(session: AsyncSession, *, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    # One statement for every row (executemany): compiled once, not once per row count.
    statement = insert(KpiFigure)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[
                KpiFigure.owner_type,
                KpiFigure.owner_id,
                KpiFigure.kpi_id,
                KpiFigure.period,
            ],
            set_={
                "actual": statement.excluded.actual,
                "target": statement.excluded.target,
                "attainment": statement.excluded.attainment,
                "measurements": statement.excluded.measurements,
                "version": statement.excluded.version,
                "updated_at": func.now(),
            },
        ),
        rows,
    )


async def list_figures(
    session: AsyncSession,
    *,
    owner_type: str,
    owner_id: str,
    period: str | None,
    kpi_id: str | None,
    page: PageQuery,
) -> tuple[list[KpiFigure], str | None]:
    query = (
        select(KpiFigure)
        .join(KpiDefinition, KpiDefinition.id == KpiFigure.kpi_id)
        .where(KpiFigure.owner_type == owner_type, KpiFigure.owner_id == owner_id)
    )
    if period is not None:
        query = query.where(KpiFigure.period == period)
    if kpi_id is not None:
        query = query.where(KpiFigure.kpi_id == kpi_id)
    return await page.fetch(
        session,
        query,
        {
            "kpi": KpiDefinition.code,
            "period": KpiFigure.period,
            "attainment": KpiFigure.attainment,
            "updated_at": KpiFigure.updated_at,
        },
        # For one owner a figure is its KPI and period.
        func.concat(KpiFigure.kpi_id, "|", KpiFigure.period),
    )


async def best_recent_actual(
    session: AsyncSession,
    *,
    owner_type: str,
    owner_id: str,
    kpi_id: str,
    periods: Iterable[str],
    lower_is_better: bool,
) -> Decimal | None:
    aggregate = func.min if lower_is_better else func.max
    return await session.scalar(
        select(aggregate(KpiFigure.actual)).where(
            KpiFigure.owner_type == owner_type,
            KpiFigure.owner_id == owner_id,
            KpiFigure.kpi_id == kpi_id,
            KpiFigure.period.in_(list(periods)),
        )
    )


async def list_member_figures(
    session: AsyncSession, *, member_ids: list[str], period: str, kpi_id: str, page: PageQuery
) -> tuple[list[KpiFigure], str | None]:
    """One KPI's figures in one period for ``member_ids``, by member id unless sorted
    otherwise."""
    query = select(KpiFigure).where(
        KpiFigure.owner_type == "member",
        KpiFigure.owner_id.in_(member_ids),
        KpiFigure.kpi_id == kpi_id,
        KpiFigure.period == period,
    )
    return await page.fetch(
        session,
        query,
        {
            "kpi": KpiFigure.kpi_id,
            "period": KpiFigure.period,
            "attainment": KpiFigure.attainment,
            "updated_at": KpiFigure.updated_at,
        },
        KpiFigure.owner_id,  # one figure per member for one KPI and period: by member
    )
