"""Transactional outbox: events are written in the caller's transaction and relayed later.

The relay claims unsent rows with ``FOR UPDATE SKIP LOCKED`` inside a transaction that also
holds an advisory lock on the rows' shard (a hash of the message key), so two relays never
send the same key's events out of order. Claims are row locks, not status flags: a relay that
crashes between send and mark simply leaves its rows unsent, and they are sent again (the
consumers' inbox removes the duplicate).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import asyncpg
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.events import Envelope, Event, EventCatalog
from shared.metrics import OUTBOX_PENDING, OUTBOX_SENT

log = logging.getLogger("spearhead.outbox")

SHARDS = 16


def outbox_table(metadata: MetaData) -> Table:
    """The ``outbox`` table in the metadata's schema."""
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("message_key", String(200), nullable=False),
        Column("shard", SmallInteger, nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("sent_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("last_error", Text),
        Index("ix_outbox_unsent", "shard", "id", postgresql_where=text("sent_at IS NULL")),
        Index("ix_outbox_sent_at", "sent_at", postgresql_where=text("sent_at IS NOT NULL")),
    )


def shard_of(key: str) -> int:
    return zlib.crc32(key.encode()) % SHARDS


def notify_channel(schema: str) -> str:
    return f"{schema}_outbox"


@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    key: str
    value: bytes
    event_id: str


class Transport(Protocol):
    """Where the relay sends: Kafka, or the in-process bus. Raises when it could not send."""

    async def send_batch(self, messages: Sequence[OutgoingMessage]) -> None: ...


class Outbox:
    """Writes a service's events into its outbox, inside the caller's transaction."""

    def __init__(self, table: Table, catalog: EventCatalog) -> None:
        self.table = table
        self.catalog = catalog
        self.channel = notify_channel(str(table.schema))

    async def publish(self, session: AsyncSession, event: Event) -> Envelope:
        """Record ``event``; it leaves the service only if the transaction commits."""
        return (await self.publish_many(session, [event]))[0]

    async def publish_many(
        self,
        session: AsyncSession,
        events: Sequence[Event],
        *,
        correlation_ids: Sequence[str | None] | None = None,
    ) -> list[Envelope]:
        """Record several events with one statement, in order; each with the correlation id
        given for it (one event of a batch that coalesced several causes), else the
        current one."""
        if not events:
            return []
        rows, envelopes = [], []
        causes = correlation_ids or [None] * len(events)
        for event, cause in zip(events, causes, strict=True):
            if event.event_type not in self.catalog.events:
                raise ValueError(
                    f"{event.event_type} is not in the {self.catalog.source} catalogue"
                )
            envelope = self.catalog.envelope(event, correlation_id=cause)
            key = event.key()
            rows.append(
                {
                    "event_id": envelope.id,
                    "event_type": envelope.type,
                    "topic": envelope.topic,
                    "message_key": key,
                    "shard": shard_of(key),
                    "envelope": envelope.model_dump(mode="json"),
                }
            )
            envelopes.append(envelope)
        await session.execute(insert(self.table), rows)
        # Delivered at commit only, and once per transaction however many events it holds.
        await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": self.channel})
        return envelopes


def _lock_class(schema: str) -> int:
    # Advisory locks take two int4 keys: (this schema's outbox, shard).
    return zlib.crc32(f"outbox:{schema}".encode()) & 0x7FFFFFFF


class OutboxRelay:
    """Sends unsent outbox rows through a transport, in id order per shard, and prunes."""

    def __init__(
        self,
        db: Database,
        table: Table,
        transport: Transport,
        *,
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        retention_s: float = 3600.0,
        after_send: Callable[[Sequence[OutgoingMessage]], Awaitable[None]] | None = None,
    ) -> None:
        self.db = db
        self.table = table
        self.transport = transport
        self.batch_size = batch_size
        self.poll_interval_s = poll_interval_s
        self.retention_s = retention_s
        self.schema = str(table.schema)
        self.lock_class = _lock_class(self.schema)
        self._wake = asyncio.Event()
        self._stopping = False
        self._listener: asyncpg.Connection | None = None
        # A hook for fault tests: runs after a batch is sent and before it is marked.
        self._after_send = after_send
        self.last_error: str | None = None

    def wake(self) -> None:
        self._wake.set()

    async def drain_once(self) -> int:
        """Send what is pending now; returns how many rows were sent. Each round takes every
        shard no other relay holds and sends their oldest rows as one batch: one broker
        round trip and two statements per batch, however many shards it spans."""
        sent = 0
        while True:
            batch = await self._drain_round()
            sent += batch
            if batch < self.batch_size:
                return sent

    async def _drain_round(self) -> int:
        t = self.table
        async with self.db.transaction() as session:
            # The shards with unsent rows that no other relay holds, locked for this round.
            shards = list(
                (
                    await session.scalars(
                        select(t.c.shard)
                        .where(t.c.sent_at.is_(None))
                        .distinct()
                        .subquery()
                        .select()
                        .where(func.pg_try_advisory_xact_lock(self.lock_class, text("shard")))
                    )
                ).all()
            )
            if not shards:
                return 0
            rows = (
                await session.execute(
                    select(t.c.id, t.c.topic, t.c.message_key, t.c.envelope, t.c.event_id)
                    .where(t.c.shard.in_(shards), t.c.sent_at.is_(None))
                    .order_by(t.c.id)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            messages = [
                OutgoingMessage(
                    topic=row.topic,
                    key=row.message_key,
                    # The envelope as stored, validated when it was published: compact
                    # JSON again, without a second validation per message on the way out.
                    value=json.dumps(row.envelope, separators=(",", ":")).encode(),
                    event_id=str(row.event_id),
                )
                for row in rows
            ]
            await self.transport.send_batch(messages)
            if self._after_send is not None:
                await self._after_send(messages)
            await session.execute(
                update(t)
                .where(t.c.id.in_([row.id for row in rows]))
                .values(sent_at=func.now(), attempts=t.c.attempts + 1)
            )
        OUTBOX_SENT.labels(schema=self.schema).inc(len(rows))
        return len(rows)

    async def prune(self) -> int:
        """Delete rows sent longer ago than the retention."""
        async with self.db.transaction() as session:
            result = await session.execute(
                delete(self.table).where(
                    self.table.c.sent_at
                    < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, self.retention_s)
                )
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def pending(self) -> int:
        async with self.db.sessions() as session:
            count = await session.scalar(
                select(func.count()).select_from(self.table).where(self.table.c.sent_at.is_(None))
            )
        OUTBOX_PENDING.labels(schema=self.schema).set(count or 0)
        return int(count or 0)

    async def _listen(self) -> None:
        """Keep a LISTEN connection open; NOTIFY wakes the relay, polling covers the gaps."""
        dsn = self.db.url.replace("postgresql+asyncpg://", "postgresql://", 1)
        while not self._stopping:
            try:
                conn = await asyncpg.connect(dsn, timeout=5)
                self._listener = conn
                await conn.add_listener(notify_channel(self.schema), lambda *_: self._wake.set())
                lost = asyncio.Event()
                conn.add_termination_listener(lambda *_, event=lost: event.set())
                self._wake.set()  # catch up with whatever was written while we were away
                while not self._stopping and not conn.is_closed():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), 5)
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.debug("outbox listener reconnecting", extra={"error": repr(exc)})
            finally:
                if self._listener is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(self._listener.close(), 2)
                    self._listener = None
            if not self._stopping:
                await asyncio.sleep(self.poll_interval_s)

    async def run(self) -> None:
        """Relay until stopped: drain, then sleep until NOTIFY or the poll interval."""
        listener = asyncio.create_task(self._listen(), name=f"outbox-listen-{self.schema}")
        backoff = 0.2
        loop = asyncio.get_running_loop()
        next_prune = loop.time() + 60
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    await self.drain_once()
                    self.last_error = None
                    backoff = 0.2
                    if loop.time() >= next_prune:
                        await self.prune()
                        next_prune = loop.time() + 60
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    self.last_error = repr(exc)
                    log.warning("outbox relay failed; will retry", extra={"error": repr(exc)})
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listener

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
