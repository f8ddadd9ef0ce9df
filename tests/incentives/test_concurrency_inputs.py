"""Inputs of pay under concurrent writers (issue 11): two versions of a member at once, deals
and refunds posted together, two changes of one plan from the same ETag. Each test ends by
comparing what is stored with what the final inputs give, to the cent and with the currency,
and with the invariant checker's ``drift``."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from fastapi import Response
from sqlalchemy import select

from incentives import repository
from incentives.api import plans as plans_api
from incentives.models import MemberCopy, RevenueEntry
from incentives.schemas import RevenueCreate, TermsChange
from incentives.service import plans, revenue
from incentives.service.calculator import Slice, deal_slices, money, reversal_slices
from shared.api import etag_of
from shared.errors import Conflict, PreconditionFailed
from tests.incentives.races import after, no_drift
from tests.incentives.world import BASE, FINANCE, PERFORMANCE, D, World, plan_total

CNY = "CNY"


async def test_a_member_change_is_never_judged_against_a_stale_copy(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two versions of a member arrive at once while the job runs: the later one must be
    compared with the copy the earlier one committed, or pay stays computed for a member
    record that no longer holds."""
    [member] = await world.members(1)  # version 1: execution
    execution = await world.plan("2026-Q2", layer="execution")
    await world.plan("2026-Q2", layer="support")
    await world.drain()

    read, go = asyncio.Event(), asyncio.Event()
    get_member = repository.get_member

    async def get_member_then_wait(session: Any, **kwargs: Any) -> Any:
        found = await get_member(session, **kwargs)
        if not read.is_set():
            read.set()
            await asyncio.wait_for(go.wait(), 10)
        return found

    monkeypatch.setattr(repository, "get_member", get_member_then_wait)
    version_3 = asyncio.create_task(world.apply(world.member_event(member, version=3)))
    await read.wait()  # version 3 (execution again) has read the copy it compares with
    version_2 = asyncio.create_task(
        world.apply(world.member_event(member, version=2, layer="support"))
    )
    await asyncio.wait([version_2], timeout=1.0)
    await world.drain()  # a replica's pass in between
    go.set()
    await asyncio.gather(version_3, version_2)
    monkeypatch.undo()
    await world.drain()

    async with world.db.sessions() as session:
        copy = await session.get(MemberCopy, member)
    assert copy is not None and (copy.source_version, copy.layer) == (3, "execution")
    projection = (await world.projections())[(member, "2026-Q2")]
    assert (projection.plan_id, projection.total, projection.currency) == (
        execution,
        plan_total(None, None, projected=True),  # 30,000 + 9,000 + nothing attained yet
        CNY,
    )
    await no_drift(world)


