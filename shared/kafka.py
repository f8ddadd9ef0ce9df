"""Kafka bus on aiokafka.

Producer: idempotent, ``acks=all``; every send is bounded in time and the producer is rebuilt
after a failure, because aiokafka can hang when the broker vanishes.
Consumer: manual commits of explicit offsets only after the database commit, a rebalance
listener, retries then a dead-letter topic carrying the error, and a stuck signal for /readyz.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
import time
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError

from shared.events import CLOUDEVENTS_CONTENT_TYPE
from shared.inbox import InboxProcessor, PoisonMessage
from shared.metrics import EVENTS_DEAD_LETTERED
from shared.outbox import OutgoingMessage

log = logging.getLogger("spearhead.kafka")


def dead_letter_topic(topic: str, consumer: str) -> str:
    return f"{topic}.{consumer}.dlt"


async def ensure_topics(
    bootstrap: str, topics: Sequence[str], partitions: int, *, replication_factor: int = 1
) -> None:
    """Create the topics that do not exist yet, with ``partitions`` partitions each kept on
    ``replication_factor`` brokers (idempotent, bounded in time). A topic the broker refuses
    (more replicas than brokers, say) raises: left missing, the first send would have the
    broker create it with its own defaults instead."""
    if not topics:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    try:
        await asyncio.wait_for(admin.start(), 15)
        existing = set(await asyncio.wait_for(admin.list_topics(), 15))
        missing = [t for t in topics if t not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                response = await asyncio.wait_for(
                    admin.create_topics(
                        [
                            NewTopic(
                                t,
                                num_partitions=partitions,
                                replication_factor=replication_factor,
                            )
                            for t in missing
                        ]
                    ),
                    15,
                )
                # The admin client hands back the broker's answer per topic without raising.
                refused = {
                    topic: f"error {code}: {rest[0] if rest else ''}"
                    for topic, code, *rest in response.topic_errors
                    if code not in (0, TopicAlreadyExistsError.errno)
                }
                if refused:
                    raise KafkaError(f"topics not created: {refused}")
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(admin.close(), 5)


async def broker_answers(bootstrap: str, *, timeout_s: float = 2.0) -> bool:
    """Whether a bootstrap broker answers a Kafka request (ApiVersions v0) within
    ``timeout_s``: refused connections and a paused broker both count as unreachable. Its
    own short-lived connection, so no client's state is touched."""
    client_id = b"spearhead-probe"
    request = struct.pack(">hhih", 18, 0, 7, len(client_id)) + client_id
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        writer = None
        try:
            async with asyncio.timeout(timeout_s):
                reader, writer = await asyncio.open_connection(host or "127.0.0.1", int(port))
                writer.write(struct.pack(">i", len(request)) + request)
                await writer.drain()
                _size, correlation = struct.unpack(">ii", await reader.readexactly(8))
                if correlation == 7:
                    return True
        except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
            continue
        finally:
            if writer is not None:
                writer.close()
    return False


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


