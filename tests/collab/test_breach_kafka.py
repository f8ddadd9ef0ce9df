"""On the real Kafka broker: goals, performance and collab run as apps, each with its own
relay and consumers. A ticket whose first response is overdue publishes exactly one
TicketSLABreached, also after the collab service is stopped and a new one started on the
same database; and performance's collaboration indicator counts the breach."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from sqlalchemy import text

from collab.api.deps import now as collab_now
from collab.main import create_app as create_collab
from collab.settings import Settings as CollabSettings
from deploy.localinfra import Kafka
from goals.main import create_app as create_goals
from goals.settings import Settings as GoalsSettings
from performance.main import create_app as create_performance
from performance.settings import Settings as PerformanceSettings
from shared.events import Envelope
from shared.inprocess import InProcessBus
from shared.settings import BusKind
from tests.conftest import create_database
from tests.helpers import auth, post_ok

pytestmark = pytest.mark.kafka
ADMIN = auth("admin-ck", ["admin"])
_post = functools.partial(post_ok, headers=ADMIN)
T = TypeVar("T")


async def _eventually(check: Callable[[], Awaitable[T | None]], timeout_s: float = 90) -> T:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting on the broker")
        await asyncio.sleep(0.2)


async def _topic(bootstrap: str, topic: str) -> list[Envelope]:
    """Every message on ``topic`` from the beginning up to its current end."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    try:
        for _ in range(300):  # the assignment follows the first metadata fetch
            if consumer.assignment():
                break
            await asyncio.sleep(0.1)
        partitions = sorted(consumer.assignment())
        ends = await consumer.end_offsets(partitions)
        found: list[Envelope] = []
        while True:
            behind = [tp for tp in partitions if await consumer.position(tp) < ends[tp]]
            if not behind:
                return found
            batches = await consumer.getmany(*behind, timeout_ms=500)
            for records in batches.values():
                found.extend(Envelope.model_validate_json(r.value) for r in records)
    finally:
        await consumer.stop()


def _client(app: FastAPI, name: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"http://{name}", timeout=60
    )


@contextlib.asynccontextmanager
async def _running(app: FastAPI, name: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app), _client(app, name) as client:
        yield client


def _collab_app(url: str, kafka: Kafka, pinned: dict[str, datetime]) -> FastAPI:
    app = create_collab(
        CollabSettings(
            database_url=url,
            bus=BusKind.kafka,
            kafka_bootstrap=kafka.bootstrap,
            outbox_poll_interval_s=0.2,
            sla_scheduler_interval_s=0.5,
        ),
        bus=InProcessBus(),
    )
    app.dependency_overrides[collab_now] = lambda: pinned["now"]
    return app