async def test_revenue_posted_at_once_pays_commission_on_the_running_total(world: World) -> None:
    """Eight deals, two refunds of one deal (together more than it was) and one deal sent
    twice, all at once for one member and quarter: tiers apply to the cumulative total in
    the order entries were recorded, a deal is never reversed beyond its amount, and the
    entry sent twice is recorded once."""
    [member] = await world.members(1)
    await world.plan("2026-Q2", commission=True)
    await world.drain()

    def entry(entry_id: str, amount: str, **extra: Any) -> RevenueCreate:
        return RevenueCreate.model_validate(
            {
                "id": entry_id,
                "member_id": member,
                "amount": {"amount": amount, "currency": CNY},
                "closed_on": "2026-05-10",
                **extra,
            }
        )

    async def record(body: RevenueCreate) -> tuple[str, bool]:
        async with world.db.transaction() as session:
            recorded, new = await revenue.record(session, FINANCE, body)
            return recorded.id, new

    await record(entry("d0", "30000.00"))
    bodies = [entry(f"d{i}", "30000.00") for i in range(1, 8)]
    bodies += [entry("d1", "30000.00")]  # the CRM sent it twice
    bodies += [entry(f"r{i}", "20000.00", kind="refund", deal_id="d0") for i in range(2)]
    results = await asyncio.gather(*(record(b) for b in bodies), return_exceptions=True)
    await world.drain()

    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict), results
    assert sorted(r for r in results if not isinstance(r, BaseException)) == sorted(
        [(f"d{i}", True) for i in range(1, 8)]
        + [("d1", False)]
        + [(r, True) for r in ("r0", "r1") if (r, True) in results]
    )
    async with world.db.sessions() as session:
        entries = list(
            (await session.scalars(select(RevenueEntry).order_by(RevenueEntry.seq))).all()
        )
    assert [e.kind for e in entries].count("deal") == 8
    assert [e.kind for e in entries].count("refund") == 1
    # The chain again, in the order the entries were recorded.
    tiers = [(D(0), D("0.02")), (D(100000), D("0.03"))]
    net, reversed_of, slices_of = D(0), D(0), {}
    for e in entries:
        assert e.cumulative_before == net
        if e.kind == "deal":
            slices = deal_slices(tiers, net, e.amount)
            slices_of[e.id] = slices
            net += e.amount
            sign = D(1)
        else:
            slices = reversal_slices(slices_of[e.deal_id], reversed_of, e.amount)
            reversed_of += e.amount
            net -= e.amount
            sign = D(-1)
        assert [Slice.from_json(s) for s in e.slices] == slices
        assert e.commission == sign * money(sum((s.commission for s in slices), D(0)))
    assert net == D("220000.00") and reversed_of == D("20000.00")
    commission = sum((e.commission for e in entries), D(0))
    projection = (await world.projections())[(member, "2026-Q2")]
    assert (projection.total, projection.currency) == (BASE + PERFORMANCE + commission, CNY)
    await no_drift(world)


async def test_two_changes_of_a_plan_read_at_the_same_version_never_both_apply(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two finance users change the same plan from the same ETag at once: one change
    applies, the other is told the plan changed since it was read (412): none is lost."""
    await world.members(2)
    plan_id = await world.plan("2026-Q2")
    await world.drain()
    read: list[str] = []
    both_read = asyncio.Event()

    async def wait_for_the_other(plan: Any) -> None:
        # Each change goes on once both have read the plan, or after a second (the other
        # change may be waiting for this one's lock).
        read.append(plan.id)
        if len(read) == 2:
            both_read.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(both_read.wait(), 1.0)

    after(monkeypatch, "get_plan", wait_for_the_other)

    async def change(effective_from: str, base_pay: str) -> int:
        body = TermsChange.model_validate(
            {
                "effective_from": effective_from,
                "base_pay": {"amount": base_pay, "currency": CNY},
                "reason": "market moved",
            }
        )
        try:
            async with world.db.transaction() as session:
                await plans_api.change_terms(
                    plan_id, body, session, FINANCE, Response(), if_match=etag_of(plan_id, 1)
                )
            return 200
        except PreconditionFailed:
            return 412

    statuses = await asyncio.gather(change("2026-05-01", "33000"), change("2026-06-01", "36000"))
    monkeypatch.undo()
    assert sorted(statuses) == [200, 412]
    await world.drain()
    async with world.db.sessions() as session:
        plan = await plans.get_plan(session, plan_id)
    assert (plan.version, len(plan.terms)) == (2, 2)
    await no_drift(world)


async def test_the_figure_version_orders_copies_whatever_the_clocks_say(world: World) -> None:
    """Version 2 of a figure stamped earlier (a goals replica whose clock is behind) replaces
    version 1; version 1 arriving again later, stamped later, changes nothing."""
    [member] = await world.members(1)
    second = world.figure_event(member, "2026-03", "1.10", version=2)
    first = world.figure_event(member, "2026-03", "0.90", version=1)
    late_first = world.figure_event(member, "2026-03", "0.50", version=1)
    for envelope in (first, second, late_first):
        await world.apply(envelope)
    stored = await world.scalar(
        "SELECT attainment FROM incentives.kpi_figures WHERE member_id = :m AND period = '2026-03'",
        m=member,
    )
    assert stored == D("1.10")
