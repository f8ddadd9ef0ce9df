"""On the real Kafka broker: actuals posted to goals move a member's live score in
performance, the score names the KPIUpdated events behind it, and a redelivered event does
not change it again."""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from deploy.localinfra import Kafka
from goals.main import create_app as create_goals
from goals.settings import Settings as GoalsSettings
from performance.main import create_app as create_performance
from performance.settings import Settings as PerformanceSettings
from shared.db import Database
from shared.events import Envelope
from shared.inprocess import InProcessBus
from shared.kafka import KafkaPublisher
from shared.metrics import EVENTS_APPLIED
from shared.outbox import OutgoingMessage
from shared.settings import BusKind
from tests.conftest import create_database
from tests.helpers import auth, eventually, post_ok

pytestmark = pytest.mark.kafka
ADMIN = auth("admin-k", ["admin"])
_post = functools.partial(post_ok, headers=ADMIN)


@pytest.fixture(scope="module")
async def services(
    kafka: Kafka, database_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient, str]]:
    """Goals and performance, each with its own relay and consumers, on the real broker."""
    url = await create_database(database_url, f"live_{uuid.uuid4().hex[:8]}")
    goals = create_goals(
        GoalsSettings(
            database_url=url,
            bus=BusKind.kafka,
            kafka_bootstrap=kafka.bootstrap,
            outbox_poll_interval_s=0.2,
        ),
        bus=InProcessBus(),
    )
    performance = create_performance(
        PerformanceSettings(
            database_url=url,
            bus=BusKind.kafka,
            kafka_bootstrap=kafka.bootstrap,
            outbox_poll_interval_s=0.2,
        ),
        bus=InProcessBus(),
    )
    async with (
        goals.router.lifespan_context(goals),
        performance.router.lifespan_context(performance),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=goals), base_url="http://g", timeout=60
        ) as goals_client,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=performance), base_url="http://p", timeout=60
        ) as performance_client,
    ):
        yield goals_client, performance_client, url


async def test_actuals_move_the_live_score_once(
    services: tuple[httpx.AsyncClient, httpx.AsyncClient, str],
    kafka: Kafka,
) -> None:
    goals, performance, url = services
    member = f"rep-{uuid.uuid4().hex[:6]}"
    team = (await _post(goals, "/goals/org-units", {"name": "Team", "kind": "team"}))["id"]
    await _post(
        goals,
        "/goals/members",
        {
            "id": member,
            "name": "Rep",
            "home_unit_id": team,
            "layer": "execution",
            "hired_on": "2025-01-01",
        },
    )
    await _post(
        goals, "/goals/kpi-definitions", {"code": "revenue", "name": "Revenue", "unit": "CNY"}
    )
    await _post(
        performance,
        "/performance/scorecard-templates",
        {
            "key": "all",
            "name": "Everyone",
            "indicators": [
                {
                    "code": "revenue",
                    "name": "Revenue",
                    "category": "result",
                    "source": "kpi:revenue",
                    "weight": "1",
                }
            ],
        },
    )
    await _post(
        goals,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "March revenue",
            "description": "March revenue plan",
            "owner_type": "member",
            "owner_id": member,
            "period": "2026-03",
            "kpi": "revenue",
            "target_value": "1000",
        },
    )

    await _post(
        goals,
        "/goals/actuals",
        {
            "owner_id": member,
            "kpi": "revenue",
            "date": "2026-03-09",
            "value": "850",
            "idempotency_key": f"{member}-1",
        },
    )

    async def scored() -> dict[str, Any] | None:
        response = await performance.get(
            f"/performance/members/{member}/scores/2026-03", headers=ADMIN
        )
        body: dict[str, Any] = response.json()
        return body if response.status_code == 200 and Decimal(body["score"]) == 85 else None

    score = await eventually(scored)
    line = score["indicators"][0]
    assert (Decimal(line["input"]), Decimal(line["points"]), Decimal(line["contribution"])) == (
        Decimal("0.85"),
        Decimal(85),
        Decimal(85),
    )

    db = Database(url, schema="goals")
    try:
        async with db.sessions() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT event_id, envelope FROM goals.outbox WHERE event_type = "
                        "'goals.kpi.updated' AND message_key = :member AND "
                        "envelope->'data'->>'period' = '2026-03' ORDER BY id"
                    ),
                    {"member": member},
                )
            ).all()
    finally:
        await db.dispose()
    kpi_events = [str(row.event_id) for row in rows]
    assert len(kpi_events) == 2  # the target, then the actual
    assert line["events"] == kpi_events  # the score names the events behind its input

    # Redeliver the latest KPIUpdated exactly as it was sent: the inbox drops it.
    duplicates = EVENTS_APPLIED.labels(consumer="performance", outcome="duplicate")
    before = duplicates._value.get()
    publisher = KafkaPublisher(kafka.bootstrap, client_id="redeliver")
    try:
        envelope = Envelope.model_validate(rows[-1].envelope)
        await publisher.send_batch(
            [OutgoingMessage("goals.kpi", member, envelope.model_dump_json().encode(), envelope.id)]
        )
    finally:
        await publisher.close()

    async def redelivered() -> bool:
        return bool(duplicates._value.get() > before)

    await eventually(redelivered)
    again = (
        await performance.get(f"/performance/members/{member}/scores/2026-03", headers=ADMIN)
    ).json()
    assert (again["score"], again["revision"]) == (score["score"], score["revision"])
