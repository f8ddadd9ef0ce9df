"""The invariant checker's queries on the goals schema: read-only, in bulk (see ``verify``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import DataGrantCopy, KpiFigure, Measurement, outbox


async def figure_keys(session: AsyncSession) -> list[tuple[str, str, str, str]]:
    """Every stored figure's (owner type, owner id, KPI id, period)."""
    rows = await session.execute(
        select(KpiFigure.owner_type, KpiFigure.owner_id, KpiFigure.kpi_id, KpiFigure.period)
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def measured_months(session: AsyncSession) -> list[tuple[str, str, str, date]]:
    """(owner type, owner id, KPI id, first day of the month) of every month with a
    measurement in force."""
    month = func.date_trunc("month", Measurement.measured_on).cast(Date)
    rows = await session.execute(
        select(Measurement.owner_type, Measurement.owner_id, Measurement.kpi_id, month)
        .where(Measurement.superseded.is_(False))
        .distinct()
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def last_published_figures(session: AsyncSession) -> dict[tuple[str, str, str, str], Any]:
    """The data of the newest ``KPIUpdated`` still in the outbox for each figure."""
    data = outbox.c.envelope["data"]
    key = (
        data["owner_type"].astext,
        data["owner_id"].astext,
        data["kpi_id"].astext,
        data["period"].astext,
    )
    rows = await session.execute(
        select(*key, data)
        .where(outbox.c.event_type == "goals.kpi.updated")
        .order_by(*key, outbox.c.id.desc())
        .ext(distinct_on(*key))
    )
    return {(r[0], r[1], r[2], r[3]): r[4] for r in rows}


async def grant_copies(session: AsyncSession) -> list[DataGrantCopy]:
    return list((await session.scalars(select(DataGrantCopy))).all())
