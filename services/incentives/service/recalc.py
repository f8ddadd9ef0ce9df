"""Looking at pay again when its inputs change, in batches.

Consumers and requests only queue ``(member, period, reason)`` in their own transaction; the
``recalculate`` job (woken the moment such a transaction commits, and every
``recalc_interval_s`` in any case) takes up to ``recalc_batch`` entries with ``SKIP LOCKED``
and, per period, refreshes the members' projections, recalculates them in the draft run (the
first closed review makes it) or, once the period is paid, owes them the difference as an
adjustment. A burst of events (a cycle of 10,000 reviews closing) costs a few set-based
passes instead of 10,000 single ones; one event waits only for the next pass."""

from __future__ import annotations

import asyncio
import weakref
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, event, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import Recalculation
from incentives.service.payouts import Change, apply_changes
from shared.db import Database

_wakers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = (
    weakref.WeakKeyDictionary()
)


def waker() -> asyncio.Event:
    """The event that wakes this loop's recalculation job."""
    loop = asyncio.get_running_loop()
    found = _wakers.get(loop)
    if found is None:
        found = _wakers[loop] = asyncio.Event()
    return found


@dataclass(frozen=True)
class Queued:
    member_id: str
    period: str
    reason: str
    source: dict[str, Any]
    review_closed: bool = False


async def queue(session: AsyncSession, entries: list[Queued]) -> None:
    """Queue in the caller's transaction; the job wakes when it commits."""
    await repository.queue_recalculations(
        session,
        rows=[
            {
                "member_id": e.member_id,
                "period": e.period,
                "reasons": [e.reason],
                "sources": [e.source],
                "review_closed": e.review_closed,
            }
            for e in entries
        ],
    )
    wake = waker()
    event.listen(session.sync_session, "after_commit", lambda _s: wake.set(), once=True)


async def recalculate(db: Database, settings: Any) -> None:
    """Work through the queue, a batch per transaction, until it is empty."""
    while True:
        async with db.transaction() as session:
            claimed = await repository.claim_recalculations(session, limit=settings.recalc_batch)
            if not claimed:
                return
            by_period: dict[str, dict[str, Change]] = defaultdict(dict)
            for row in claimed:
                by_period[row.period][row.member_id] = Change(
                    reasons=list(row.reasons),
                    sources=list(row.sources),
                    review_closed=row.review_closed,
                )
            for period, changes in sorted(by_period.items()):
                await apply_changes(session, period, changes)
            await session.execute(
                delete(Recalculation).where(
                    tuple_(Recalculation.member_id, Recalculation.period).in_(
                        [(row.member_id, row.period) for row in claimed]
                    )
                )
            )
