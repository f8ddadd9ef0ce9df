"""Performance's handlers applied as the bus applies them: members that arrive after their
figures, copies that arrive out of order, the collaboration indicator from collab's events,
and templates whose weights do not add up."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from performance.main import create_app
from performance.settings import Settings
from shared.events import Envelope
from shared.inbox import InboxProcessor, Outcome
from shared.inprocess import InProcessBus
from shared.settings import BusKind
from tests.conftest import create_database
from tests.helpers import auth

HR = auth("hr-c", ["hr"])
T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
async def performance(database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, InboxProcessor]]:
    url = await create_database(database_url, f"perf_{uuid.uuid4().hex[:8]}")
    app = create_app(Settings(database_url=url, bus=BusKind.inprocess), bus=InProcessBus())
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p") as client,
    ):
        yield client, app.state.runtime.processors[0]


def _event(event_type: str, data: dict[str, Any], at: datetime = T0) -> bytes:
    return (
        Envelope(
            source=event_type.split(".")[0],
            type=event_type,
            subject=str(data.get("member_id") or data.get("owner_id") or "x"),
            correlationid="test",
            time=at,
            data=data,
        )
        .model_dump_json()
        .encode()
    )


def _member(version: int, layer: str = "execution") -> bytes:
    return _event(
        "goals.member.changed",
        {
            "member_id": "late",
            "name": f"v{version}",
            "home_unit_id": "u1",
            "unit_path": ["u1"],
            "layer": layer,
            "tier": "newcomer",
            "manager_id": None,
            "hired_on": "2025-01-01",
            "left_on": None,
            "leave_reason": None,
            "version": version,
        },
    )


async def _score(client: httpx.AsyncClient, member: str) -> dict[str, Any] | None:
    response = await client.get(f"/performance/members/{member}/scores/2026-03", headers=HR)
    return response.json() if response.status_code == 200 else None


async def test_templates_need_weights_that_add_up(
    performance: tuple[httpx.AsyncClient, InboxProcessor],
) -> None:
    client, _processor = performance
    bad = await client.post(
        "/performance/scorecard-templates",
        headers=HR,
        json={
            "key": "bad",
            "name": "Bad",
            "indicators": [
                {
                    "code": "a",
                    "name": "A",
                    "category": "result",
                    "source": "kpi:a",
                    "weight": "0.5",
                },
                {"code": "b", "name": "B", "category": "team", "source": "kpi:b", "weight": "0.4"},
            ],
        },
    )
    assert bad.status_code == 422
    assert "add up to 1" in bad.text
    good = await client.post(
        "/performance/scorecard-templates",
        headers=HR,
        json={
            "key": "all",
            "name": "Everyone",
            "indicators": [
                {
                    "code": "revenue",
                    "name": "Revenue",
                    "category": "result",
                    "source": "kpi:revenue",
                    "weight": "0.5",
                },
                {
                    "code": "collaboration",
                    "name": "Answered in SLA",
                    "category": "team",
                    "source": "collab:sla",
                    "weight": "0.5",
                },
            ],
        },
    )
    assert good.status_code == 201, good.text
    member = auth("someone", ["member"])
    assert (
        await client.post(
            "/performance/scorecard-templates",
            headers=member,
            json={"key": "x", "name": "x", "indicators": []},
        )
    ).status_code in (403, 422)


async def test_figures_before_the_member_and_copies_out_of_order(
    performance: tuple[httpx.AsyncClient, InboxProcessor],
) -> None:
    client, processor = performance
    figure = _event(
        "goals.kpi.updated",
        {
            "owner_type": "member",
            "owner_id": "late",
            "member_id": "late",
            "kpi_id": "k",
            "kpi": "revenue",
            "direction": "higher_is_better",
            "period": "2026-03",
            "actual": "900",
            "target": "1000",
            "attainment": "0.9",
            "measurements": 1,
        },
    )
    assert await processor.handle(figure) == Outcome.applied
    assert await _score(client, "late") is None  # no member yet: the input waits
    assert await processor.handle(_member(2)) == Outcome.applied
    score = await _score(client, "late")
    assert score is not None
    assert Decimal(score["score"]) == Decimal(45)  # 0.5 x 90 + 0.5 x 0 (no requests yet)
    assert await processor.handle(_member(1, layer="management")) == Outcome.applied
    assert await processor.handle(figure) == Outcome.duplicate
    older = _event(
        "goals.kpi.updated",
        {
            "owner_type": "member",
            "owner_id": "late",
            "member_id": "late",
            "kpi_id": "k",
            "kpi": "revenue",
            "direction": "higher_is_better",
            "period": "2026-03",
            "actual": "100",
            "target": "1000",
            "attainment": "0.1",
            "measurements": 1,
        },
        at=T0 - timedelta(hours=1),
    )
    assert await processor.handle(older) == Outcome.applied
    again = await _score(client, "late")
    assert again is not None
    assert (Decimal(again["score"]), again["revision"]) == (Decimal(45), score["revision"])


async def test_the_collaboration_indicator_counts_requests_answered_in_the_sla(
    performance: tuple[httpx.AsyncClient, InboxProcessor],
) -> None:
    client, processor = performance
    resolved = T0 + timedelta(days=3)
    for ticket, within in (("t1", True), ("t2", True), ("t3", False)):
        await processor.handle(
            _event(
                "collab.ticket.resolved",
                {
                    "ticket_id": ticket,
                    "assignee_id": "late",
                    "resolved_at": resolved.isoformat(),
                    "first_response_within_sla": within,
                },
            )
        )
    await processor.handle(
        _event(
            "collab.ticket.sla-breached",
            {"ticket_id": "t4", "assignee_id": "late", "breached_at": resolved.isoformat()},
        )
    )
    # t2 breached first and was resolved later: a breach stays a breach.
    await processor.handle(
        _event(
            "collab.ticket.sla-breached",
            {"ticket_id": "t2", "assignee_id": "late", "breached_at": resolved.isoformat()},
        )
    )
    score = await _score(client, "late")
    assert score is not None
    line = next(i for i in score["indicators"] if i["code"] == "collaboration")
    assert Decimal(line["input"]) == Decimal("0.25")  # t1 of t1..t4
    assert line["note"] == "1 of 4 requests answered within the SLA"
    assert Decimal(score["score"]) == Decimal("57.5")  # 0.5 x 90 + 0.5 x 25


async def test_the_figure_version_orders_copies_whatever_the_clocks_say(
    performance: tuple[httpx.AsyncClient, InboxProcessor],
) -> None:
    """Two goals replicas with clocks apart: version 2 written on the slow clock is newer
    than version 1 written on the fast one, and version 1 arriving late changes nothing."""
    client, processor = performance
    assert await processor.handle(_member(1).replace(b'"late"', b'"skew"')) == Outcome.applied

    def figure(version: int, attainment: str, at: datetime) -> bytes:
        return _event(
            "goals.kpi.updated",
            {
                "owner_type": "member",
                "owner_id": "skew",
                "member_id": "skew",
                "kpi_id": "k",
                "kpi": "revenue",
                "direction": "higher_is_better",
                "period": "2026-03",
                "actual": attainment,
                "target": "1",
                "attainment": attainment,
                "measurements": version,
                "version": version,
            },
            at=at,
        )

    assert await processor.handle(figure(1, "0.5", T0)) == Outcome.applied
    assert await processor.handle(figure(2, "0.9", T0 - timedelta(seconds=5))) == Outcome.applied
    score = await _score(client, "skew")
    assert score is not None and Decimal(score["score"]) == Decimal(45)
    assert await processor.handle(figure(1, "0.1", T0 + timedelta(seconds=5))) == Outcome.applied
    again = await _score(client, "skew")
    assert again is not None and Decimal(again["score"]) == Decimal(45)
