"""A poll of KPI figures applied as one unit: each member and month rescored once, the newest
figure standing as if they had come one by one, every figure taken named in the input, and
the score published once, equal to what its stored inputs make it."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from performance.service.scorecards import score_sheet
from shared.events import Envelope
from shared.inbox import Outcome
from tests.performance.support import (
    T0,
    Performance,
    create_template,
    fresh_performance,
    member_changed,
    org_unit_changed,
    stored,
    template_body,
)

MONTH = "2026-03"


@pytest.fixture
async def performance(database_url: str) -> AsyncIterator[Performance]:
    fresh = await fresh_performance(database_url)
    yield fresh
    await fresh.db.dispose()


def _figure(member: str, kpi: str, attainment: str, *, version: int, minute: int) -> Envelope:
    return Envelope(
        source="goals",
        type="goals.kpi.updated",
        subject=member,
        correlationid=f"cause-{member}-{kpi}-{version}",
        time=T0 + timedelta(minutes=minute),
        data={
            "owner_type": "member",
            "owner_id": member,
            "member_id": member,
            "kpi_id": f"id-{kpi}",
            "kpi": kpi,
            "direction": "higher_is_better",
            "period": MONTH,
            "actual": attainment,
            "target": "1",
            "attainment": attainment,
            "measurements": version,
            "version": version,
        },
    )


async def _published(performance: Performance, member: str) -> list[dict[str, Any]]:
    async def read(session: AsyncSession) -> list[dict[str, Any]]:
        rows = await session.execute(
            text(
                "SELECT envelope FROM performance.outbox "
                "WHERE event_type = 'performance.score.computed' "
                "AND envelope->'data'->>'member_id' = :member ORDER BY id"
            ),
            {"member": member},
        )
        return [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]

    return await performance.run(read)


async def _ready(performance: Performance, unit: str, members: list[str]) -> None:
    await performance.handle(org_unit_changed(unit, version=1))
    await create_template(performance, template_body(f"t-{unit}", unit_id=unit))
    for member in members:
        await performance.handle(member_changed(member, unit))


async def test_a_poll_of_figures_rescores_each_member_once(performance: Performance) -> None:
    unit = f"u-{uuid.uuid4().hex[:6]}"
    one, two = f"{unit}-a", f"{unit}-b"
    await _ready(performance, unit, [one, two])
    poll = [
        _figure(one, "revenue", "0.5", version=1, minute=1),
        _figure(one, "revenue", "0.9", version=3, minute=3),
        _figure(one, "revenue", "0.1", version=2, minute=2),  # older, arriving late
        _figure(one, "leads", "1.1", version=1, minute=4),
        _figure(two, "revenue", "0.8", version=1, minute=5),
    ]
    outcomes = await performance.processor.apply_batch([e.model_dump_json().encode() for e in poll])
    assert outcomes == [Outcome.applied] * 5

    found = await stored(performance, one, MONTH)
    revenue = found.inputs["kpi:revenue"]
    assert revenue.value == Decimal("0.900000")
    assert revenue.source_version == 3
    # The figures taken, in order; the late older one changed nothing and is not named.
    assert revenue.event_ids == [poll[0].id, poll[1].id]
    assert found.inputs["kpi:leads"].event_ids == [poll[3].id]
    assert found.score is not None and found.template is not None
    assert found.score.score == score_sheet(found.template, found.inputs).score
    assert found.score.revision == 1

    # One ScoreComputed each, not one per figure, carrying the score and its last cause.
    for member, cause, figures in ((one, poll[3], 2), (two, poll[4], 1)):
        events = await _published(performance, member)
        assert len(events) == 1, events
        score = await stored(performance, member, MONTH)
        assert score.score is not None
        assert Decimal(events[0]["data"]["score"]) == score.score.score
        assert events[0]["correlationid"] == cause.correlationid
        lines = [line for line in events[0]["data"]["indicators"] if line["events"]]
        assert len(lines) == figures


async def test_a_poll_ends_where_one_by_one_ends(
    performance: Performance, database_url: str
) -> None:
    """The same figures in one poll and one at a time: the same inputs and the same score."""
    unit = f"u-{uuid.uuid4().hex[:6]}"
    member = f"{unit}-a"
    figures = [
        _figure(member, kpi, f"0.{(7 * i + 3) % 10}{i}", version=i, minute=i)
        for i, kpi in enumerate(["revenue", "leads", "revenue", "retention", "leads"] * 4, 1)
    ]
    figures = figures[::2] + figures[1::2]  # versions out of order
    await _ready(performance, unit, [member])
    alone = await fresh_performance(database_url)
    try:
        await _ready(alone, unit, [member])
        raws = [e.model_dump_json().encode() for e in figures]
        assert await performance.processor.apply_batch(raws) == [Outcome.applied] * len(raws)
        for raw in raws:
            assert await alone.processor.handle(raw) == Outcome.applied
        batched, single = (
            await stored(performance, member, MONTH),
            await stored(alone, member, MONTH),
        )
        assert batched.score is not None and single.score is not None
        assert batched.score.score == single.score.score
        assert {s: i.value for s, i in batched.inputs.items()} == {
            s: i.value for s, i in single.inputs.items()
        }
        assert {s: i.source_version for s, i in batched.inputs.items()} == {
            "kpi:revenue": 18,
            "kpi:leads": 20,
            "kpi:retention": 19,
        }
        assert len(await _published(performance, member)) == 1
        assert batched.last_published is not None and single.last_published is not None
        assert batched.last_published["score"] == single.last_published["score"]
    finally:
        await alone.db.dispose()
