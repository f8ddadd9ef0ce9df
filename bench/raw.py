"""The pipeline's floor: the bare aiokafka produce -> consume round trip on the same broker
at the same rate, and the pacing both use."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.infra import percentile
from deploy.localinfra import Kafka


async def paced(rate: float, seconds: float, send: Callable[[int], Awaitable[None]]) -> float:
    """Call ``send`` ``rate`` times a second for ``seconds`` (10 ms ticks, the count kept
    to the schedule so rates that are no multiple of 100 come out right); returns the
    seconds the sending took."""
    ticks = int(seconds * 100)
    began = time.perf_counter()
    sent = 0
    pending: set[asyncio.Future[None]] = set()
    for tick in range(ticks):
        due = int(rate * (tick + 1) / 100)
        while sent < due:
            task = asyncio.ensure_future(send(sent))
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 1
        delay = began + (tick + 1) / 100 - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    await asyncio.gather(*pending)
    return time.perf_counter() - began


def stats(values: list[float]) -> dict[str, float]:
    return {
        "samples": len(values),
        "p50_ms": round(percentile(values, 0.50), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
    }


async def raw_round_trip(kafka: Kafka, rate: float, seconds: float) -> dict[str, Any]:
    """aiokafka produce -> consume on the same broker at the same rate: latencies (ms),
    offered and achieved rates."""
    topic = f"bench.raw.{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, linger_ms=0)
    await producer.start()
    await producer.send_and_wait(topic, b"0", key=b"warm")
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="latest", group_id=None
    )
    await consumer.start()
    latencies: list[float] = []
    last = 0.0
    try:
        await consumer.seek_to_end()
        await asyncio.sleep(1)

        async def receive() -> None:
            nonlocal last
            async for message in consumer:
                last = time.time()
                latencies.append((last - float(message.value)) * 1000)

        async def send(i: int) -> None:
            await producer.send(topic, str(time.time()).encode(), key=str(i % 200).encode())

        receiver = asyncio.create_task(receive())
        began = time.time()
        sending_s = await paced(rate, seconds, send)
        await producer.flush()
        await asyncio.sleep(3)
        receiver.cancel()
    finally:
        await consumer.stop()
        await producer.stop()
    sent = int(rate * int(seconds * 100) / 100)
    return {
        **stats(latencies),
        "offered_per_s": round(sent / sending_s, 1),
        "achieved_per_s": round(len(latencies) / max(last - began, 1e-9), 1),
        "latencies": latencies,
    }
