"""The invariant checker's part for incentives: a consistent world has no drift; a stored
value corrupted by SQL is exactly one drift naming its key, with what is stored and what
its inputs give; a member still queued is not drift yet; copies name the owners' APIs."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text

from incentives import verify
from incentives.schemas import AdjustmentCreate, RevenueCreate
from incentives.service import payouts, revenue
from shared.periods import Period
from shared.verify import Copy, Drift
from tests.incentives.world import FINANCE, World

CNY = "CNY"


async def _drift(world: World) -> list[Drift]:
    async with world.db.sessions() as session:
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        return await verify.drift(session)


async def _story(world: World) -> dict[str, str]:
    """Two quarters of three members: figures, commission with a refund, closed reviews
    making the Q1 run, its approval, a late figure owed as a difference, a manual correction,
    and the Q2 draft that pays both."""
    members = await world.members(3)
    q1 = await world.plan("2026-Q1", commission=True)
    q2 = await world.plan("2026-Q2")
    await world.apply(*(world.figure_event(m, "2026-Q1", "1.00") for m in members))
    await world.apply(world.figure_event("m00", "2026-Q2", "0.85"))
    async with world.db.transaction() as session:
        for body in (
            {"id": "d1", "amount": {"amount": "80000.00", "currency": CNY}},
            {"id": "d2", "amount": {"amount": "50000.00", "currency": CNY}},
            {
                "id": "r1",
                "amount": {"amount": "20000.00", "currency": CNY},
                "kind": "refund",
                "deal_id": "d2",
            },
        ):
            await revenue.record(
                session,
                FINANCE,
                RevenueCreate.model_validate(
                    {"member_id": "m01", "closed_on": "2026-02-10", **body}
                ),
            )
    await world.apply(*(world.review_event(m, "2026-Q1", "A") for m in members))
    await world.drain()
    q1_run = (await world.run("2026-Q1")).id
    async with world.db.transaction() as session:
        await payouts.approve(session, FINANCE, await payouts.get_run(session, q1_run, lock=True))
    async with world.db.transaction() as session:
        q2_run = await payouts.create_run(
            session, period=Period.parse("2026-Q2"), created_by="fin-1"
        )
    await world.apply(world.figure_event("m02", "2026-Q1", "1.10"))
    async with world.db.transaction() as session:
        await payouts.add_adjustment(
            session,
            FINANCE,
            AdjustmentCreate.model_validate(
                {
                    "member_id": "m00",
                    "period": "2026-Q1",
                    "amount": {"amount": "300.00", "currency": CNY},
                    "reason": "a deal booked late",
                }
            ),
        )
    await world.drain()
    return {"q1": q1, "q2": q2, "q1_run": q1_run, "q2_run": q2_run.id}


async def test_a_consistent_world_has_no_drift(world: World) -> None:
    story = await _story(world)
    assert await _drift(world) == []
    owed = [(a.member_id, a.amount, a.run_id) for a in await world.adjustments()]
    assert sorted(owed) == [
        ("m00", Decimal("300.00"), story["q2_run"]),
        ("m02", Decimal("5000.00"), story["q2_run"]),  # 110%: 125% of 20,000 instead of 100%
    ]


async def test_a_corrupted_projection_is_one_drift_naming_its_key(world: World) -> None:
    story = await _story(world)
    [(stored, currency)] = [
        (row.total, row.currency)
        for (member_id, period), row in (await world.projections()).items()
        if (member_id, period) == ("m01", "2026-Q1")
    ]
    # 30,000 + 9,000 x 1.2 (rating A) + 20,000 at 100%, and 2,050 commission: 2% of 80,000,
    # 2% of 20,000 and 3% of 30,000, less the refund of 20,000 from d2's top slice (3%).
    assert (stored, currency) == (Decimal("30000.00") + 10800 + 20000 + 1600 + 1300 - 600, CNY)
    await world.execute(
        "UPDATE incentives.projections SET total = total + 100 "
        "WHERE member_id = 'm01' AND period = '2026-Q1'"
    )
    [found] = await _drift(world)
    assert (found.service, found.kind, found.key) == (
        "incentives",
        "projection",
        f"m01 2026-Q1 plan {story['q1']}",
    )
    assert (found.stored, found.expected) == (f"{stored + 100} CNY", f"{stored} CNY")


async def test_a_corrupted_draft_line_and_revenue_entry_are_drift(world: World) -> None:
    story = await _story(world)
    await world.execute(
        "UPDATE incentives.payout_lines SET amount = amount - 1 "
        "WHERE run_id = :run AND member_id = 'm02' AND rule = 'adjustment'",
        run=story["q2_run"],
    )
    await world.execute(
        "UPDATE incentives.revenue_entries SET cumulative_before = 0 WHERE id = 'd2'"
    )
    drifted = {(d.kind, d.key): (d.stored, d.expected) for d in await _drift(world)}
    assert drifted == {
        # 30,000 + 0 (no Q2 review) + 0 (no Q2 figure) + 5,000 owed for Q1.
        ("draft-lines", f"{story['q2_run']} m02 2026-Q2"): ("34999.00 CNY", "35000.00 CNY"),
        # The amount is right, the running total it claims is not: 80,000 came before it.
        ("commission", "d2 m01 2026-Q1"): ("1300.00 CNY", "1300.00 CNY"),
        # The projection's commission line shows the entry as it was (the total is the same).
        ("projection", f"m01 2026-Q1 plan {story['q1']}"): ("63100.00 CNY", "63100.00 CNY"),
    }
    [commission] = [d for d in await _drift(world) if d.kind == "commission"]
    assert commission.detail == (
        "recorded at a running total of 0.00; the entries recorded before it make 80000.00"
    )


async def test_a_member_still_queued_is_not_drift_yet(world: World) -> None:
    await _story(world)
    await world.apply(world.figure_event("m00", "2026-Q2", "1.20"))  # queued, not yet paid
    assert await world.queued() == 1
    assert await _drift(world) == []
    await world.drain()
    assert await _drift(world) == []


async def test_a_projection_under_a_plan_that_no_longer_covers_the_member_is_drift(
    world: World,
) -> None:
    story = await _story(world)
    await world.execute(
        "UPDATE incentives.plans SET population = CAST(:population AS json) WHERE id = :plan",
        population='{"layer": "support"}',
        plan=story["q2"],
    )
    drifted = {(d.kind, d.key, d.expected) for d in await _drift(world)}
    # Each member's Q2 projection (and draft lines) are no longer what a plan pays them.
    assert {(kind, key) for kind, key, _ in drifted if kind == "projection"} == {
        ("projection", f"{m} 2026-Q2 plan {story['q2']}") for m in ("m00", "m01", "m02")
    }
    assert all(expected is None for kind, _, expected in drifted if kind == "projection")


async def test_copies_name_the_owners_apis(world: World) -> None:
    await world.members(1)
    await world.apply(
        world.figure_event("m00", "2026-Q1", "1.05"),
        world.review_event("m00", "2026-Q1", "B", revision=2),
        world.score_event("m00", "2026-03", "82.5000", revision=3),
    )
    async with world.db.sessions() as session:
        found = {(c.kind, c.key): c for c in await verify.copies(session)}
    assert found[("kpi-figure", "m00 revenue 2026-Q1")] == Copy(
        service="incentives",
        kind="kpi-figure",
        key="m00 revenue 2026-Q1",
        path="/goals/figures",
        params={"owner_type": "member", "owner_id": "m00", "period": "2026-Q1", "kpi": "revenue"},
        pick={"kpi": "revenue", "period": "2026-Q1"},
        values={"attainment": "1.050000", "actual": "105000.000000", "target": "100000.000000"},
    )
    assert found[("kpi-definition", "revenue")] == Copy(
        service="incentives",
        kind="kpi-definition",
        key="revenue",
        path="/goals/kpi-definitions/revenue",
        values={"name": "revenue", "unit": "CNY", "active": "True", "version": "1"},
    )
    member = found[("member", "m00")]
    assert (member.path, member.values["layer"], member.values["version"]) == (
        "/goals/members/m00",
        "execution",
        "1",
    )
    score = found[("score", "m00 2026-03")]
    assert (score.path, score.values) == (
        "/performance/members/m00/scores/2026-03",
        {"score": "82.5000", "revision": "3"},
    )
    review = found[("review", "m00 2026-Q1")]
    assert (review.path, review.values) == (
        "/performance/reviews/review-m00-2026-Q1",
        {"final_score": "80.0000", "revision": "2"},
    )
