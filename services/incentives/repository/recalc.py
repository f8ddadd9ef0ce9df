"""Queries on the queue of members whose pay is to be looked at again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from incentives.models import Recalculation

__all__ = [
    "claim_recalculations",
    "delete_recalculations",
    "pending_recalculations",
    "queue_recalculations",
    "queued_keys",
]


async def queue_recalculations(session: AsyncSession, *, rows: list[dict[str, Any]]) -> None:
    """Queue members for a look at their pay; a member already queued for the period gathers
    the new reasons. An entry a job has claimed is waited for (its row is locked): once the
    job commits (and deletes it), the entry is queued afresh."""
    if not rows:
        return
    statement = insert(Recalculation)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Recalculation.member_id, Recalculation.period],
            set_={
                "reasons": Recalculation.reasons + statement.excluded.reasons,
                "sources": Recalculation.sources + statement.excluded.sources,
                "review_closed": Recalculation.review_closed | statement.excluded.review_closed,
            },
        ),
        rows,
    )


async def claim_recalculations(session: AsyncSession, *, limit: int) -> list[Recalculation]:
    """The oldest queued entries, locked for this transaction (other workers skip them)."""
    rows = await session.scalars(
        select(Recalculation)
        .order_by(Recalculation.queued_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(rows.all())


async def delete_recalculations(session: AsyncSession, *, keys: list[tuple[str, str]]) -> None:
    """The entries of these (member, period) keys: only ever the ones this transaction
    claimed, which nobody else can change or delete until it ends."""
    if keys:
        await session.execute(
            delete(Recalculation).where(
                tuple_(Recalculation.member_id, Recalculation.period).in_(keys)
            )
        )


async def queued_keys(session: AsyncSession) -> set[tuple[str, str]]:
    """Every (member, period) waiting for a look at its pay."""
    rows = await session.execute(select(Recalculation.member_id, Recalculation.period))
    return {(member_id, period) for member_id, period in rows.all()}


async def pending_recalculations(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Recalculation)) or 0)
