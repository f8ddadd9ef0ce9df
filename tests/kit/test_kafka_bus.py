"""The kit on the real Kafka broker: exactly-once effects across relay crashes and consumer
restarts, dead letters, per-key order with two relay processes, nothing from rollbacks."""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest

from deploy.localinfra import Kafka
from shared.inbox import InboxProcessor
from shared.kafka import KafkaPublisher, dead_letter_topic
from shared.outbox import OutgoingMessage
from tests.kit.kafka_support import prepare_topics, read_topic, running_worker, spawn_relay
from tests.kit.relay_process import CRASH_EXIT_CODE
from tests.kit.support import Kit, per_key_sequences, wait_until

pytestmark = pytest.mark.kafka


async def test_effects_exactly_once_across_relay_crash_and_consumer_restart(
    kit: Kit, kafka: Kafka, database_url: str
) -> None:
    consumer = f"c-{kit.schema}"
    await prepare_topics(kit, kafka.bootstrap, consumer)
    keys = [f"member-{i}" for i in range(10)]
    await kit.write_many([(key, seq) for seq in range(30) for key in keys])

    crashed = spawn_relay(kit, database_url, kafka.bootstrap, crash_after_send=True)
    assert await asyncio.to_thread(crashed.wait, 60) == CRASH_EXIT_CODE
    assert await kit.unsent() == 300  # its batch reached Kafka but was never marked sent

    relay = spawn_relay(kit, database_url, kafka.bootstrap)
    try:
        processor = kit.processor(kit.subscription(consumer))

        async def some_applied() -> bool:
            return len(await kit.effect_rows()) >= 100

        # First consumer: killed (task cancelled) mid-stream, its last offsets uncommitted.
        first = asyncio.create_task(_consume_forever(processor, kafka.bootstrap))
        await wait_until(some_applied, 60, "the first consumer to apply 100 events")
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await first

        async with running_worker(processor, kafka.bootstrap):

            async def all_applied() -> bool:
                return len(await kit.effect_rows()) >= 300

            await wait_until(all_applied, 90, "all 300 effects")
            await asyncio.sleep(2)  # give any duplicate time to show up
    finally:
        relay.terminate()
        await asyncio.to_thread(relay.wait, 20)
    effects = await kit.effect_rows()
    assert len(effects) == 300
    assert len(set(effects)) == 300
    # Kafka really holds duplicates (the crashed relay's batch went out twice).
    assert len(await read_topic(kafka.bootstrap, kit.topic, 301, timeout_s=10)) > 300
    for key, seqs in per_key_sequences(effects).items():
        assert seqs == list(range(30)), key


async def _consume_forever(processor: InboxProcessor, bootstrap: str) -> None:
    async with running_worker(processor, bootstrap):
        await asyncio.Event().wait()


async def test_poison_messages_go_to_the_dead_letter_topic_and_the_next_applies(
    kit: Kit, kafka: Kafka, database_url: str
) -> None:
    consumer = f"c-{kit.schema}"
    await prepare_topics(kit, kafka.bootstrap, consumer)
    await kit.write("m1", 1)
    await kit.write("m1", 2, fail=True)
    producer = KafkaPublisher(kafka.bootstrap, client_id="test-garbage")
    relay = spawn_relay(kit, database_url, kafka.bootstrap)
    try:

        async def first_two_sent() -> bool:
            return await kit.unsent() == 0

        await wait_until(first_two_sent, 30, "the relay to send the first events")
        await producer.send_batch(
            [OutgoingMessage(kit.topic, "m1", b"\xff not an envelope", "garbage")]
        )
        await kit.write("m1", 3)
        processor = kit.processor(kit.subscription(consumer), max_attempts=2)
        async with running_worker(processor, kafka.bootstrap):

            async def third_applied() -> bool:
                return ("m1", 3) in await kit.effect_rows()

            await wait_until(third_applied, 60, "the event after the poison ones")
    finally:
        relay.terminate()
        await asyncio.to_thread(relay.wait, 20)
        await producer.close()
    assert await kit.effect_rows() == [("m1", 1), ("m1", 3)]
    dead = await read_topic(kafka.bootstrap, dead_letter_topic(kit.topic, consumer), 2)
    assert len(dead) == 2
    errors = sorted(headers["error"].decode() for _key, _value, headers in dead)
    assert "item 2 is poisoned" in errors[0] or "item 2 is poisoned" in errors[1]
    assert any("not a Spearhead envelope" in e for e in errors)
    assert all(h["original_topic"].decode() == kit.topic for _k, _v, h in dead)


async def test_two_relay_processes_keep_per_key_order(
    kit: Kit, kafka: Kafka, database_url: str
) -> None:
    consumer = f"c-{kit.schema}"
    await prepare_topics(kit, kafka.bootstrap, consumer)
    keys = [f"member-{i}" for i in range(20)]
    relays = [spawn_relay(kit, database_url, kafka.bootstrap, batch_size=10) for _ in range(2)]
    try:
        for seq in range(25):  # written while both relays run
            await kit.write_many([(key, seq) for key in keys])
        processor = kit.processor(kit.subscription(consumer))
        async with running_worker(processor, kafka.bootstrap):

            async def all_applied() -> bool:
                return len(await kit.effect_rows()) >= 500

            await wait_until(all_applied, 90, "500 effects")
    finally:
        for relay in relays:
            relay.terminate()
        for relay in relays:
            await asyncio.to_thread(relay.wait, 20)
    effects = await kit.effect_rows()
    assert len(effects) == 500
    for key, seqs in per_key_sequences(effects).items():
        assert seqs == list(range(25)), key


async def test_a_rolled_back_request_puts_nothing_on_kafka(
    kit: Kit, kafka: Kafka, database_url: str
) -> None:
    consumer = f"c-{kit.schema}"
    await prepare_topics(kit, kafka.bootstrap, consumer)
    with pytest.raises(RuntimeError):
        async with kit.db.transaction() as session:
            await kit.outbox.publish(session, kit.event(item_key="m1", seq=1))
            raise RuntimeError("the request failed")
    await kit.write("m1", 2)
    relay = spawn_relay(kit, database_url, kafka.bootstrap)
    try:
        messages = await read_topic(kafka.bootstrap, kit.topic, 2, timeout_s=10)
    finally:
        relay.terminate()
        await asyncio.to_thread(relay.wait, 20)
    assert len(messages) == 1
    assert json.loads(messages[0][1])["data"]["seq"] == 2