class KafkaPublisher:
    """Sends batches with an idempotent producer; rebuilt from scratch after any failure."""

    def __init__(self, bootstrap: str, *, send_timeout_s: float = 10.0, client_id: str) -> None:
        self.bootstrap = bootstrap
        self.send_timeout_s = send_timeout_s
        self.client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def _ready_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap,
                client_id=self.client_id,
                enable_idempotence=True,
                acks="all",
                linger_ms=2,
                request_timeout_ms=int(self.send_timeout_s * 1000),
                max_batch_size=256 * 1024,
            )
            try:
                await asyncio.wait_for(producer.start(), self.send_timeout_s)
            except BaseException:
                await self._discard(producer)
                raise
            self._producer = producer
        return self._producer

    @staticmethod
    async def _discard(producer: AIOKafkaProducer) -> None:
        # aiokafka's stop() first waits for every pending batch to be delivered: with the
        # broker away that is forever, and a stop() cut short leaves its sender and flush
        # tasks pending (later destroyed, logged into whatever request is running then).
        # The batches are in the outbox still, so fail them here and stop() ends at once.
        accumulator = getattr(producer, "_message_accumulator", None)
        if accumulator is not None:
            accumulator.fail_all(KafkaConnectionError("producer discarded"))
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(producer.stop(), 5)
        # stop() raises before closing its client when the sender ended in an error, which
        # leaves the client's metadata task running: close it in any case.
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(producer.client.close(), 5)

    async def send_batch(self, messages: Sequence[OutgoingMessage]) -> None:
        # CloudEvents Kafka binding, structured mode: the value is the whole event as JSON.
        headers = [("content-type", CLOUDEVENTS_CONTENT_TYPE.encode())]
        await self.send_raw([(m.topic, m.key.encode(), m.value, headers) for m in messages])

    async def send_raw(
        self,
        records: Sequence[tuple[str, bytes | None, bytes, list[tuple[str, bytes]] | None]],
    ) -> None:
        """Send records in order and wait for every acknowledgement, or raise."""
        async with self._lock:
            try:
                producer = await self._ready_producer()

                async def send_all() -> None:
                    futures = []
                    for topic, key, value, headers in records:
                        future = await producer.send(topic, value, key=key, headers=headers)
                        # When the wait below is cut short, the failure still arrives
                        # later: take it, so it is not reported as never retrieved.
                        future.add_done_callback(_retrieve)
                        futures.append(future)
                    await asyncio.gather(*futures)

                await asyncio.wait_for(send_all(), self.send_timeout_s)
            except BaseException:
                producer_to_drop, self._producer = self._producer, None
                if producer_to_drop is not None:
                    await self._discard(producer_to_drop)
                raise

    async def close(self) -> None:
        async with self._lock:
            if self._producer is not None:
                await self._discard(self._producer)
                self._producer = None


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, worker: KafkaConsumerWorker) -> None:
        self.worker = worker

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        # Offsets are committed after each partition's batch, so nothing is pending here.
        self.worker.assigned = set()
        self.worker.unassigned_since = time.monotonic()
        log.info(
            "partitions revoked",
            extra={"consumer": self.worker.group, "partitions": sorted(map(str, revoked))},
        )

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.worker.assigned = {str(tp) for tp in assigned}
        self.worker.unassigned_since = None
        self.worker.assignments += 1
        log.info(
            "partitions assigned",
            extra={"consumer": self.worker.group, "partitions": sorted(self.worker.assigned)},
        )