async def test_a_breach_is_published_once_across_a_restart_and_scored(
    kafka: Kafka, database_url: str
) -> None:
    url = await create_database(database_url, f"breach_{uuid.uuid4().hex[:8]}")
    settings: dict[str, Any] = {
        "database_url": url,
        "bus": BusKind.kafka,
        "kafka_bootstrap": kafka.bootstrap,
        "outbox_poll_interval_s": 0.2,
    }
    goals_app = create_goals(GoalsSettings(**settings), bus=InProcessBus())
    performance_app = create_performance(PerformanceSettings(**settings), bus=InProcessBus())
    # A week ago: 45 business hours on Mon-Fri 09:00-18:00, whatever today is; so the
    # 24-hour first response is overdue and the 80-hour resolution of a low ticket is not.
    pinned = {"now": datetime.now(UTC) - timedelta(days=7)}
    async with (
        _running(goals_app, "goals") as goals,
        _running(performance_app, "performance") as performance,
    ):
        marketing = (
            await _post(goals, "/goals/org-units", {"name": "市场部", "kind": "department"})
        )["id"]
        product = (
            await _post(goals, "/goals/org-units", {"name": "产品部", "kind": "department"})
        )["id"]
        assignee = f"pm-{uuid.uuid4().hex[:6]}"
        await _post(
            goals,
            "/goals/members",
            {
                "id": assignee,
                "name": "Wang",
                "home_unit_id": product,
                "layer": "execution",
                "hired_on": "2025-01-01",
            },
        )
        await _post(
            performance,
            "/performance/scorecard-templates",
            {
                "key": "collab",
                "name": "Answering other units",
                "indicators": [
                    {
                        "code": "collaboration",
                        "name": "Answered in SLA",
                        "category": "team",
                        "source": "collab:sla",
                        "weight": "1",
                    }
                ],
            },
        )
        requester = auth("li", ["member"], [marketing])
        ticket_body = {
            "title": "Spring campaign product facts",
            "description": "新品卖点和参数",
            "category": "product_info",
            "priority": "low",
            "requester_unit_id": marketing,
            "owner_unit_id": product,
        }

        async def breaches_of(ticket_id: str) -> list[Envelope]:
            return [
                e
                for e in await _topic(kafka.bootstrap, "collab.ticket")
                if e.type == "collab.ticket.sla-breached" and e.data["ticket_id"] == ticket_id
            ]

        first_app = _collab_app(url, kafka, pinned)
        async with _running(first_app, "collab") as collab:
            first = await post_ok(
                collab,
                "/collab/tickets",
                {**ticket_body, "assignee_id": assignee},
                headers=requester,
            )
            [breach] = await _eventually(lambda: breaches_of(first["id"]))

        # A new collab process on the same database: its scheduler must not fire it again.
        second_app = _collab_app(url, kafka, pinned)
        async with _running(second_app, "collab") as collab:
            second = await post_ok(collab, "/collab/tickets", ticket_body, headers=requester)
            # The second ticket's breach proves the new scheduler has made a full pass
            # over every due deadline, the first ticket's included.
            await _eventually(lambda: breaches_of(second["id"]))
            seen = await collab.get(f"/collab/tickets/{first['id']}", headers=requester)
            assert seen.json()["sla"]["response_breached"] is True
            assert seen.json()["sla"]["resolution_breached"] is False

        assert [e.id for e in await breaches_of(first["id"])] == [breach.id]
        everything = await _topic(kafka.bootstrap, "collab.ticket")
        kinds = sorted(e.type for e in everything if e.data["ticket_id"] == first["id"])
        assert kinds == [
            "collab.ticket.opened",
            "collab.ticket.sla-at-risk",
            "collab.ticket.sla-breached",
        ]
        assert breach.data["clock"] == "response"
        assert breach.data["assignee_id"] == assignee
        opened = next(
            e
            for e in everything
            if e.type == "collab.ticket.opened" and e.data["ticket_id"] == first["id"]
        )
        assert breach.data["breached_at"] == opened.data["response_due_at"]

        db_rows = await _deadline_rows(second_app, first["id"])
        assert db_rows == {
            "resolution_at_risk": False,
            "resolution_breached": False,
            "response_at_risk": True,
            "response_breached": True,
        }

        month = datetime.fromisoformat(breach.data["breached_at"]).date().strftime("%Y-%m")

        async def scored() -> dict[str, Any] | None:
            response = await performance.get(
                f"/performance/members/{assignee}/scores/{month}", headers=ADMIN
            )
            if response.status_code != 200:
                return None
            line: dict[str, Any] = response.json()["indicators"][0]
            return line if line["events"] else None

        line = await _eventually(scored)
        assert line["code"] == "collaboration"
        assert Decimal(line["input"]) == Decimal(0)
        assert line["note"] == "0 of 1 requests answered within the SLA"
        assert line["events"] == [breach.id]


async def _deadline_rows(app: FastAPI, ticket_id: str) -> dict[str, bool]:
    from shared.db import Database

    db = Database(app.state.settings.database_url, schema="collab")
    try:
        async with db.sessions() as session:
            rows = await session.execute(
                text(
                    "SELECT kind, fired_at IS NOT NULL AS fired FROM collab.sla_deadlines "
                    "WHERE ticket_id = :t"
                ),
                {"t": ticket_id},
            )
            return {row.kind: row.fired for row in rows}
    finally:
        await db.dispose()
