"""Helpers for the kit's tests on the real broker."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaConsumer

from deploy.processes import base_env
from shared.inbox import InboxProcessor
from shared.kafka import KafkaConsumerWorker, KafkaPublisher, dead_letter_topic, ensure_topics
from tests.kit.support import Kit


def spawn_relay(
    kit: Kit,
    database_url: str,
    bootstrap: str,
    *,
    crash_after_send: bool = False,
    batch_size: int = 50,
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "tests.kit.relay_process",
        database_url,
        kit.schema,
        bootstrap,
        "--batch-size",
        str(batch_size),
    ]
    if crash_after_send:
        command.append("--crash-after-send")
    return subprocess.Popen(command, env=base_env())


async def prepare_topics(kit: Kit, bootstrap: str, consumer: str) -> None:
    await ensure_topics(bootstrap, [kit.topic, dead_letter_topic(kit.topic, consumer)], 6)


@asynccontextmanager
async def running_worker(
    processor: InboxProcessor, bootstrap: str
) -> AsyncIterator[KafkaConsumerWorker]:
    publisher = KafkaPublisher(bootstrap, send_timeout_s=5, client_id="test-dlt")
    worker = KafkaConsumerWorker(bootstrap, processor, publisher)
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        worker.stop()
        try:
            await asyncio.wait_for(task, 20)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        await publisher.close()


async def read_topic(
    bootstrap: str, topic: str, expected: int, timeout_s: float = 30
) -> list[tuple[bytes | None, bytes, dict[str, bytes]]]:
    """Read ``expected`` messages from the start of ``topic`` (fewer if the time runs out)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[tuple[bytes | None, bytes, dict[str, bytes]]] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while len(found) < expected and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                found.extend((r.key, r.value, dict(r.headers)) for r in records)
    finally:
        await consumer.stop()
    return found
