"""Scale-out: two replicas of every service (each consuming service one consumer group of
two members) on topics of 8 partitions; one replica of performance and one of incentives
SIGKILLed mid-stream. The survivors take over their partitions, and every event is applied
exactly once, in each member's order, with the figures equal in all services afterwards."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from gateway.settings import SERVICES
from tests.cluster import Cluster, running_cluster, verified
from tests.faults.stream import converged, stream, team_of
from tests.helpers import eventually

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

PARTITIONS = 8  # not the broker's default (6): the topics are the services' own
MEMBERS = 20
# Enough writes after the kill (at a tenth of them: 540) that the takeover, which waits out
# the consumers' 10 s session timeout and a rebalance, always ends while writes remain: with
# 20 a member and the kill at a quarter, a fast run wrote the last 300 before it (CI). Here a
# takeover of 10.6 s came with 893 of the 1,820 events published.
PER_MEMBER = 30
KILL_AT = 0.1
KILLED = ("performance-2", "incentives-2")


@pytest.fixture(scope="module")
def scaled_cluster(workdir: Path) -> Iterator[Cluster]:
    with running_cluster(
        workdir / "faults-scale-out",
        replicas=dict.fromkeys(SERVICES, 2),
        SPEARHEAD_KAFKA_PARTITIONS=str(PARTITIONS),
    ) as running:
        yield running


@pytest.fixture
async def client(scaled_cluster: Cluster) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=scaled_cluster.gateway, timeout=30) as gateway:
        yield gateway


async def consumer_health(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """The replica's one consumer group, as its /readyz reports it (503 while rebalancing)."""
    consumers = (await client.get(f"{url}/readyz")).json()["checks"]["consumers"]
    assert len(consumers) == 1, consumers
    health: dict[str, Any] = consumers[0]
    return health


