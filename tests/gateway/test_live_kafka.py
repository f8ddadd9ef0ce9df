"""Live updates when the services are their own processes: the gateway reads the events from
the real Kafka broker (no consumer group) and pushes what each subscriber's own read answers.
The services are stood in for by an upstream that answers as the token allows."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import FastAPI

from deploy.localinfra import Kafka
from gateway.live import running
from gateway.live_hub import Hub, sse
from gateway.live_sources import TOPICS, KafkaSource
from gateway.settings import Settings
from shared.auth import Principal
from shared.events import Envelope
from shared.kafka import KafkaPublisher, ensure_topics
from shared.outbox import OutgoingMessage
from shared.settings import BusKind
from tests.helpers import eventually

pytestmark = pytest.mark.kafka


class TokenScopedUpstream:
    """Answers a read with 200 when the token may read the path, else 403."""

    def __init__(self, name: str, denied: set[tuple[str, str]]) -> None:
        self.name = name
        self.denied = denied
        self.calls: list[tuple[str, str]] = []

    async def forward(self, *_args: Any) -> None:
        raise AssertionError("live updates only read")

    async def get_json(
        self, path: str, within_s: float, headers: dict[str, str] | None = None
    ) -> tuple[int, Any] | None:
        token = (headers or {}).get("authorization", "")
        self.calls.append((token, path))
        if (token, path) in self.denied:
            return 403, {"status": 403}
        return 200, {"path": path, "read_with": token}

    async def close(self) -> None:
        return None


def _ticket_opened(ticket_id: str, owner_unit_id: str) -> Envelope:
    return Envelope(
        source="/spearhead/collab",
        type="collab.ticket.opened",
        subject=ticket_id,
        correlationid=str(uuid.uuid4()),
        data={
            "ticket_id": ticket_id,
            "requester_unit_id": "u-product",
            "owner_unit_id": owner_unit_id,
            "requester_id": "p1",
            "assignee_id": None,
        },
    )


async def test_events_from_kafka_are_pushed_as_each_subscriber_reads_them(kafka: Kafka) -> None:
    await ensure_topics(kafka.bootstrap, list(TOPICS), 3)
    unit = f"u-{uuid.uuid4().hex[:6]}"
    first, second = f"t-{uuid.uuid4().hex[:6]}", f"t-{uuid.uuid4().hex[:6]}"
    upstream = TokenScopedUpstream(
        "collab", denied={("Bearer teammate", f"/collab/tickets/{first}")}
    )
    app = FastAPI()
    app.state.upstreams = dict.fromkeys(("performance", "incentives", "collab"), upstream)
    app.state.bus = None
    app.state.settings = Settings(bus=BusKind.kafka, kafka_bootstrap=kafka.bootstrap)
    publisher = KafkaPublisher(kafka.bootstrap, client_id="test-live")
    async with running(app):
        hub: Hub = app.state.live
        source: KafkaSource = app.state.live_source

        async def positioned() -> bool:
            return source.positioned.is_set()

        await eventually(positioned, timeout_s=60)
        owner = hub.subscribe(Principal(member_id="k1", org_units=(unit,)), "Bearer owner", "zh")
        mate = hub.subscribe(Principal(member_id="k2", org_units=(unit,)), "Bearer teammate", "zh")
        other = hub.subscribe(Principal(member_id="k3", org_units=("u-other",)), "Bearer x", "zh")
        for subscriber in (owner, mate, other):
            assert await subscriber.queue.get() == sse(
                "ready", {"member_id": subscriber.principal.member_id}
            )
        events = [_ticket_opened(first, unit), _ticket_opened(second, unit)]
        # One key, one partition: the two arrive in the order sent.
        await publisher.send_batch(
            [
                OutgoingMessage("collab.ticket", unit, e.model_dump_json().encode(), e.id)
                for e in events
            ]
        )
        try:

            def pushed(event: Envelope, token: str) -> str:
                path = f"/collab/tickets/{event.subject}"
                body = {"path": path, "read_with": token}
                return sse(
                    "ticket",
                    {"kind": "ticket", "path": path, "body": body, "event_type": event.type},
                    event.id,
                )

            assert await owner.queue.get() == pushed(events[0], "Bearer owner")
            assert await owner.queue.get() == pushed(events[1], "Bearer owner")
            # The teammate may not read the first ticket: only the second is pushed to them.
            assert await mate.queue.get() == pushed(events[1], "Bearer teammate")
            assert other.queue.empty()
            assert [path for token, path in upstream.calls if token == "Bearer x"] == [
                "/incentives/members/k3/projection"
            ]
        finally:
            await publisher.close()


async def test_the_source_never_creates_a_topic(kafka: Kafka) -> None:
    """The broker creates a topic a client asks for by name (auto.create.topics.enable),
    with its default partitions: a gateway started before a service must not make that
    service's topics. The source reads by pattern, so a topic not there stays not there."""
    import asyncio

    from aiokafka.admin import AIOKafkaAdminClient

    absent = f"live.absent-{uuid.uuid4().hex[:8]}"

    async def observe(_topic: str, _value: bytes) -> None:
        return None

    source = KafkaSource(kafka.bootstrap, (absent,), observe)
    task = asyncio.create_task(source.run())

    async def positioned() -> bool:
        return source.positioned.is_set()

    try:
        await eventually(positioned, timeout_s=60)
        await asyncio.sleep(1)  # past its first metadata refreshes
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap)
    await admin.start()
    try:
        topics = await admin.list_topics()
    finally:
        await admin.close()
    assert absent not in topics
