"""The broker stopped (SIGSTOP, and separately SIGKILL then restart) for 20 s during 500
writes: nothing lost, nothing duplicated, nothing hangs, all delivered after it returns."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal

import pytest

from deploy.localinfra import Kafka, start_kafka, wait_kafka
from shared.kafka import KafkaPublisher
from shared.outbox import OutboxRelay
from tests.kit.kafka_support import prepare_topics, running_worker
from tests.kit.support import Kit, per_key_sequences, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

WRITES = 500
OUTAGE_S = 20


async def _stream_through_outage(kit: Kit, kafka: Kafka, outage: str) -> None:
    consumer = f"c-{kit.schema}"
    await prepare_topics(kit, kafka.bootstrap, consumer)
    publisher = KafkaPublisher(kafka.bootstrap, send_timeout_s=5, client_id="fault-relay")
    relay = OutboxRelay(kit.db, kit.outbox_table, publisher, poll_interval_s=0.5)
    relay_task = asyncio.create_task(relay.run())
    keys = [f"member-{i}" for i in range(10)]
    writes_done = asyncio.Event()

    async def writer() -> None:
        # 500 writes over ~25 s: the outage falls in the middle of the stream.
        for seq in range(WRITES // len(keys)):
            await kit.write_many([(key, seq) for key in keys])
            await asyncio.sleep(0.5)
        writes_done.set()

    async def outage_then_recovery() -> None:
        await asyncio.sleep(4)
        assert kafka.pid is not None
        if outage == "stop":
            os.kill(kafka.pid, signal.SIGSTOP)
            await asyncio.sleep(OUTAGE_S)
            os.kill(kafka.pid, signal.SIGCONT)
            await asyncio.to_thread(wait_kafka, kafka)
        else:
            os.kill(kafka.pid, signal.SIGKILL)
            await asyncio.sleep(OUTAGE_S)
            await asyncio.to_thread(start_kafka, kafka.data_dir, kafka.port, kafka.controller_port)

    processor = kit.processor(kit.subscription(consumer))
    try:
        async with running_worker(processor, kafka.bootstrap):
            # Writes never wait for the broker: they finish during the outage.
            await asyncio.wait_for(asyncio.gather(writer(), outage_then_recovery()), 120)
            assert writes_done.is_set()

            async def all_applied() -> bool:
                return len(await kit.effect_rows()) >= WRITES

            await wait_until(all_applied, 120, f"{WRITES} effects after the broker returned")
            await asyncio.sleep(2)
    finally:
        relay.stop()
        await asyncio.wait_for(relay_task, 30)
        await publisher.close()
    effects = await kit.effect_rows()
    assert len(effects) == WRITES
    assert len(set(effects)) == WRITES
    for key, seqs in per_key_sequences(effects).items():
        assert seqs == list(range(WRITES // len(keys))), key
    assert await kit.unsent() == 0


class _AsyncioRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def _without_abandoned_tasks(kit: Kit, kafka: Kafka, outage: str) -> None:
    """The outage, and afterwards no client task left pending to be destroyed: the
    producers discarded during the outage stopped cleanly."""
    records = _AsyncioRecords()
    logging.getLogger("asyncio").addHandler(records)
    try:
        await _stream_through_outage(kit, kafka, outage)
        gc.collect()
        await asyncio.sleep(0)
    finally:
        logging.getLogger("asyncio").removeHandler(records)
    assert [m for m in records.messages if "destroyed but it is pending" in m] == []
    assert _client_tasks() == []


def _client_tasks() -> list[str]:
    """The Kafka client's tasks still running (their code lives in aiokafka)."""
    return [repr(t)[:200] for t in asyncio.all_tasks() if "/aiokafka/" in repr(t)]


async def test_a_producer_discarded_in_an_outage_leaves_nothing_running(kafka: Kafka) -> None:
    """Sends that time out while the broker is paused discard the producer each time; after
    the broker is back and the publisher closed, none of those producers' tasks is left
    (they would be destroyed pending later, logged into whatever request ran then)."""
    records = _AsyncioRecords()
    logging.getLogger("asyncio").addHandler(records)
    publisher = KafkaPublisher(kafka.bootstrap, send_timeout_s=2, client_id="discarded")
    topic = "kit.discard"
    try:
        await publisher.send_raw([(topic, b"k", b"before", None)])
        assert kafka.pid is not None
        os.kill(kafka.pid, signal.SIGSTOP)
        try:
            for _ in range(3):
                with contextlib.suppress(Exception):
                    await publisher.send_raw([(topic, b"k", b"during", None)])
        finally:
            os.kill(kafka.pid, signal.SIGCONT)
        await asyncio.to_thread(wait_kafka, kafka)
        await publisher.send_raw([(topic, b"k", b"after", None)])
    finally:
        await publisher.close()
        logging.getLogger("asyncio").removeHandler(records)
    gc.collect()
    await asyncio.sleep(0.5)
    assert _client_tasks() == []
    assert [m for m in records.messages if "destroyed but it is pending" in m] == []
    assert [m for m in records.messages if "never retrieved" in m] == []


async def test_broker_paused_for_20s(kit: Kit, kafka: Kafka) -> None:
    await _without_abandoned_tasks(kit, kafka, "stop")


async def test_broker_killed_and_restarted_after_20s(kit: Kit, kafka: Kafka) -> None:
    await _without_abandoned_tasks(kit, kafka, "kill")
