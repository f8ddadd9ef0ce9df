"""The in-process bus gives the same guarantees as Kafka: once-only effects through the inbox,
retries then a dead letter with the error, per-key order, redelivery after a crash."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from shared.events import Envelope
from shared.inbox import Outcome
from shared.inprocess import InProcessBus
from shared.logging import correlation_id
from shared.outbox import OutboxRelay, OutgoingMessage
from tests.kit.support import Kit, per_key_sequences


async def test_each_event_applies_once_even_when_delivered_twice(kit: Kit) -> None:
    bus = InProcessBus()
    bus.subscribe(kit.processor(kit.subscription()))
    await kit.write_many([(f"m{i % 4}", i) for i in range(40)])

    async def crash(_messages: Sequence[OutgoingMessage]) -> None:
        raise RuntimeError("relay died between send and mark")

    with pytest.raises(RuntimeError):
        await OutboxRelay(kit.db, kit.outbox_table, bus, after_send=crash).drain_once()
    # Another relay delivers everything again; the inbox keeps the effects single.
    relay = OutboxRelay(kit.db, kit.outbox_table, bus)
    while await kit.unsent():
        await relay.drain_once()
    effects = await kit.effect_rows()
    assert len(effects) == 40
    assert len(set(effects)) == 40
    for key, seqs in per_key_sequences(effects).items():
        assert seqs == sorted(seqs), key


async def test_a_poison_message_is_dead_lettered_and_the_next_one_applies(kit: Kit) -> None:
    bus = InProcessBus()
    bus.subscribe(kit.processor(kit.subscription(), max_attempts=3))
    await kit.write("m1", 1)
    await kit.write("m1", 2, fail=True)
    await kit.write("m1", 3)
    await bus.send_batch([OutgoingMessage(kit.topic, "m1", b"{not json", "raw-1")])
    await OutboxRelay(kit.db, kit.outbox_table, bus).drain_once()
    assert await kit.effect_rows() == [("m1", 1), ("m1", 3)]
    assert len(bus.dead_letters) == 2
    garbage, poisoned = bus.dead_letters
    assert "not a Spearhead envelope" in garbage.error
    assert "item 2 is poisoned" in poisoned.error
    assert poisoned.attempts == 3
    assert poisoned.topic == f"{kit.topic}.kit-consumer.dlt"


async def test_a_transient_handler_failure_is_retried_then_applied(kit: Kit) -> None:
    failures = {"left": 2}

    async def flaky(_envelope: Envelope) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("flaky dependency")

    processor = kit.processor(kit.subscription(on_apply=flaky), max_attempts=5)
    envelope = kit.catalog.envelope(kit.event(item_key="m1", seq=7))
    assert await processor.handle(envelope.model_dump_json().encode()) == Outcome.applied
    assert await processor.handle(envelope.model_dump_json().encode()) == Outcome.duplicate
    assert await kit.effect_rows() == [("m1", 7)]


async def test_events_no_consumer_handles_are_ignored(kit: Kit) -> None:
    processor = kit.processor(kit.subscription())
    other = Envelope(
        source="x", type="other.thing.happened", subject="s", correlationid="c", data={}
    )
    assert await processor.handle(other.model_dump_json().encode()) == Outcome.ignored
    assert await kit.effect_rows() == []


async def test_the_correlation_id_travels_from_the_event_into_its_handler(kit: Kit) -> None:
    seen: list[str | None] = []

    async def remember(_envelope: Envelope) -> None:
        seen.append(correlation_id.get())

    bus = InProcessBus()
    bus.subscribe(kit.processor(kit.subscription(on_apply=remember)))
    token = correlation_id.set("corr-from-http")
    try:
        await kit.write("m1", 1)
    finally:
        correlation_id.reset(token)
    await OutboxRelay(kit.db, kit.outbox_table, bus).drain_once()
    assert seen == ["corr-from-http"]
