"""Faults against the whole system, every service its own process on its own broker and
Postgres. The bar for each: every write the API took is stored once, and every event it
caused is applied exactly once by performance and incentives (inbox rows = outbox rows),
with the final figures equal in all three services; nothing hangs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from gateway.settings import SERVICES
from shared.kafka import KafkaPublisher
from tests.cluster import Cluster, verified
from tests.faults.stream import converged, stream, team_of
from tests.helpers import eventually

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@pytest.fixture
async def client(cluster: Cluster) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=cluster.gateway, timeout=30) as gateway:
        yield gateway


def _no_server_errors(statuses: dict[int, int], *, allowed: tuple[int, ...] = ()) -> None:
    errors = {s: n for s, n in statuses.items() if (s >= 500 or s == 0) and s not in allowed}
    assert errors == {}, f"server errors during the stream: {errors}"


async def test_a_poison_message_is_dead_lettered_and_the_partition_keeps_flowing(
    cluster: Cluster, client: httpx.AsyncClient
) -> None:
    members = await team_of(client, 4)
    # Garbage on the KPI topic, keyed like the first member: the same partition as its events.
    publisher = KafkaPublisher(cluster.kafka.bootstrap, client_id="poisoner")
    try:
        await publisher.send_raw([("goals.kpi", members[0].encode(), b"{not an envelope", [])])
    finally:
        await publisher.close()
    statuses = await stream(client, members, 5)
    _no_server_errors(statuses)
    await converged(cluster, members, 5)
    await verified(cluster)

    consumer = AIOKafkaConsumer(
        "goals.kpi.performance.dlt",
        bootstrap_servers=cluster.kafka.bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=5000)
        dead = [m for records in batches.values() for m in records]
    finally:
        await consumer.stop()
    assert [m.value for m in dead] == [b"{not an envelope"]
    headers = dict(dead[0].headers)
    assert headers["original_topic"] == b"goals.kpi"
    assert b"not a Spearhead envelope" in headers["error"]


async def test_each_members_effects_apply_in_order(
    cluster: Cluster, client: httpx.AsyncClient
) -> None:
    """100 members x 10 updates: each member's events are applied in the order goals wrote
    them (the inbox's apply time follows the outbox's order, per member)."""
    members = await team_of(client, 100)
    statuses = await stream(client, members, 10, concurrency=6)
    _no_server_errors(statuses)
    await converged(cluster, members, 10)
    rows = await cluster.fetch(
        "SELECT o.message_key, o.id, i.processed_at FROM goals.outbox o "
        "JOIN performance.inbox i ON i.event_id::text = o.event_id::text "
        "WHERE o.event_type = 'goals.kpi.updated' AND o.message_key = ANY($1::text[]) "
        "ORDER BY o.message_key, i.processed_at, o.id",
        members,
    )
    by_member: dict[str, list[int]] = {}
    for row in rows:
        by_member.setdefault(row["message_key"], []).append(row["id"])
    assert set(by_member) == set(members)
    out_of_order = [m for m, ids in by_member.items() if ids != sorted(ids)]
    assert out_of_order == []
    await verified(cluster)


async def test_a_consuming_service_killed_three_times_during_a_stream(
    cluster: Cluster, client: httpx.AsyncClient
) -> None:
    members = await team_of(client, 10)

    async def kill_and_restart() -> None:
        cluster.kill("performance")
        await asyncio.to_thread(cluster.restart, "performance")

    statuses = await stream(
        client,
        members,
        40,
        at={0.2: kill_and_restart, 0.5: kill_and_restart, 0.8: kill_and_restart},
    )
    _no_server_errors(statuses)
    await converged(cluster, members, 40)
    await verified(cluster)


async def test_the_broker_killed_at_30_percent_of_1000_writes(
    cluster: Cluster, client: httpx.AsyncClient
) -> None:
    """SIGKILL at 300 of 1,000 writes, restarted 30 s later: the API keeps answering (the
    outbox holds the events), and the system catches up with nothing lost or doubled."""
    members = await team_of(client, 20)
    restarted = asyncio.Event()

    async def outage() -> None:
        cluster.kill_kafka()
        await asyncio.sleep(30)
        await asyncio.to_thread(cluster.start_kafka)
        restarted.set()

    statuses = await stream(client, members, 50, at={0.3: outage})
    assert restarted.is_set()
    _no_server_errors(statuses)
    await converged(cluster, members, 50)
    ready = (await client.get("/readyz")).json()
    assert {check["status"] for check in ready["checks"].values()} == {"up"}, json.dumps(ready)
    await verified(cluster)


async def test_the_broker_paused_for_30_seconds(
    cluster: Cluster, client: httpx.AsyncClient
) -> None:
    """SIGSTOP for 30 s, then SIGCONT: sends time out instead of hanging, the producers are
    rebuilt, and everything written meanwhile arrives."""
    members = await team_of(client, 10)

    async def pause() -> None:
        cluster.pause_kafka()
        await asyncio.sleep(30)
        await asyncio.to_thread(cluster.resume_kafka)

    statuses = await stream(client, members, 30, at={0.3: pause})
    _no_server_errors(statuses)
    await converged(cluster, members, 30)
    await verified(cluster)


async def test_postgres_restarted_mid_stream(cluster: Cluster, client: httpx.AsyncClient) -> None:
    """While Postgres is down the API answers 503 (never another 5xx); writes sent again
    with their idempotency keys land once it is back, and the consumers catch up."""
    members = await team_of(client, 10)

    async def restart_postgres() -> None:
        await asyncio.to_thread(cluster.stop_postgres)
        await asyncio.sleep(8)
        await asyncio.to_thread(cluster.start_postgres)

    statuses = await stream(client, members, 20, at={0.3: restart_postgres})
    assert statuses[503] > 0, statuses
    _no_server_errors(statuses, allowed=(503,))
    await converged(cluster, members, 20)

    async def all_ready() -> bool:
        ready = (await client.get("/readyz")).json()
        return {check["status"] for check in ready["checks"].values()} == {"up"}

    await eventually(all_ready, timeout_s=60)
    await verified(cluster)


async def test_readiness_follows_the_broker(cluster: Cluster, client: httpx.AsyncClient) -> None:
    """The broker killed: every service that needs it, and so the gateway, answer 503 on
    /readyz within 5 s; once it is back, 200 again. /healthz (liveness) stays 200."""
    assert (await client.get("/readyz")).status_code == 200
    cluster.kill_kafka()
    killed_at = asyncio.get_running_loop().time()
    try:
        waiting = set(SERVICES)
        while waiting:
            for name in sorted(waiting):
                answer = await client.get(f"{cluster.url(name)}/readyz")
                if answer.status_code == 503:
                    assert answer.json()["checks"]["broker"].startswith("unreachable"), answer.text
                    waiting.discard(name)
            elapsed = asyncio.get_running_loop().time() - killed_at
            assert elapsed < 5, f"still ready {elapsed:.1f}s after the broker died: {waiting}"
            await asyncio.sleep(0.1)
        assert (await client.get("/readyz")).status_code == 503
        assert (await client.get(f"{cluster.url('goals')}/healthz")).status_code == 200
    finally:
        await asyncio.to_thread(cluster.start_kafka)

    async def ready_again() -> bool:
        return (await client.get("/readyz")).status_code == 200

    await eventually(ready_again, timeout_s=90)
    await verified(cluster)
