"""Ways to make transactions meet on purpose, for the concurrency tests: replicas of the
recalculation job, events delivered at once, and a pause right after a query answers, in the
asking transaction, while another one does its work (no mock: every query is real)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from incentives import repository, verify
from incentives.service import payouts, recalc
from shared.periods import Period
from tests.incentives.world import FINANCE, World


async def replicas(world: World, *, count: int = 2, batch: int = 1) -> None:
    """``count`` replicas of the job, each working through the queue until it is empty."""
    await asyncio.gather(
        *(recalc.recalculate(world.db, world.settings(batch)) for _ in range(count))
    )


async def at_once(world: World, envelopes: list[Any]) -> None:
    """Every event in its own transaction, all at the same time."""
    await asyncio.gather(*(world.inbox.apply(e) for e in envelopes))


async def create_run(world: World, period: str) -> str:
    """A draft run for ``period``, as finance creates it (``POST /payout-runs``)."""
    async with world.db.transaction() as session:
        run = await payouts.create_run(session, period=Period.parse(period), created_by="fin-1")
        return run.id


async def approve(world: World, run_id: str) -> bool:
    """Approve the run if it is still a draft (finance, as ``POST .../approve`` does)."""
    async with world.db.transaction() as session:
        run = await payouts.get_run(session, run_id, lock=True)
        if run.state != "draft":
            return False
        await payouts.approve(session, FINANCE, run)
        return True


def after(
    monkeypatch: pytest.MonkeyPatch, query: str, then: Callable[[Any], Awaitable[None]]
) -> None:
    """Run ``then`` (with the answer) right after ``repository.<query>`` answers, inside the
    caller's transaction: what another transaction does at that moment."""
    answer = getattr(repository, query)

    async def answer_then(session: Any, **kwargs: Any) -> Any:
        found = await answer(session, **kwargs)
        await then(found)
        return found

    monkeypatch.setattr(repository, query, answer_then)


def on_claim(monkeypatch: pytest.MonkeyPatch, then: Callable[[list[Any]], Awaitable[None]]) -> None:
    """``then`` inside the job's transaction, right after it claimed entries (before it takes
    any lock or reads any input)."""

    async def when_claimed(claimed: list[Any]) -> None:
        if claimed:
            await then(claimed)

    after(monkeypatch, "claim_recalculations", when_claimed)


async def waiting_on_locks(world: World) -> bool:
    """Whether, within 5 s, a transaction waits for a lock another one holds."""
    for _ in range(200):
        waiting = await world.scalar(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        if int(waiting) > 0:
            return True
        await asyncio.sleep(0.025)
    return False


async def no_drift(world: World) -> None:
    """The invariant checker finds every derived value what its inputs give."""
    async with world.db.sessions() as session:
        found = await verify.drift(session)
    assert found == [], found
