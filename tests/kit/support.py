"""A throwaway schema with the kit's tables and a test event, for the kit's own tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.events import Consumed, Envelope, Event, EventCatalog
from shared.inbox import InboxProcessor, Subscription, inbox_table
from shared.outbox import Outbox, OutgoingMessage, outbox_table
from shared.polling import until


class ItemRecordedBase(Event):
    """A test event: item ``seq`` of ``item_key`` was recorded."""

    event_type: ClassVar[str] = "kit.item.recorded"
    event_name: ClassVar[str] = "ItemRecorded"

    item_key: str
    seq: int
    fail: bool = False

    def key(self) -> str:
        return self.item_key


@dataclass
class Kit:
    schema: str
    db: Database
    metadata: MetaData
    outbox_table: Table
    inbox: Table
    effects: Table
    catalog: EventCatalog
    outbox: Outbox
    event: type[ItemRecordedBase]

    @property
    def topic(self) -> str:
        return f"kit.{self.schema}"

    async def write(self, key: str, seq: int, *, fail: bool = False) -> None:
        async with self.db.transaction() as session:
            await self.outbox.publish(session, self.event(item_key=key, seq=seq, fail=fail))

    async def write_many(self, items: Sequence[tuple[str, int]]) -> None:
        async with self.db.transaction() as session:
            for key, seq in items:
                await self.outbox.publish(session, self.event(item_key=key, seq=seq))

    def subscription(
        self,
        consumer: str = "kit-consumer",
        on_apply: Callable[[Envelope], Awaitable[None]] | None = None,
    ) -> Subscription:
        """A consumer whose effect is one row in ``effects`` per applied event."""
        subscription = Subscription(consumer=consumer)
        effects = self.effects
        copy = type("ItemRecordedCopy", (Consumed,), {"event_type": self.event.event_type})

        @subscription.on(copy)
        async def record(session: AsyncSession, envelope: Envelope) -> None:
            if envelope.data.get("fail"):
                raise ValueError(f"item {envelope.data['seq']} is poisoned")
            if on_apply is not None:
                await on_apply(envelope)
            await session.execute(
                effects.insert().values(
                    event_id=envelope.id,
                    item_key=envelope.data["item_key"],
                    seq=envelope.data["seq"],
                )
            )

        return subscription

    def processor(self, subscription: Subscription, max_attempts: int = 3) -> InboxProcessor:
        return InboxProcessor(
            self.db, self.inbox, subscription, max_attempts=max_attempts, backoff_s=0.01
        )

    async def effect_rows(self) -> list[tuple[str, int]]:
        async with self.db.sessions() as session:
            rows = await session.execute(
                select(self.effects.c.item_key, self.effects.c.seq).order_by(self.effects.c.id)
            )
            return [(r.item_key, r.seq) for r in rows]

    async def unsent(self) -> int:
        async with self.db.sessions() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(self.outbox_table)
                    .where(self.outbox_table.c.sent_at.is_(None))
                )
                or 0
            )

    async def outbox_rows(self) -> int:
        async with self.db.sessions() as session:
            return int(
                await session.scalar(select(func.count()).select_from(self.outbox_table)) or 0
            )


async def create_kit(database_url: str) -> Kit:
    schema = f"kit_{uuid.uuid4().hex[:10]}"
    metadata = MetaData(schema=schema)
    outbox = outbox_table(metadata)
    inbox = inbox_table(metadata)
    effects = Table(
        "effects",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", String(100), nullable=False),  # deliberately not unique
        Column("item_key", String(100), nullable=False),
        Column("seq", Integer, nullable=False),
    )
    db = Database(database_url, schema=schema, pool_size=5)
    async with db.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await conn.run_sync(metadata.create_all)
    catalog = EventCatalog("kit")
    event = type(
        "ItemRecorded",
        (ItemRecordedBase,),
        {"event_type": f"kit.{schema}.recorded", "__module__": __name__},
    )
    catalog.register(event)
    return Kit(
        schema, db, metadata, outbox, inbox, effects, catalog, Outbox(outbox, catalog), event
    )


async def drop_kit(kit: Kit) -> None:
    async with kit.db.engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA "{kit.schema}" CASCADE'))
    await kit.db.dispose()


@dataclass
class RecordingTransport:
    """A transport that keeps what it was given (for relay tests that need no broker)."""

    sent: list[OutgoingMessage] = field(default_factory=list)
    delay_s: float = 0.0

    async def send_batch(self, messages: Sequence[OutgoingMessage]) -> None:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        self.sent.extend(messages)


def per_key_sequences(items: Sequence[tuple[str, int]]) -> dict[str, list[int]]:
    result: dict[str, list[int]] = {}
    for key, seq in items:
        result.setdefault(key, []).append(seq)
    return result


async def wait_until(predicate: Callable[[], Awaitable[bool]], timeout_s: float, what: str) -> None:
    await until(predicate, timeout_s=timeout_s, every_s=0.1, what=what, error=AssertionError)
