"""Messages read from the real broker are CloudEvents in the Kafka protocol binding's
structured mode, as the ``cloudevents`` SDK reads them, and are exactly what the AsyncAPI
document and the served data schemas describe."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jsonschema_rs
import pytest
from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event

from deploy.localinfra import Kafka
from gateway.docs import data_schema
from goals.main import create_app
from goals.settings import Settings
from shared.events import CLOUDEVENTS_CONTENT_TYPE
from shared.inprocess import InProcessBus
from shared.settings import BusKind
from tests.conftest import create_database
from tests.contracts.events_support import merged_asyncapi, schema_errors
from tests.helpers import auth, post_ok

pytestmark = pytest.mark.kafka
ADMIN = auth("cloudevents-admin", ["admin"])
PUBLIC_URL = "https://spearhead.example.cn"
TOPICS = ("goals.org-unit", "goals.member")


@pytest.fixture(scope="module")
async def goals_on_kafka(kafka: Kafka, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    url = await create_database(database_url, f"ce_{uuid.uuid4().hex[:8]}")
    settings = Settings(
        database_url=url,
        bus=BusKind.kafka,
        kafka_bootstrap=kafka.bootstrap,
        outbox_poll_interval_s=0.2,
        public_url=PUBLIC_URL,
    )
    app = create_app(settings, bus=InProcessBus())
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://goals", timeout=60
        ) as client,
    ):
        yield client


async def _records(bootstrap: str, subjects: set[str], expected: int) -> list[Any]:
    consumer = AIOKafkaConsumer(
        *TOPICS,
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    found: list[Any] = []
    try:
        for _ in range(240):
            batches = await consumer.getmany(timeout_ms=250)
            for records in batches.values():
                found.extend(r for r in records if r.key.decode() in subjects)
            if len(found) >= expected:
                break
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return found


async def test_messages_on_the_broker_are_structured_cloudevents(
    goals_on_kafka: httpx.AsyncClient, kafka: Kafka
) -> None:
    client = goals_on_kafka
    unit = await post_ok(
        client, "/goals/org-units", {"name": "市场部", "kind": "company"}, headers=ADMIN
    )
    member_id = f"m-{uuid.uuid4().hex[:8]}"
    await post_ok(
        client,
        "/goals/members",
        {
            "id": member_id,
            "name": "李娜",
            "home_unit_id": unit["id"],
            "layer": "execution",
            "hired_on": "2025-06-01",
        },
        headers=ADMIN,
    )
    records = await _records(kafka.bootstrap, {unit["id"], member_id}, expected=2)
    assert sorted((r.topic, r.key.decode()) for r in records) == sorted(
        [("goals.org-unit", unit["id"]), ("goals.member", member_id)]
    )
    document = merged_asyncapi()
    messages = {m["x-event-type"]: m for m in document["components"]["messages"].values()}
    for record in records:
        headers = dict(record.headers)
        assert headers == {"content-type": CLOUDEVENTS_CONTENT_TYPE.encode()}
        event = from_kafka_event(KafkaMessage(headers=headers, key=record.key, value=record.value))
        attributes = event.get_attributes()
        event_type = {
            "goals.org-unit": "goals.org-unit.changed",
            "goals.member": "goals.member.changed",
        }[record.topic]
        assert attributes["specversion"] == "1.0"
        assert attributes["type"] == event_type
        assert attributes["source"] == "/spearhead/goals"
        assert attributes["subject"] == record.key.decode()
        assert attributes["partitionkey"] == record.key.decode()
        assert attributes["datacontenttype"] == "application/json"
        assert attributes["dataschema"] == f"{PUBLIC_URL}/events/schemas/{event_type}/1"
        assert attributes["dataversion"] == 1
        assert uuid.UUID(attributes["id"])
        data = event.get_data()
        assert isinstance(data, dict)
        envelope = json.loads(record.value)
        assert data == envelope["data"]
        subject_field = "unit_id" if record.topic == "goals.org-unit" else "member_id"
        assert data[subject_field] == record.key.decode()
        # What the AsyncAPI document says the value is, and what the dataschema URI serves.
        message = messages[event_type]
        assert schema_errors(document, message["payload"]["$ref"], envelope) == []
        served = data_schema(document, event_type, 1)
        assert served is not None
        validator = jsonschema_rs.Draft202012Validator(served)
        assert [e.message for e in validator.iter_errors(data)] == []
