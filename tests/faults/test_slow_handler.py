"""A handler slower than the consumer's poll interval: the worker hands the rest of a poll
back and polls again in time, so the group never rebalances; every event applies once, in
order."""

from __future__ import annotations

import asyncio

import pytest

from deploy.localinfra import Kafka
from shared.events import Envelope
from shared.kafka import KafkaConsumerWorker, KafkaPublisher
from shared.outbox import OutboxRelay
from tests.helpers import eventually
from tests.kit.kafka_support import prepare_topics
from tests.kit.support import Kit

pytestmark = pytest.mark.kafka

EVENTS = 8
HANDLER_S = 1.5
MAX_POLL_INTERVAL_S = 4.0  # the whole stream takes 12 s: three times this


async def test_a_slow_handler_causes_no_rebalance_loop(kit: Kit, kafka: Kafka) -> None:
    consumer = f"slow-{kit.schema}"
    await prepare_topics(kit, kafka.bootstrap, consumer)

    async def slow(_envelope: Envelope) -> None:
        await asyncio.sleep(HANDLER_S)

    processor = kit.processor(kit.subscription(consumer, on_apply=slow))
    publisher = KafkaPublisher(kafka.bootstrap, send_timeout_s=5, client_id="slow-relay")
    relay = OutboxRelay(kit.db, kit.outbox_table, publisher, poll_interval_s=0.2)
    worker = KafkaConsumerWorker(
        kafka.bootstrap, processor, publisher, max_poll_interval_s=MAX_POLL_INTERVAL_S
    )
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(worker.run())]
    try:

        async def assigned() -> bool:
            return worker.assignments >= 1

        await eventually(assigned)
        # One key: one partition, so the events queue behind each other.
        await kit.write_many([("member-1", seq) for seq in range(EVENTS)])

        async def applied() -> list[tuple[str, int]] | None:
            rows = await kit.effect_rows()
            return rows if len(rows) >= EVENTS else None

        rows = await eventually(applied, timeout_s=90)
        await asyncio.sleep(MAX_POLL_INTERVAL_S)  # room for a late duplicate to show
        assert await kit.effect_rows() == [("member-1", seq) for seq in range(EVENTS)]
        assert rows == [("member-1", seq) for seq in range(EVENTS)]
        assert worker.assignments == 1, "the group rebalanced while the handler was slow"
    finally:
        relay.stop()
        worker.stop()
        for task in tasks:
            try:
                await asyncio.wait_for(task, 20)
            except TimeoutError:
                task.cancel()
        await publisher.close()
