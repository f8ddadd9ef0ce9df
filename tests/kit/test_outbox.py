"""The outbox and its relay against the real Postgres (no broker needed here)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

import pytest
from sqlalchemy import text, update

from shared.outbox import OutboxRelay, OutgoingMessage
from tests.kit.support import Kit, RecordingTransport, per_key_sequences, wait_until


class Boom(Exception):
    pass


async def test_rolled_back_transaction_publishes_nothing(kit: Kit) -> None:
    with pytest.raises(Boom):
        async with kit.db.transaction() as session:
            await kit.outbox.publish(session, kit.event(item_key="m1", seq=1))
            raise Boom
    transport = RecordingTransport()
    relay = OutboxRelay(kit.db, kit.outbox_table, transport)
    assert await relay.drain_once() == 0
    assert await kit.outbox_rows() == 0
    assert transport.sent == []


async def test_committed_events_are_sent_once_in_order_and_marked(kit: Kit) -> None:
    await kit.write_many([(f"m{i % 3}", i) for i in range(30)])
    transport = RecordingTransport()
    relay = OutboxRelay(kit.db, kit.outbox_table, transport, batch_size=7)
    assert await relay.drain_once() == 30
    assert await relay.drain_once() == 0
    assert await kit.unsent() == 0
    sent = [(m.key, json.loads(m.value)["data"]["seq"]) for m in transport.sent]
    assert len(sent) == 30
    for key, seqs in per_key_sequences(sent).items():
        assert seqs == sorted(seqs), key
    envelope = json.loads(transport.sent[0].value)
    assert envelope["type"] == kit.event.event_type
    assert envelope["specversion"] == "1.0"
    assert envelope["source"] == "/spearhead/kit"  # a URI reference naming the producer
    assert transport.sent[0].topic == kit.topic


async def test_a_crash_between_send_and_mark_leaves_rows_to_send_again(kit: Kit) -> None:
    await kit.write_many([("m1", i) for i in range(5)])
    transport = RecordingTransport()

    async def crash(_messages: Sequence[OutgoingMessage]) -> None:
        raise Boom("relay died after sending")

    crashing = OutboxRelay(kit.db, kit.outbox_table, transport, after_send=crash)
    with pytest.raises(Boom):
        await crashing.drain_once()
    assert len(transport.sent) == 5
    assert await kit.unsent() == 5  # nothing was marked: the rows are not lost
    survivor = OutboxRelay(kit.db, kit.outbox_table, transport)
    assert await survivor.drain_once() == 5
    assert await kit.unsent() == 0
    assert len(transport.sent) == 10  # sent twice; the consumers' inbox drops the repeat


async def test_two_relays_keep_per_key_order(kit: Kit) -> None:
    keys = [f"member-{i}" for i in range(8)]
    for round_ in range(25):
        await kit.write_many([(key, round_) for key in keys])
    transport = RecordingTransport(delay_s=0.002)
    relays = [OutboxRelay(kit.db, kit.outbox_table, transport, batch_size=5) for _ in range(2)]

    async def drain(relay: OutboxRelay) -> None:
        while await kit.unsent():
            await relay.drain_once()

    await asyncio.gather(*(drain(r) for r in relays))

    received = [(m.key, json.loads(m.value)["data"]["seq"]) for m in transport.sent]
    assert len(received) == 200
    for key, seqs in per_key_sequences(received).items():
        assert seqs == list(range(25)), key


async def test_notify_wakes_the_relay_before_the_poll_interval(kit: Kit) -> None:
    transport = RecordingTransport()
    relay = OutboxRelay(kit.db, kit.outbox_table, transport, poll_interval_s=60)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.5)  # let it listen
        await kit.write("m1", 1)

        async def delivered() -> bool:
            return len(transport.sent) == 1

        # With a 60 s poll interval only NOTIFY can deliver this within 10 s.
        await wait_until(delivered, 10, "the NOTIFY-woken relay")
    finally:
        relay.stop()
        await asyncio.wait_for(task, 10)


async def test_prune_removes_only_rows_sent_before_the_retention(kit: Kit) -> None:
    await kit.write_many([("m1", i) for i in range(4)])
    relay = OutboxRelay(kit.db, kit.outbox_table, RecordingTransport(), retention_s=3600)
    await relay.drain_once()
    await kit.write("m1", 99)  # unsent: never pruned
    async with kit.db.transaction() as session:
        await session.execute(
            update(kit.outbox_table)
            .where(kit.outbox_table.c.sent_at.is_not(None))
            .where(
                kit.outbox_table.c.id.in_(
                    text(f'SELECT id FROM "{kit.schema}".outbox ORDER BY id LIMIT 2')
                )
            )
            .values(sent_at=text("now() - interval '2 hours'"))
        )
    assert await relay.prune() == 2
    assert await kit.outbox_rows() == 3
    assert await kit.unsent() == 1
