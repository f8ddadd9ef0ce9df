"""Queries on incentives' copies of KPI definitions (goals) and month settlements
(performance), and on equity grants."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from incentives.models import EquityGrant, KpiDefinitionCopy, MonthSettlement, ReviewResult
from shared.paging import Column, PageQuery

__all__ = [
    "equity_grants_page",
    "get_equity_grant",
    "get_settlement",
    "kpi_definition_copies",
    "kpi_definitions",
    "member_equity_grants",
    "member_reviews",
    "save_kpi_definition",
    "save_settlement",
]


async def save_kpi_definition(session: AsyncSession, *, values: dict[str, Any]) -> None:
    """Keep the newest version of a KPI definition; an older one arriving late changes
    nothing."""
    statement = insert(KpiDefinitionCopy).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[KpiDefinitionCopy.code],
            set_={k: statement.excluded[k] for k in values if k != "code"},
            where=KpiDefinitionCopy.source_version < statement.excluded.source_version,
        )
    )


async def kpi_definitions(
    session: AsyncSession, *, codes: set[str]
) -> dict[str, KpiDefinitionCopy]:
    rows = await session.scalars(select(KpiDefinitionCopy).where(KpiDefinitionCopy.code.in_(codes)))
    return {row.code: row for row in rows}


async def kpi_definition_copies(session: AsyncSession) -> list[KpiDefinitionCopy]:
    """Every KPI definition incentives holds, by code."""
    rows = await session.scalars(select(KpiDefinitionCopy).order_by(KpiDefinitionCopy.code))
    return list(rows.all())


async def save_settlement(session: AsyncSession, *, values: dict[str, Any]) -> bool:
    """Keep the newest revision of a month's settlement; whether this one was stored (an
    older or the same revision arriving late is not)."""
    statement = insert(MonthSettlement).values(**values)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[MonthSettlement.month],
            set_={k: statement.excluded[k] for k in values if k != "month"},
            where=MonthSettlement.revision < statement.excluded.revision,
        ).returning(MonthSettlement.month)
    )
    return result.first() is not None


async def get_settlement(
    session: AsyncSession, *, month: str, lock: bool = False
) -> MonthSettlement | None:
    """The newest settlement held, read afresh; ``lock``: held until the transaction ends
    (a newer revision being stored waits for it, and is then seen by what it re-awards)."""
    return await session.get(
        MonthSettlement, month, populate_existing=True, with_for_update=lock or None
    )


async def get_equity_grant(
    session: AsyncSession, *, grant_id: str, lock: bool = False
) -> EquityGrant | None:
    return await session.get(EquityGrant, grant_id, with_for_update=lock or None)


async def member_equity_grants(
    session: AsyncSession, *, member_id: str, states: tuple[str, ...] = ("approved",)
) -> list[EquityGrant]:
    rows = await session.scalars(
        select(EquityGrant)
        .where(EquityGrant.member_id == member_id, EquityGrant.state.in_(states))
        .order_by(EquityGrant.granted_on, EquityGrant.id)
    )
    return list(rows.all())


async def equity_grants_page(
    session: AsyncSession,
    *,
    page: PageQuery,
    member_ids: set[str] | None,
    member_id: str | None,
    state: str | None,
) -> tuple[list[EquityGrant], str | None]:
    """One page of equity grants: of ``member_ids`` (None: everyone's), optionally one
    member's or in one state."""
    query = select(EquityGrant)
    if member_ids is not None:
        query = query.where(EquityGrant.member_id.in_(member_ids))
    if member_id is not None:
        query = query.where(EquityGrant.member_id == member_id)
    if state is not None:
        query = query.where(EquityGrant.state == state)
    columns: dict[str, Column] = {
        "created_at": EquityGrant.created_at,
        "granted_on": EquityGrant.granted_on,
    }
    return await page.fetch(session, query, columns, EquityGrant.id)


async def member_reviews(session: AsyncSession, *, member_id: str) -> list[ReviewResult]:
    """Every closed review of the member copied from performance."""
    rows = await session.scalars(select(ReviewResult).where(ReviewResult.member_id == member_id))
    return list(rows.all())
