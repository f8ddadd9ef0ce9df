"""Pay under concurrent writers (issue 11): consumers, two replicas of the recalculation
job and finance's actions at once, on the real Postgres. Each test ends by comparing what is
stored (projections, draft and approved lines, adjustments) with the amounts its final inputs
pay, worked out here to the cent and with the currency: nothing may be lost or paid twice.
The invariant checker's ``drift`` must agree. Inputs under concurrent writers (copies,
revenue, plans) are in ``test_concurrency_inputs``."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from incentives.schemas import AdjustmentCreate, ProjectCreate, ProjectSuccess
from incentives.service import payouts, recalc, rewards
from tests.incentives.races import (
    after,
    approve,
    at_once,
    create_run,
    no_drift,
    on_claim,
    replicas,
    waiting_on_locks,
)
from tests.incentives.world import (
    BASE,
    FINANCE,
    FINANCE_2,
    PERFORMANCE,
    D,
    World,
    amounts,
    kpi_bonus,
    plan_total,
)

CNY = "CNY"


async def test_two_replicas_owe_a_paid_period_while_recalculating_the_next(world: World) -> None:
    """A late figure for a paid quarter is owed as an adjustment that the next quarter's draft
    pays; the same members' figures for that quarter move at the same time. Two replicas take
    one queue entry per transaction, so one owes a member's Q1 difference into the Q2 draft
    while the other recalculates the same member there; events keep arriving meanwhile."""
    members = await world.members(12)
    await world.plan("2026-Q1")
    await world.plan("2026-Q2")
    await world.apply(*(world.figure_event(m, "2026-Q1", "1.00") for m in members))
    await world.apply(*(world.review_event(m, "2026-Q1", "B") for m in members))
    await world.drain()  # the first closed review made the Q1 draft
    q1 = (await world.run("2026-Q1")).id
    assert await approve(world, q1)
    q2 = await create_run(world, "2026-Q2")

    await world.apply(
        *(
            event
            for m in members
            for event in (
                world.figure_event(m, "2026-Q1", "1.10"),
                world.figure_event(m, "2026-Q2", "0.90"),
            )
        )
    )
    later = [world.figure_event(m, "2026-Q2", "1.05") for m in members]
    await asyncio.gather(replicas(world), at_once(world, later))
    await world.drain()

    assert await world.queued() == 0
    paid = plan_total(D("1.00"), "B", projected=False)  # 30,000 + 9,000 + 20,000
    assert paid == D("59000.00")
    assert await world.published_totals(q1) == dict.fromkeys(members, paid)
    q1_lines = await world.lines(q1)
    assert {m: sum(line.amount for line in q1_lines[m]) for m in members} == dict.fromkeys(
        members, paid
    )
    # 110% pays 125% of 20,000: 5,000 more than the approved run paid, owed once each.
    owed = [(a.member_id, a.period, a.amount, a.currency) for a in await world.adjustments()]
    assert sorted(owed) == [(m, "2026-Q1", D("5000.00"), CNY) for m in members]
    q2_lines = await world.lines(q2)
    for m in members:
        assert amounts(q2_lines[m]) == {
            "base_pay": (BASE, CNY),
            "performance_pay": (D("0.00"), CNY),  # no Q2 review yet
            "kpi_bonus": (kpi_bonus(D("1.05")), CNY),  # 112.5% of 20,000 = 22,500
            "adjustment": (D("5000.00"), CNY),
        }
    assert kpi_bonus(D("1.05")) == D("22500.00")
    projections = await world.projections()
    for m in members:
        assert (projections[(m, "2026-Q1")].total, projections[(m, "2026-Q1")].currency) == (
            plan_total(D("1.10"), "B", projected=True),
            CNY,
        )
        assert projections[(m, "2026-Q2")].total == D("61500.00")  # 30,000 + 9,000 + 22,500
    await no_drift(world)


async def test_approving_while_the_job_recalculates_pays_every_change_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finance approves the draft while a replica is recalculating its members: either the
    approval waits and approves the new lines, or the job sees the run approved and owes
    the differences. An approved run never changes after ``PayoutApproved``."""
    members = await world.members(40)
    await world.plan("2026-Q3")
    await world.apply(*(world.figure_event(m, "2026-Q3", "1.00") for m in members))
    await world.drain()
    run_id = await create_run(world, "2026-Q3")
    await world.apply(*(world.figure_event(m, "2026-Q3", "1.20") for m in members))

    approval: list[asyncio.Task[bool]] = []

    async def approve_now(draft: Any) -> None:
        # The job has just looked up the period's draft run: finance approves it now, and
        # either waits for the job (which holds the run) or is done before the job goes on.
        if draft is not None and not approval:
            approval.append(asyncio.create_task(approve(world, run_id)))
            waiting = asyncio.create_task(waiting_on_locks(world))
            await asyncio.wait([approval[0], waiting], return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()

    after(monkeypatch, "draft_run", approve_now)
    await world.drain()
    assert await approval[0]
    monkeypatch.undo()
    await world.drain()

    stored = await world.lines(run_id)
    published = await world.published_totals(run_id)
    assert {m: sum(line.amount for line in stored[m]) for m in members} == published
    paid_now = plan_total(D("1.20"), None, projected=False)  # 30,000 + 0 + 30,000
    assert paid_now == D("60000.00")
    owed: dict[str, Decimal] = {}
    for adjustment in await world.adjustments():
        assert (adjustment.period, adjustment.currency) == ("2026-Q3", CNY)
        owed[adjustment.member_id] = owed.get(adjustment.member_id, D(0)) + adjustment.amount
    assert {m: published[m] + owed.get(m, D(0)) for m in members} == dict.fromkeys(
        members, paid_now
    )
    await no_drift(world)


async def test_adjustments_and_project_bonuses_while_the_job_recalculates_the_member(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finance adds a correction for a member, and approves a project bonus for everyone,
    at the moment a replica recalculates that member in the same draft: each line once."""
    members = await world.members(8)
    await world.plan("2026-Q4")
    await world.apply(*(world.figure_event(m, "2026-Q4", "1.00") for m in members))
    await world.drain()
    run_id = await create_run(world, "2026-Q4")
    async with world.db.transaction() as session:
        project = await rewards.create_project(
            session,
            FINANCE,
            world.settings(),
            ProjectCreate.model_validate(
                {
                    "name": "大客户 Big account",
                    "awards": [
                        {"member_id": m, "amount": {"amount": "500.00", "currency": CNY}}
                        for m in members
                    ],
                }
            ),
        )
        await rewards.mark_successful(
            session, FINANCE, project, ProjectSuccess(note="signed the provincial chain")
        )
        project_id = project.id
    await world.apply(*(world.figure_event(m, "2026-Q4", "0.95") for m in members))

    requests: list[asyncio.Task[Any]] = []

    async def add_adjustment(member_id: str) -> None:
        async with world.db.transaction() as session:
            await payouts.add_adjustment(
                session,
                FINANCE,
                AdjustmentCreate.model_validate(
                    {
                        "member_id": member_id,
                        "period": "2026-Q3",
                        "amount": {"amount": "-120.50", "currency": CNY},
                        "reason": "credit note after approval",
                    }
                ),
            )

    async def approve_project() -> None:
        async with world.db.transaction() as session:
            found = await rewards.get_project(session, project_id)
            await rewards.approve(session, FINANCE_2, found)

    async def meanwhile(claimed: list[Any]) -> None:
        for row in claimed:
            requests.append(asyncio.create_task(add_adjustment(row.member_id)))
        if len(requests) == 3:
            requests.append(asyncio.create_task(approve_project()))
        await asyncio.sleep(0.02)

    on_claim(monkeypatch, meanwhile)
    await replicas(world)
    await asyncio.gather(*requests)
    monkeypatch.undo()
    await world.drain()

    assert len(requests) == len(members) + 1
    lines = await world.lines(run_id)
    for m in members:
        assert amounts(lines[m]) == {
            "base_pay": (BASE, CNY),
            "performance_pay": (D("0.00"), CNY),
            "kpi_bonus": (kpi_bonus(D("0.95")), CNY),  # 87.5% of 20,000 = 17,500
            "adjustment": (D("-120.50"), CNY),
            "project_bonus": (D("500.00"), CNY),
        }
    assert kpi_bonus(D("0.95")) == D("17500.00")
    await no_drift(world)


async def test_a_member_who_joins_while_finance_creates_the_run_is_paid_in_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finance creates the quarter's run (for every member it can see) while a new member
    arrives and a replica recalculates them: the replica waits for the run and adds them."""
    await world.members(3)
    await world.plan("2026-Q2")
    await world.drain()
    job: list[asyncio.Task[None]] = []

    async def member_joins(_members: list[Any]) -> None:
        if not job:  # the run has read who its members are
            await world.apply(world.member_event("m09"))
            job.append(asyncio.create_task(world.drain()))
            waiting = asyncio.create_task(waiting_on_locks(world))
            await asyncio.wait([job[0], waiting], return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()

    after(monkeypatch, "members", member_joins)
    run_id = await create_run(world, "2026-Q2")
    await job[0]
    monkeypatch.undo()
    await world.drain()

    lines = await world.lines(run_id)
    assert sorted(lines) == ["m00", "m01", "m02", "m09"]
    assert amounts(lines["m09"]) == {
        "base_pay": (BASE, CNY),
        "performance_pay": (D("0.00"), CNY),
        "kpi_bonus": (D("0.00"), CNY),
    }
    await no_drift(world)


async def test_a_member_queued_again_while_the_job_recalculates_is_recalculated_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Safe already, and kept so: a figure arrives after the job claimed (and before it
    read) the member's entry. The consumer's queueing waits for the claim's row lock, so the
    job cannot delete the new entry; it is queued afresh and the next pass pays it."""
    [member] = await world.members(1)
    await world.plan("2026-Q2")
    await world.apply(world.figure_event(member, "2026-Q2", "1.00"))
    await world.drain()
    await world.apply(world.figure_event(member, "2026-Q2", "1.05"))

    arrived: list[asyncio.Task[Any]] = []
    claims: list[set[str]] = []

    async def figure_arrives(claimed: list[Any]) -> None:
        claims.append({row.member_id for row in claimed})
        if not arrived:
            event = world.figure_event(member, "2026-Q2", "1.15")
            arrived.append(asyncio.create_task(world.inbox.apply(event)))
            assert await waiting_on_locks(world)  # its queueing waits for the claimed row

    on_claim(monkeypatch, figure_arrives)
    await recalc.recalculate(world.db, world.settings())
    await arrived[0]
    await world.drain()
    monkeypatch.undo()

    # Claimed once for 105%, and again for 115%: the entry queued meanwhile was kept.
    assert claims == [{member}, {member}]
    projection = (await world.projections())[(member, "2026-Q2")]
    # 115% pays 137.5% of 20,000 = 27,500.
    assert (projection.total, projection.currency) == (D("66500.00"), CNY)
    assert projection.total == BASE + PERFORMANCE + kpi_bonus(D("1.15"))
    await no_drift(world)
