"""Queries on KPI definitions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import (
    Goal,
    KpiDefinition,
)
from shared.paging import PageQuery


async def get_kpi(session: AsyncSession, *, kpi_id: str) -> KpiDefinition | None:
    return await session.get(KpiDefinition, kpi_id)


async def kpi_by_code(session: AsyncSession, *, code: str) -> KpiDefinition | None:
    return await session.scalar(select(KpiDefinition).where(KpiDefinition.code == code))


async def all_kpis(session: AsyncSession) -> list[KpiDefinition]:
    return list((await session.scalars(select(KpiDefinition).order_by(KpiDefinition.code))).all())


async def list_kpis(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[KpiDefinition], str | None]:
    return await page.fetch(
        session,
        select(KpiDefinition),
        {
            "code": KpiDefinition.code,
            "name": KpiDefinition.name,
            "created_at": KpiDefinition.created_at,
        },
        KpiDefinition.id,
    )


async def negative_targets(session: AsyncSession, *, kpi_id: str) -> list[str]:
    """The ids of the goals with a target below zero on the KPI."""
    found = await session.scalars(
        select(Goal.id).where(Goal.kpi_id == kpi_id, Goal.target_value < 0).order_by(Goal.id)
    )
    return list(found.all())
