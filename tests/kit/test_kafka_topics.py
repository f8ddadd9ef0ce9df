"""The topics a service creates on the real broker: as many partitions, each on as many
brokers, as its settings say; a replication factor the cluster cannot meet is refused loudly
instead of leaving the topic to the broker's auto-creation defaults."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from deploy.localinfra import Kafka
from shared.kafka import dead_letter_topic, ensure_topics
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.settings import ServiceSettings
from tests.kit.support import Kit

pytestmark = pytest.mark.kafka


async def layout(bootstrap: str) -> dict[str, list[int]]:
    """Every topic on the broker -> the number of replicas of each of its partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics()
    finally:
        await admin.close()
    return {
        t["topic"]: [
            len(p["replicas"]) for p in sorted(t["partitions"], key=lambda p: p["partition"])
        ]
        for t in described
    }


def runtime_of(
    kit: Kit, kafka: Kafka, database_url: str, replication_factor: int
) -> ServiceRuntime:
    definition = ServiceDefinition(
        name=kit.schema,
        title="Kit",
        description="The kit's test service",
        metadata=kit.metadata,
        catalog=kit.catalog,
        outbox=kit.outbox,
        inbox=kit.inbox,
        migrations_dir=Path(__file__).parent,
        subscriptions=[kit.subscription(f"c-{kit.schema}")],
    )
    settings = ServiceSettings(
        database_url=database_url,
        bus="kafka",
        kafka_bootstrap=kafka.bootstrap,
        kafka_partitions=3,
        kafka_replication_factor=replication_factor,
    )
    return ServiceRuntime(definition, settings, migrate=False)


async def test_a_service_creates_its_topics_with_its_partitions_and_replication_factor(
    kit: Kit, kafka: Kafka, database_url: str
) -> None:
    runtime = runtime_of(kit, kafka, database_url, replication_factor=1)
    try:
        await runtime._prepare_kafka()
    finally:
        await runtime.stop()
    topics = [kit.topic, dead_letter_topic(kit.topic, f"c-{kit.schema}")]
    found = await layout(kafka.bootstrap)
    assert {t: found.get(t) for t in topics} == {t: [1, 1, 1] for t in topics}
    # A topic that exists is left as it is.
    await ensure_topics(kafka.bootstrap, topics, 5, replication_factor=1)
    found = await layout(kafka.bootstrap)
    assert {t: found.get(t) for t in topics} == {t: [1, 1, 1] for t in topics}


async def test_more_replicas_than_brokers_is_refused_and_nothing_is_created(
    kit: Kit, kafka: Kafka, database_url: str
) -> None:
    topic = f"{kit.topic}.three"
    with pytest.raises(KafkaError, match=r"error 38: .*replication factor of 3 cannot be reached"):
        await ensure_topics(kafka.bootstrap, [topic], 6, replication_factor=3)
    # The service does not start on topics it could not create: it keeps asking.
    runtime = runtime_of(kit, kafka, database_url, replication_factor=2)
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(runtime._prepare_kafka(), 6)
    finally:
        await runtime.stop()
    found = await layout(kafka.bootstrap)
    assert [t for t in found if t.startswith(kit.topic)] == []
