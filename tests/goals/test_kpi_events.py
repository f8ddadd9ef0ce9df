"""KPIUpdated on the real Kafka broker: exactly one per changed owner and period, keyed by
the owner (the member id for members), nothing for a repeat or a rolled-back request."""

from __future__ import annotations

import asyncio
import functools
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import func, select

from deploy.localinfra import Kafka
from goals.main import create_app
from goals.models import outbox
from goals.settings import Settings
from shared.db import Database
from shared.inprocess import InProcessBus
from shared.settings import BusKind
from tests.conftest import create_database
from tests.helpers import auth, post_ok

pytestmark = pytest.mark.kafka
ADMIN = auth("events-admin", ["admin"])


class TopicReader:
    """Reads goals.kpi from the start, and then whatever arrives after each step."""

    def __init__(self, bootstrap: str) -> None:
        self.consumer = AIOKafkaConsumer(
            "goals.kpi",
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            group_id=None,
            auto_offset_reset="earliest",
        )
        self.seen: list[tuple[str, dict[str, Any]]] = []

    async def start(self) -> None:
        await self.consumer.start()

    async def new_events(
        self, owners: set[str], quiet_s: float = 2.0
    ) -> list[tuple[str, dict[str, Any]]]:
        found: list[tuple[str, dict[str, Any]]] = []
        idle = 0.0
        while idle < quiet_s:
            batches = await self.consumer.getmany(timeout_ms=250)
            records = [r for rs in batches.values() for r in rs]
            idle = idle + 0.25 if not records else 0.0
            for record in records:
                envelope = json.loads(record.value)
                if envelope["data"]["owner_id"] in owners:
                    found.append((record.key.decode(), envelope))
        self.seen.extend(found)
        return found


@pytest.fixture(scope="module")
async def goals_on_kafka(
    kafka: Kafka, database_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    url = await create_database(database_url, f"kpi_{uuid.uuid4().hex[:8]}")
    settings = Settings(
        database_url=url,
        bus=BusKind.kafka,
        kafka_bootstrap=kafka.bootstrap,
        outbox_poll_interval_s=0.2,
    )
    app = create_app(settings, bus=InProcessBus())
    db = Database(url, schema="goals")
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://goals", timeout=60
        ) as client,
    ):
        yield client, db
    await db.dispose()


async def _drained(db: Database) -> None:
    for _ in range(200):
        async with db.sessions() as session:
            unsent = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            )
        if unsent == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the outbox was not drained")


_post = functools.partial(post_ok, headers=ADMIN)


async def test_one_kpi_updated_per_changed_owner_and_period(
    goals_on_kafka: tuple[httpx.AsyncClient, Database],
    kafka: Kafka,
) -> None:
    client, db = goals_on_kafka
    company = (await _post(client, "/goals/org-units", {"name": "Co", "kind": "company"}))["id"]
    department = (
        await _post(
            client,
            "/goals/org-units",
            {"name": "Marketing", "kind": "department", "parent_id": company},
        )
    )["id"]
    team = (
        await _post(
            client, "/goals/org-units", {"name": "Sales", "kind": "team", "parent_id": department}
        )
    )["id"]
    first, second = f"m-{uuid.uuid4().hex[:8]}", f"m-{uuid.uuid4().hex[:8]}"
    for member in (first, second):
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": member,
                "home_unit_id": team,
                "layer": "execution",
                "hired_on": "2025-06-01",
            },
        )
    await _post(
        client, "/goals/kpi-definitions", {"code": "revenue", "name": "Revenue", "unit": "CNY"}
    )
    owners = {first, second, company, department, team}
    reader = TopicReader(kafka.bootstrap)
    await _drained(db)
    await reader.start()
    try:
        assert await reader.new_events(owners) == []

        await _post(
            client,
            "/goals/goals",
            {
                "kind": "kpi_target",
                "title": "March revenue",
                "description": "March revenue plan",
                "owner_type": "member",
                "owner_id": first,
                "period": "2026-03",
                "kpi": "revenue",
                "target_value": "1000",
            },
        )
        await _drained(db)
        events = await reader.new_events(owners)
        assert [
            (key, e["data"]["period"], e["data"]["target"], e["data"]["actual"])
            for key, e in events
        ] == [(first, "2026-03", "1000.00", None)]

        await _post(
            client,
            "/goals/actuals",
            {
                "owner_id": first,
                "kpi": "revenue",
                "date": "2026-03-10",
                "value": "500",
                "idempotency_key": f"deal-{first}",
            },
        )
        await _drained(db)
        events = await reader.new_events(owners)
        changed = sorted(
            (e["data"]["owner_type"], e["data"]["owner_id"], e["data"]["period"])
            for _key, e in events
        )
        assert changed == sorted(
            (kind, owner, period)
            for kind, owner in (
                ("member", first),
                ("unit", team),
                ("unit", department),
                ("unit", company),
            )
            for period in ("2026-03", "2026-Q1", "2026")
        )
        assert all(key == e["data"]["owner_id"] for key, e in events)
        member_march = next(
            e["data"]
            for _k, e in events
            if e["data"]["owner_id"] == first and e["data"]["period"] == "2026-03"
        )
        assert (
            member_march["member_id"],
            member_march["actual"],
            member_march["target"],
            member_march["attainment"],
        ) == (first, "500.00", "1000.00", "0.500000")
        assert all(
            e["type"] == "goals.kpi.updated" and e["source"] == "/spearhead/goals"
            for _k, e in events
        )

        # A repeat of the same measurement changes nothing, so nothing is published.
        again = await client.post(
            "/goals/actuals",
            headers=ADMIN,
            json={
                "owner_id": first,
                "kpi": "revenue",
                "date": "2026-03-10",
                "value": "500",
                "idempotency_key": f"deal-{first}",
            },
        )
        assert again.status_code == 200
        await _drained(db)
        assert await reader.new_events(owners) == []

        # A request that fails half-way is rolled back whole: no event for its first part.
        template = await _post(
            client,
            "/goals/goal-templates",
            {
                "name": "Std",
                "items": [
                    {
                        "title": "Revenue",
                        "kpi": "revenue",
                        "target_value": "800",
                        "description": "Monthly revenue plan",
                    }
                ],
            },
        )
        refused = await client.post(
            f"/goals/goal-templates/{template['id']}/apply",
            headers=ADMIN,
            json={"member_ids": [second, "ghost"], "period": "2026-03"},
        )
        assert refused.status_code == 422
        await _drained(db)
        assert await reader.new_events(owners) == []
    finally:
        await reader.consumer.stop()
