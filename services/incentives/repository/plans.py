"""Queries on ladders, plans and recorded revenue."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from incentives.models import Ladder, Plan, RevenueEntry
from shared.paging import Column, PageQuery

__all__ = [
    "get_ladder",
    "get_plan",
    "get_revenue",
    "ladders",
    "net_revenue",
    "period_revenue",
    "plan_periods",
    "plans",
    "plans_page",
    "revenue_entries",
    "reversed_of",
]


async def get_ladder(session: AsyncSession, *, key: str) -> Ladder | None:
    return await session.get(Ladder, key)


async def ladders(session: AsyncSession) -> list[Ladder]:
    return list((await session.scalars(select(Ladder).order_by(Ladder.key))).all())


async def get_plan(session: AsyncSession, *, plan_id: str, lock: bool = False) -> Plan | None:
    """A plan; ``lock``: held (and read afresh) until the transaction ends."""
    if lock:
        return await session.get(Plan, plan_id, with_for_update=True, populate_existing=True)
    return await session.get(Plan, plan_id)


async def plans(session: AsyncSession, *, period: str | None = None) -> list[Plan]:
    query = select(Plan).order_by(Plan.created_at, Plan.id)
    if period is not None:
        query = query.where(Plan.period == period)
    return list((await session.scalars(query)).all())


async def plans_page(
    session: AsyncSession, *, page: PageQuery, period: str | None = None
) -> tuple[list[Plan], str | None]:
    """One page of the plans (of ``period``), in the page's order."""
    query = select(Plan)
    if period is not None:
        query = query.where(Plan.period == period)
    columns: dict[str, Column] = {
        "created_at": Plan.created_at,
        "period": Plan.period,
        "name": Plan.name,
    }
    return await page.fetch(session, query, columns, Plan.id)


async def plan_periods(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(Plan.period).distinct())).all())


# ----------------------------------------------------------------------------- revenue


async def get_revenue(session: AsyncSession, *, entry_id: str) -> RevenueEntry | None:
    return await session.get(RevenueEntry, entry_id)


async def net_revenue(session: AsyncSession, *, member_id: str, period: str) -> Decimal:
    signed = case((RevenueEntry.kind == "deal", RevenueEntry.amount), else_=-RevenueEntry.amount)
    total = await session.scalar(
        select(func.coalesce(func.sum(signed), 0)).where(
            RevenueEntry.member_id == member_id, RevenueEntry.period == period
        )
    )
    return Decimal(total or 0)


async def reversed_of(session: AsyncSession, *, deal_id: str) -> Decimal:
    total = await session.scalar(
        select(func.coalesce(func.sum(RevenueEntry.amount), 0)).where(
            RevenueEntry.deal_id == deal_id, RevenueEntry.kind != "deal"
        )
    )
    return Decimal(total or 0)


async def revenue_entries(
    session: AsyncSession, *, member_id: str, period: str
) -> list[RevenueEntry]:
    rows = await session.scalars(
        select(RevenueEntry)
        .where(RevenueEntry.member_id == member_id, RevenueEntry.period == period)
        .order_by(RevenueEntry.seq)
    )
    return list(rows.all())


async def period_revenue(
    session: AsyncSession, *, period: str | None, member_ids: set[str] | None = None
) -> dict[str, list[RevenueEntry]]:
    """Entries by member in the order they were recorded; ``period`` None: every period's."""
    query = select(RevenueEntry)
    if period is not None:
        query = query.where(RevenueEntry.period == period)
    if member_ids is not None:
        query = query.where(RevenueEntry.member_id.in_(member_ids))
    found: dict[str, list[RevenueEntry]] = defaultdict(list)
    for row in await session.scalars(query.order_by(RevenueEntry.seq)):
        found[row.member_id].append(row)
    return found
