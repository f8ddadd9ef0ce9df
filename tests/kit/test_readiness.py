"""Readiness that tells the truth: the broker probe tells a broker that answers from one that
refuses or says nothing, and a consumer the group has not assigned (at start, or for too
long in a rebalance) keeps a real service runtime not ready."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from deploy.localinfra import Kafka, free_port
from goals.main import definition
from goals.settings import Settings
from shared.kafka import _Rebalance, broker_answers
from shared.runtime import ServiceRuntime
from tests.conftest import create_database

pytestmark = pytest.mark.kafka


async def test_the_probe_tells_a_broker_from_a_closed_port_and_a_silent_one(kafka: Kafka) -> None:
    assert await broker_answers(kafka.bootstrap)
    assert not await broker_answers(f"127.0.0.1:{free_port()}", timeout_s=1)

    async def accept_and_say_nothing(_reader: object, _writer: object) -> None:
        await asyncio.sleep(30)

    silent = await asyncio.start_server(accept_and_say_nothing, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    try:
        started = time.monotonic()
        assert not await broker_answers(f"127.0.0.1:{port}", timeout_s=1)
        assert time.monotonic() - started < 2
        # One answering server among the bootstrap servers is enough.
        assert await broker_answers(f"127.0.0.1:{port},{kafka.bootstrap}", timeout_s=1)
    finally:
        silent.close()


async def test_a_consumer_without_partitions_keeps_the_service_not_ready(
    kafka: Kafka, database_url: str
) -> None:
    url = await create_database(database_url, f"ready_{uuid.uuid4().hex[:8]}")
    settings = Settings(
        database_url=url,
        bus="kafka",
        kafka_bootstrap=kafka.bootstrap,
        consumer_rebalance_grace_s=0.5,
    )
    runtime = ServiceRuntime(definition, settings)
    await runtime.start()
    try:
        ready, checks = await runtime.readiness()
        assert not ready
        [consumer] = checks["consumers"]
        assert consumer["problem"] == "not yet assigned its partitions by the group"

        deadline = time.monotonic() + 60
        while not (await runtime.readiness())[0]:
            assert time.monotonic() < deadline, await runtime.readiness()
            await asyncio.sleep(0.2)
        ready, checks = await runtime.readiness()
        assert checks["broker"] == "up"
        assert checks["consumers"][0]["joined"] is True

        # A rebalance takes its partitions away: ready through the grace, then not.
        await _Rebalance(runtime.workers[0]).on_partitions_revoked(set())
        assert (await runtime.readiness())[0]
        await asyncio.sleep(0.7)
        ready, checks = await runtime.readiness()
        assert not ready
        assert checks["consumers"][0]["problem"].startswith("without partitions for ")
    finally:
        await runtime.stop()