class KafkaConsumerWorker:
    """Consumes a subscription's topics for one consumer group."""

    def __init__(
        self,
        bootstrap: str,
        processor: InboxProcessor,
        dead_letters: KafkaPublisher,
        *,
        stuck_after_s: float = 120.0,
        max_poll_records: int = 500,
        max_poll_interval_s: float = 300.0,
    ) -> None:
        self.bootstrap = bootstrap
        self.processor = processor
        self.dead_letters = dead_letters
        self.group = processor.consumer
        self.topics = processor.subscription.topics
        self.stuck_after_s = stuck_after_s
        self.max_poll_records = max_poll_records
        self.max_poll_interval_s = max_poll_interval_s
        self.assigned: set[str] = set()
        self.busy_since: float | None = None
        self.last_progress: float = time.monotonic()
        self.processed = 0
        self.assignments = 0  # group rebalances this worker went through
        # Since when the worker has had no assignment: from its start until the group first
        # assigns it (even nothing, when replicas outnumber partitions), and during a
        # rebalance. None while it is a settled member of its group.
        self.unassigned_since: float | None = time.monotonic()
        self._stopping = False
        self._consumer: AIOKafkaConsumer | None = None

    def health(self) -> dict[str, Any]:
        now = time.monotonic()
        busy_for = now - self.busy_since if self.busy_since is not None else 0.0
        return {
            "consumer": self.group,
            "topics": self.topics,
            "joined": self.unassigned_since is None,
            "unassigned_for_s": (
                None if self.unassigned_since is None else round(now - self.unassigned_since, 1)
            ),
            "assigned": sorted(self.assigned),
            "processed": self.processed,
            "assignments": self.assignments,
            "stuck": busy_for > self.stuck_after_s,
            "busy_for_s": round(busy_for, 1),
        }

    async def _dead_letter(self, record: Any, error: PoisonMessage) -> None:
        headers = [
            *[(name, value) for name, value in record.headers or () if name == "content-type"],
            ("error", error.error.encode()[:4000]),
            ("consumer", self.group.encode()),
            ("attempts", str(error.attempts).encode()),
            ("original_topic", record.topic.encode()),
            ("original_partition", str(record.partition).encode()),
            ("original_offset", str(record.offset).encode()),
        ]
        # Until the dead letter is stored, the offset stays uncommitted: keep trying.
        while True:
            try:
                await self.dead_letters.send_raw(
                    [
                        (
                            dead_letter_topic(record.topic, self.group),
                            record.key,
                            record.value,
                            headers,
                        )
                    ]
                )
                break
            except Exception as exc:
                log.warning("dead-letter send failed; retrying", extra={"error": repr(exc)})
                await asyncio.sleep(1)
        EVENTS_DEAD_LETTERED.labels(consumer=self.group).inc()
        log.error(
            "message dead-lettered",
            extra={
                "consumer": self.group,
                "topic": record.topic,
                "offset": record.offset,
                "error": error.error,
            },
        )

    def _new_consumer(self) -> AIOKafkaConsumer:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.group,
            client_id=f"{self.group}-consumer",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=self.max_poll_records,
            # Between two polls at most this long, or the group moves the partitions away;
            # run() polls again after half of it, so a slow handler never gets there.
            max_poll_interval_ms=int(self.max_poll_interval_s * 1000),
            session_timeout_ms=10_000,
            heartbeat_interval_ms=3_000,
            metadata_max_age_ms=30_000,
        )
        consumer.subscribe(self.topics, listener=_Rebalance(self))
        return consumer

    async def run(self) -> None:
        consumer = self._new_consumer()
        while not self._stopping:
            try:
                await asyncio.wait_for(consumer.start(), 30)
                break
            except (KafkaError, OSError, TimeoutError) as exc:
                log.warning("consumer cannot reach Kafka; retrying", extra={"error": repr(exc)})
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(consumer.stop(), 5)
                await asyncio.sleep(2)
                consumer = self._new_consumer()
        self._consumer = consumer
        try:
            while not self._stopping:
                batches = await consumer.getmany(timeout_ms=500)
                await self._apply(consumer, batches, polled_at=time.monotonic())
        finally:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(consumer.stop(), 5)

    async def _apply(
        self, consumer: AIOKafkaConsumer, batches: dict[Any, list[Any]], *, polled_at: float
    ) -> None:
        """Apply a poll's records, each partition's in order, committing each partition's
        progress. The whole poll goes in one transaction when it applies cleanly (so its
        handlers can coalesce it); otherwise record by record. A slow handler gets half the
        poll interval: then the rest is handed back (seek) and the worker polls again, so
        the group never sees it as gone and never rebalances."""
        budget = self.max_poll_interval_s / 2
        done: dict[Any, int] = {}
        records = [(tp, record) for tp, polled in batches.items() for record in polled]
        if len(records) > 1 and not self._stopping:
            self.busy_since = time.monotonic()
            applied = await self.processor.apply_batch(
                [record.value for _tp, record in records], deadline=polled_at + budget
            )
            self.busy_since = None
            if applied:
                self.processed += len(applied)
                self.last_progress = time.monotonic()
                for tp, record in records[: len(applied)]:
                    done[tp] = record.offset
                records = records[len(applied) :]
        for tp, record in records:
            if self._stopping or time.monotonic() - polled_at > budget:
                break
            if tp in done and done[tp] >= record.offset:
                continue
            self.busy_since = time.monotonic()
            try:
                await self.processor.handle(record.value)
            except PoisonMessage as poison:
                await self._dead_letter(record, poison)
            self.processed += 1
            self.busy_since = None
            self.last_progress = time.monotonic()
            done[tp] = record.offset
        if done:
            try:
                await consumer.commit({tp: offset + 1 for tp, offset in done.items()})
            except KafkaError as exc:
                # Redelivery after a failed commit is harmless: the inbox drops it.
                log.warning("offset commit failed", extra={"error": repr(exc)})
        for tp, polled in batches.items():
            if polled and done.get(tp, -1) < polled[-1].offset:
                # Not reached this time: fetch them again at the next poll.
                with contextlib.suppress(Exception):  # the partition may have moved away
                    consumer.seek(tp, done[tp] + 1 if tp in done else polled[0].offset)

    def stop(self) -> None:
        self._stopping = True
