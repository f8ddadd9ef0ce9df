"""A poll of KPI figures applied as one unit by incentives: the newest figure of each member,
KPI and period kept as if they had come one by one, each member and period queued once with
the reason that stands, and the projection what the plan pays at that figure."""

from __future__ import annotations

from incentives.models import KpiFigure
from shared.inbox import Outcome
from tests.incentives.world import D, World, kpi_bonus, plan_total, world

__all__ = ["world"]


async def test_a_poll_of_figures_keeps_the_newest_and_queues_each_member_once(
    world: World,
) -> None:
    one, two = await world.members(2)
    await world.plan("2026-Q2")
    await world.drain()
    poll = [
        world.figure_event(one, "2026-Q2", "0.8", version=1),
        world.figure_event(one, "2026-Q2", "1.1", version=3),
        world.figure_event(one, "2026-Q2", "0.5", version=2),  # older, arriving late
        world.figure_event(one, "2026-Q2", "0.9", kpi="leads", version=1),
        world.figure_event(two, "2026-Q2", "1.2", version=1),
    ]
    outcomes = await world.inbox.apply_batch([e.model_dump_json().encode() for e in poll])
    assert outcomes == [Outcome.applied] * 5

    async with world.db.sessions() as session:
        figure = await session.get(KpiFigure, (one, "revenue", "2026-Q2"))
        assert figure is not None
        assert (figure.attainment, figure.source_version, figure.event_id) == (
            D("1.1"),
            3,
            poll[1].id,
        )
    # One entry per member and period; the first member's names both figures that stand.
    rows = await world.scalar(
        "SELECT json_agg(json_build_object('m', member_id, 'r', reasons) ORDER BY member_id) "
        "FROM incentives.recalculations"
    )
    assert [(row["m"], len(row["r"])) for row in rows] == [(one, 2), (two, 1)]
    assert all(poll[2].id not in reason for row in rows for reason in row["r"])

    await world.drain()
    projections = await world.projections()
    assert projections[(one, "2026-Q2")].total == plan_total(D("1.1"), None, projected=True)
    assert projections[(two, "2026-Q2")].total == plan_total(D("1.2"), None, projected=True)
    assert kpi_bonus(D("1.1")) != kpi_bonus(D("0.5"))  # the late figure would have shown