async def topic_layout(bootstrap: str, topics: list[str]) -> dict[str, list[int]]:
    """Topic -> replication factor of each of its partitions, from the broker."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return {
        t["topic"]: [
            len(p["replicas"]) for p in sorted(t["partitions"], key=lambda p: p["partition"])
        ]
        for t in described
    }


def partitions_of(topics: list[str]) -> set[str]:
    return {str(TopicPartition(t, p)) for t in topics for p in range(PARTITIONS)}


async def shared_by(
    client: httpx.AsyncClient, cluster: Cluster, service: str
) -> dict[str, set[str]]:
    """Once every replica of ``service`` holds some of its group's partitions and together
    all of them, each exactly once: replica -> its partitions."""

    async def split() -> dict[str, set[str]] | None:
        held = {
            name: await consumer_health(client, cluster.url(name))
            for name in cluster.replicas(service)
        }
        every = partitions_of(next(iter(held.values()))["topics"])
        assigned = {name: set(h["assigned"]) for name, h in held.items()}
        settled = all(h["joined"] for h in held.values())
        if (
            settled
            and all(assigned.values())
            and sorted(p for parts in assigned.values() for p in parts) == sorted(every)
        ):
            return assigned
        return None

    return await eventually(split, timeout_s=90)


async def effects_in_order(cluster: Cluster, schema: str, members: list[str]) -> dict[str, int]:
    """Member -> how many of its KPI events ``schema`` applied, after checking they were
    applied in the order goals wrote them (as test_each_members_effects_apply_in_order)."""
    rows = await cluster.fetch(
        f"SELECT o.message_key, o.id, i.processed_at FROM goals.outbox o "
        f"JOIN {schema}.inbox i ON i.event_id::text = o.event_id::text "
        "WHERE o.event_type = 'goals.kpi.updated' AND o.message_key = ANY($1::text[]) "
        "ORDER BY o.message_key, i.processed_at, o.id",
        members,
    )
    by_member: dict[str, list[int]] = {}
    for row in rows:
        by_member.setdefault(row["message_key"], []).append(row["id"])
    out_of_order = [m for m, ids in by_member.items() if ids != sorted(ids)]
    assert out_of_order == [], schema
    return {m: len(ids) for m, ids in by_member.items()}


async def test_a_replica_killed_mid_stream_hands_its_partitions_to_the_other(
    scaled_cluster: Cluster, client: httpx.AsyncClient
) -> None:
    cluster = scaled_cluster
    # Every topic a consumer group reads has the configured partitions, on one broker here.
    groups = {s: await consumer_health(client, cluster.url(s)) for s in SERVICES}
    topics = sorted({t for health in groups.values() for t in health["topics"]})
    assert "goals.kpi" in topics
    assert await topic_layout(cluster.kafka.bootstrap, topics) == {
        t: [1] * PARTITIONS for t in topics
    }
    # Both replicas of each group hold partitions, between them each one exactly once.
    before = {s: await shared_by(client, cluster, s) for s in SERVICES}

    members = await team_of(client, MEMBERS)
    writes = MEMBERS * PER_MEMBER
    # A member's March figure when its target is set, then its March, Q1 and 2026 figures at
    # every write (each one raises the actual).
    per_member_events = 1 + 3 * PER_MEMBER
    events = MEMBERS * per_member_events
    taken_over: dict[str, float] = {}
    published_at_takeover: list[object] = []

    async def kill_one_of_each() -> None:
        for name in KILLED:
            # It was doing its share of the work when it died.
            assert (await consumer_health(client, cluster.url(name)))["processed"] > 0, name
            cluster.kill(name)
        killed_at = time.monotonic()
        for name in KILLED:
            survivor = cluster.app_of(name)
            every = partitions_of(groups[survivor]["topics"])

            async def holds_all(survivor: str = survivor, every: set[str] = every) -> bool:
                health = await consumer_health(client, cluster.url(survivor))
                return health["joined"] and set(health["assigned"]) == every

            await eventually(holds_all, timeout_s=60)
            taken_over[survivor] = round(time.monotonic() - killed_at, 1)
        published_at_takeover.append(
            await cluster.scalar(
                "SELECT count(*) FROM goals.outbox WHERE event_type = 'goals.kpi.updated' "
                "AND message_key = ANY($1::text[])",
                members,
            )
        )

    statuses = await stream(client, members, PER_MEMBER, at={KILL_AT: kill_one_of_each})
    assert statuses == {201: writes}, statuses
    assert set(taken_over) == {"performance", "incentives"}, taken_over
    # The survivors took over while the stream was still being written.
    assert isinstance(published_at_takeover[0], int) and published_at_takeover[0] < events

    await converged(cluster, members, PER_MEMBER)
    # Exactly once: the KPIUpdated events goals published, one inbox row for each in each
    # consumer (no more: a redelivery after the kill is dropped by the inbox).
    published = await cluster.scalar(
        "SELECT count(DISTINCT event_id) FROM goals.outbox "
        "WHERE event_type = 'goals.kpi.updated' AND message_key = ANY($1::text[])",
        members,
    )
    assert published == events
    for schema in ("performance", "incentives"):
        rows, distinct = (
            await cluster.fetch(
                f"SELECT count(*) AS rows, count(DISTINCT i.event_id) AS distinct_events "
                f"FROM {schema}.inbox i JOIN goals.outbox o "
                "ON o.event_id::text = i.event_id::text "
                "WHERE o.event_type = 'goals.kpi.updated' AND o.message_key = ANY($1::text[])",
                members,
            )
        )[0]
        assert (rows, distinct) == (events, events), schema
        # Per member: every one of its events, in the order goals wrote them.
        assert await effects_in_order(cluster, schema, members) == dict.fromkeys(
            members, per_member_events
        )
    # The survivors still hold everything; the untouched groups kept their split.
    for survivor in ("performance", "incentives"):
        health = await consumer_health(client, cluster.url(survivor))
        assert set(health["assigned"]) == partitions_of(groups[survivor]["topics"])
    for service in ("goals", "collab"):
        assert await shared_by(client, cluster, service) == before[service]
    await verified(cluster)
