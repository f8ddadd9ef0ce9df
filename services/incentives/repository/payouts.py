"""Queries on what incentives derives and pays by the plan: projections, payout runs and
their lines (adjustments, projects and stars are in ``bonuses``)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from incentives.models import (
    UNAPPROVED_RUN_STATES,
    Adjustment,
    PayoutLine,
    PayoutRun,
    Projection,
    outbox,
)
from shared.db import copy_rows
from shared.paging import Column, PageQuery

__all__ = [
    "PLAN_RULES",
    "all_projections",
    "approved_run_exists",
    "delete_lines",
    "delete_projections",
    "draft_run",
    "draft_runs",
    "get_run",
    "insert_lines",
    "member_runs",
    "paid_totals",
    "projections",
    "projections_page",
    "published",
    "run_lines",
    "run_lines_page",
    "runs",
    "runs_page",
    "save_projections",
]

# The lines a plan produces (project bonuses and adjustments are paid on their own).
PLAN_RULES = ("base_pay", "performance_pay", "kpi_bonus", "commission", "commission_reversal")


# ----------------------------------------------------------------------------- projections


async def save_projections(session: AsyncSession, *, rows: list[dict[str, Any]]) -> None:
    """Upsert projections; each new one for a member and plan raises its revision."""
    if not rows:
        return
    # The table, not the ORM entity: a plain executemany, without the ORM's bulk bookkeeping.
    statement = insert(cast(Table, Projection.__table__))
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Projection.member_id, Projection.plan_id],
            set_={
                **{k: statement.excluded[k] for k in rows[0] if k not in ("member_id", "plan_id")},
                "revision": Projection.revision + 1,
                "updated_at": func.now(),
            },
        ),
        [{**row, "revision": 1} for row in rows],
    )


async def delete_projections(
    session: AsyncSession, *, period: str, member_ids: set[str], keep: set[tuple[str, str]]
) -> None:
    """The members' projections for ``period`` except the (member, plan) pairs in ``keep``:
    a member's plan for a period may change (a move, a newer plan), or cover them no more."""
    if not member_ids:
        return
    kept: dict[str, str] = dict(keep)  # at most one plan covers a member in a period
    by_plan: dict[str | None, list[str]] = defaultdict(list)
    for member_id in member_ids:
        by_plan[kept.get(member_id)].append(member_id)
    # A statement per plan kept (there are few): no list of pairs to compare every row with.
    for plan_id, members in by_plan.items():
        statement = delete(Projection).where(
            Projection.period == period, Projection.member_id.in_(members)
        )
        if plan_id is not None:
            statement = statement.where(Projection.plan_id != plan_id)
        await session.execute(statement.execution_options(synchronize_session=False))


async def projections(session: AsyncSession, *, member_id: str) -> list[Projection]:
    rows = await session.scalars(
        select(Projection)
        .where(Projection.member_id == member_id)
        .order_by(Projection.period, Projection.plan_id)
    )
    return list(rows.all())


async def projections_page(
    session: AsyncSession, *, member_id: str, page: PageQuery
) -> tuple[list[Projection], str | None]:
    """One page of the member's projections, in the page's order."""
    query = select(Projection).where(Projection.member_id == member_id)
    columns: dict[str, Column] = {
        "period": Projection.period,
        "updated_at": Projection.updated_at,
    }
    return await page.fetch(session, query, columns, Projection.plan_id)


async def all_projections(session: AsyncSession) -> list[Projection]:
    """Every stored projection, by period and member."""
    rows = await session.scalars(
        select(Projection).order_by(Projection.period, Projection.member_id, Projection.plan_id)
    )
    return list(rows.all())


# ----------------------------------------------------------------------------- runs


async def get_run(session: AsyncSession, *, run_id: str, lock: bool = False) -> PayoutRun | None:
    """A run; ``lock``: held (and read afresh) until the transaction ends."""
    if lock:
        return await session.get(PayoutRun, run_id, with_for_update=True, populate_existing=True)
    return await session.get(PayoutRun, run_id)


async def runs(session: AsyncSession, *, period: str | None = None) -> list[PayoutRun]:
    query = select(PayoutRun).order_by(PayoutRun.created_at, PayoutRun.id)
    if period is not None:
        query = query.where(PayoutRun.period == period)
    return list((await session.scalars(query)).all())


async def runs_page(
    session: AsyncSession, *, page: PageQuery, period: str | None = None, state: str | None = None
) -> tuple[list[PayoutRun], str | None]:
    """One page of the runs (of ``period``, in ``state``), in the page's order."""
    query = select(PayoutRun)
    if period is not None:
        query = query.where(PayoutRun.period == period)
    if state is not None:
        query = query.where(PayoutRun.state == state)
    columns: dict[str, Column] = {
        "created_at": PayoutRun.created_at,
        "period": PayoutRun.period,
        "state": PayoutRun.state,
    }
    return await page.fetch(session, query, columns, PayoutRun.id)


