"""Inbox: a consumer applies an event once. ``(consumer, event id)`` is stored in the same
transaction as the event's effect, so a redelivered event finds its row and does nothing."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import ValidationError
from sqlalchemy import Column, DateTime, MetaData, String, Table, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, contention, database_unavailable
from shared.events import Consumed, Envelope
from shared.logging import correlation_id
from shared.metrics import EVENTS_APPLIED

log = logging.getLogger("spearhead.inbox")

EventHandler = Callable[[AsyncSession, Envelope], Awaitable[None]]


def inbox_table(metadata: MetaData) -> Table:
    """The ``inbox`` table in the metadata's schema."""
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(100), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


@dataclass
class Subscription:
    """What one consumer group handles: event type -> handler. Its topics follow from them."""

    consumer: str
    handlers: dict[str, EventHandler] = field(default_factory=dict)
    copies: dict[str, type[Consumed]] = field(default_factory=dict)
    """Event type -> the consumer's own copy of that event (what it reads of it)."""

    def on(self, copy: type[Consumed]) -> Callable[[EventHandler], EventHandler]:
        """Handle the event that ``copy`` (a ``Consumed`` class) is this consumer's copy of,
        so every consumer of an event can be found from the producer's class by name."""

        def register(handler: EventHandler) -> EventHandler:
            self.handlers[copy.event_type] = handler
            self.copies[copy.event_type] = copy
            return handler

        return register

    @property
    def topics(self) -> list[str]:
        from shared.events import topic_of

        return sorted({topic_of(t) for t in self.handlers})


class Outcome(StrEnum):
    applied = "applied"
    duplicate = "duplicate"
    ignored = "ignored"


class PoisonMessage(Exception):
    """A message that cannot be applied; it goes to the dead-letter topic with this error."""

    def __init__(self, error: str, attempts: int) -> None:
        super().__init__(error)
        self.error = error
        self.attempts = attempts


def is_transient(exc: BaseException) -> bool:
    """A failure of the infrastructure (database gone) or a clash with a concurrent
    transaction, not of the message: applying it again will succeed."""
    return database_unavailable(exc) or contention(exc)


class InboxProcessor:
    """Applies raw messages for one subscription: parse, inbox, handler, one transaction."""

    def __init__(
        self,
        db: Database,
        table: Table,
        subscription: Subscription,
        *,
        max_attempts: int = 5,
        backoff_s: float = 0.1,
    ) -> None:
        self.db = db
        self.table = table
        self.subscription = subscription
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s

    @property
    def consumer(self) -> str:
        return self.subscription.consumer

    async def apply(self, envelope: Envelope) -> Outcome:
        """One attempt: the effect and the inbox row commit together, or neither does."""
        handler = self.subscription.handlers.get(envelope.type)
        if handler is None:
            return Outcome.ignored
        async with self.db.transaction() as session:
            claimed = await session.scalar(
                insert(self.table)
                .values(consumer=self.consumer, event_id=envelope.id, event_type=envelope.type)
                .on_conflict_do_nothing()
                .returning(self.table.c.event_id)
            )
            if claimed is None:
                return Outcome.duplicate
            await handler(session, envelope)
        return Outcome.applied

    async def apply_batch(
        self, raws: list[bytes], *, deadline: float | None = None
    ) -> list[Outcome] | None:
        """Apply several messages in one transaction, in order: one commit for a whole poll
        instead of one per message. At ``deadline`` (monotonic) it stops and commits what it
        applied so far: the outcomes returned are for that prefix. None when any of them
        fails (nothing is kept then): the caller applies them one by one, with retries and
        the dead-letter path."""
        envelopes: list[Envelope] = []
        for raw in raws:
            try:
                envelopes.append(Envelope.model_validate_json(raw))
            except ValidationError:
                return None
        outcomes: list[Outcome] = []
        try:
            async with self.db.transaction() as session:
                for envelope in envelopes:
                    handler = self.subscription.handlers.get(envelope.type)
                    if handler is None:
                        outcomes.append(Outcome.ignored)
                        continue
                    claimed = await session.scalar(
                        insert(self.table)
                        .values(
                            consumer=self.consumer,
                            event_id=envelope.id,
                            event_type=envelope.type,
                        )
                        .on_conflict_do_nothing()
                        .returning(self.table.c.event_id)
                    )
                    if claimed is None:
                        outcomes.append(Outcome.duplicate)
                        continue
                    token = correlation_id.set(envelope.correlationid)
                    try:
                        await handler(session, envelope)
                    finally:
                        correlation_id.reset(token)
                    outcomes.append(Outcome.applied)
                    if deadline is not None and time.monotonic() > deadline:
                        break
        except Exception as exc:
            log.info(
                "batch not applied; applying its messages one by one",
                extra={"consumer": self.consumer, "messages": len(raws), "error": repr(exc)},
            )
            return None
        for outcome in outcomes:
            EVENTS_APPLIED.labels(consumer=self.consumer, outcome=outcome).inc()
        return outcomes

    async def handle(self, raw: bytes) -> Outcome:
        """Apply a raw message with retries; raises PoisonMessage when it cannot be applied."""
        try:
            envelope = Envelope.model_validate_json(raw)
        except ValidationError as exc:
            raise PoisonMessage(f"not a Spearhead envelope: {exc}", attempts=1) from exc
        token = correlation_id.set(envelope.correlationid)
        try:
            attempt = 0
            while True:
                attempt += 1
                try:
                    outcome = await self.apply(envelope)
                except Exception as exc:
                    if is_transient(exc):
                        # The database is away: wait for it, this message is not at fault.
                        attempt -= 1
                        log.warning(
                            "database unavailable while applying; waiting",
                            extra={"consumer": self.consumer, "error": repr(exc)},
                        )
                        await asyncio.sleep(1.0)
                        continue
                    if attempt >= self.max_attempts:
                        raise PoisonMessage(repr(exc), attempts=attempt) from exc
                    log.warning(
                        "handler failed; retrying",
                        extra={
                            "consumer": self.consumer,
                            "event_id": envelope.id,
                            "attempt": attempt,
                            "error": repr(exc),
                        },
                    )
                    await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1))
                    continue
                EVENTS_APPLIED.labels(consumer=self.consumer, outcome=outcome).inc()
                return outcome
        finally:
            correlation_id.reset(token)