async def draft_runs(session: AsyncSession, *, lock: bool = False) -> list[PayoutRun]:
    """Every run not approved yet (a draft, or awaiting its second approval), oldest first.
    ``lock``: each is held (and read afresh) until the transaction ends; a run approved
    meanwhile is waited for and left out."""
    query = select(PayoutRun).where(PayoutRun.state.in_(UNAPPROVED_RUN_STATES))
    if lock:
        # Rows are locked in id order, the same in every transaction: no two wait in a cycle.
        query = (
            query.order_by(PayoutRun.id)
            .with_for_update(of=PayoutRun)
            .execution_options(populate_existing=True)
        )
    found = list((await session.scalars(query)).all())
    return sorted(found, key=lambda run: (run.created_at, run.id))


async def draft_run(session: AsyncSession, *, period: str) -> PayoutRun | None:
    """The period's run not approved yet, if it has one (a period has at most one)."""
    return await session.scalar(
        select(PayoutRun).where(
            PayoutRun.period == period, PayoutRun.state.in_(UNAPPROVED_RUN_STATES)
        )
    )


async def run_lines(
    session: AsyncSession, *, run_id: str, member_id: str | None = None
) -> list[PayoutLine]:
    query = select(PayoutLine).where(PayoutLine.run_id == run_id)
    if member_id is not None:
        query = query.where(PayoutLine.member_id == member_id)
    return list((await session.scalars(query.order_by(PayoutLine.id))).all())


async def run_lines_page(
    session: AsyncSession, *, run_id: str, page: PageQuery, member_id: str | None = None
) -> tuple[list[PayoutLine], str | None]:
    """One page of a run's lines (of ``member_id``), in the page's order, then as written."""
    query = select(PayoutLine).where(PayoutLine.run_id == run_id)
    if member_id is not None:
        query = query.where(PayoutLine.member_id == member_id)
    columns: dict[str, Column] = {
        "member_id": PayoutLine.member_id,
        "rule": PayoutLine.rule,
        "amount": PayoutLine.amount,
    }
    return await page.fetch(session, query, columns, PayoutLine.id)


async def delete_lines(
    session: AsyncSession, *, run_id: str, member_ids: set[str] | None = None
) -> None:
    statement = delete(PayoutLine).where(PayoutLine.run_id == run_id)
    if member_ids is not None:
        statement = statement.where(PayoutLine.member_id.in_(member_ids))
    await session.execute(statement)


async def insert_lines(session: AsyncSession, *, rows: list[dict[str, Any]]) -> None:
    """A run's new lines, by COPY: a 10,000-member run writes tens of thousands."""
    await copy_rows(session, PayoutLine, rows)


async def member_runs(session: AsyncSession, *, member_id: str, period: str) -> list[PayoutRun]:
    """Runs with lines for the member: the period's own, and later ones that carry
    adjustments about it."""
    in_lines = select(PayoutLine.run_id).where(PayoutLine.member_id == member_id)
    rows = await session.scalars(
        select(PayoutRun)
        .where(PayoutRun.period == period, PayoutRun.id.in_(in_lines))
        .order_by(PayoutRun.created_at)
    )
    return list(rows.all())


async def paid_totals(
    session: AsyncSession, *, period: str, member_ids: set[str] | None
) -> dict[str, Decimal]:
    """What approved runs paid each member (None: everyone) under their plan for ``period``:
    the plan's lines there, and the recalculation adjustments about the period owed since
    (paid in later runs, or to be)."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    own_query = (
        select(PayoutLine.member_id, func.sum(PayoutLine.amount))
        .join(PayoutRun, PayoutRun.id == PayoutLine.run_id)
        .where(
            PayoutRun.period == period,
            PayoutRun.state.not_in(UNAPPROVED_RUN_STATES),
            PayoutLine.rule.in_(PLAN_RULES),
        )
        .group_by(PayoutLine.member_id)
    )
    adjusted_query = (
        select(Adjustment.member_id, func.sum(Adjustment.amount))
        .where(
            Adjustment.period == period,
            Adjustment.source["kind"].as_string() == "recalculation",
        )
        .group_by(Adjustment.member_id)
    )
    if member_ids is not None:
        own_query = own_query.where(PayoutLine.member_id.in_(member_ids))
        adjusted_query = adjusted_query.where(Adjustment.member_id.in_(member_ids))
    own = await session.execute(own_query)
    adjusted = await session.execute(adjusted_query)
    for member_id, amount in [*own.all(), *adjusted.all()]:
        found[member_id] += Decimal(amount or 0)
    return dict(found)


async def approved_run_exists(session: AsyncSession, *, period: str) -> bool:
    found = await session.scalar(
        select(func.count())
        .select_from(PayoutRun)
        .where(PayoutRun.period == period, PayoutRun.state.not_in(UNAPPROVED_RUN_STATES))
    )
    return bool(found)


async def published(session: AsyncSession, *, event_type: str) -> list[dict[str, Any]]:
    """The payloads of the events of ``event_type`` the outbox still holds, oldest first."""
    rows = await session.scalars(
        select(outbox.c.envelope).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
    )
    return [dict(envelope["data"]) for envelope in rows]
