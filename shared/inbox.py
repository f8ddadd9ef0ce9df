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
from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, contention, database_unavailable
from shared.events import Consumed, Envelope
from shared.logging import correlation_id
from shared.metrics import BATCH_SECONDS, BATCH_SIZE, EVENTS_APPLIED

log = logging.getLogger("spearhead.inbox")

EventHandler = Callable[[AsyncSession, Envelope], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, list[Envelope]], Awaitable[None]]


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
    batch_handlers: dict[str, BatchHandler] = field(default_factory=dict)
    """Event type -> a handler of many such events at once (``on_many``)."""

    def on(self, copy: type[Consumed]) -> Callable[[EventHandler], EventHandler]:
        """Handle the event that ``copy`` (a ``Consumed`` class) is this consumer's copy of,
        so every consumer of an event can be found from the producer's class by name."""

        def register(handler: EventHandler) -> EventHandler:
            self.handlers[copy.event_type] = handler
            self.copies[copy.event_type] = copy
            return handler

        return register

    def on_many(self, copy: type[Consumed]) -> Callable[[BatchHandler], BatchHandler]:
        """Handle the event as ``on`` does, given every such event of a run at once (in
        order, each claimed in the inbox), so that it can coalesce them: several figures
        of one member become one recomputation. A single event is a run of one."""

        def register(many: BatchHandler) -> BatchHandler:
            async def one(session: AsyncSession, envelope: Envelope) -> None:
                await many(session, [envelope])

            self.on(copy)(one)
            self.batch_handlers[copy.event_type] = many
            return many

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
        instead of one per message. Their inbox rows are claimed in one statement; each run
        of consecutive messages of one type goes to the type's batch handler at once (so it
        can coalesce them), or message by message to its handler. At ``deadline``
        (monotonic) it stops after the run it is in and commits what it applied so far: the
        outcomes returned are for that prefix. None when any of them fails (nothing is kept
        then): the caller applies them one by one, with retries and the dead-letter path."""
        began = time.monotonic()
        envelopes: list[Envelope] = []
        for raw in raws:
            try:
                envelopes.append(Envelope.model_validate_json(raw))
            except ValidationError:
                return None
        try:
            async with self.db.transaction() as session:
                outcomes = await self._claim(session, envelopes)
                applied = 0
                for start, end in _runs(envelopes, outcomes):
                    done = await self._apply_run(
                        session, envelopes[start:end], outcomes[start:end], deadline
                    )
                    applied = start + done
                    if applied < end or (deadline is not None and time.monotonic() > deadline):
                        break
                else:
                    applied = len(envelopes)
                if applied < len(envelopes):
                    # Not applied this time: their claims go, and they come again.
                    await self._unclaim(session, envelopes[applied:], outcomes[applied:])
                    outcomes = outcomes[:applied]
        except Exception as exc:
            log.info(
                "batch not applied; applying its messages one by one",
                extra={"consumer": self.consumer, "messages": len(raws), "error": repr(exc)},
            )
            return None
        for outcome in outcomes:
            EVENTS_APPLIED.labels(consumer=self.consumer, outcome=outcome).inc()
        BATCH_SECONDS.labels(consumer=self.consumer).observe(time.monotonic() - began)
        BATCH_SIZE.labels(consumer=self.consumer).observe(len(outcomes))
        return outcomes

    async def _claim(self, session: AsyncSession, envelopes: list[Envelope]) -> list[Outcome]:
        """The inbox rows of the handled messages in one statement: what each one is."""
        handled = [e for e in envelopes if e.type in self.subscription.handlers]
        claimed: set[str] = set()
        if handled:
            rows = [
                {"consumer": self.consumer, "event_id": e.id, "event_type": e.type}
                for e in {e.id: e for e in handled}.values()
            ]
            # One executemany: compiled once and cached, whatever the poll's size.
            result = await session.execute(
                insert(self.table).on_conflict_do_nothing().returning(self.table.c.event_id), rows
            )
            claimed = set(result.scalars().all())
        outcomes: list[Outcome] = []
        for envelope in envelopes:
            if envelope.type not in self.subscription.handlers:
                outcomes.append(Outcome.ignored)
            elif envelope.id in claimed:
                claimed.discard(envelope.id)  # a second copy in the same poll is a duplicate
                outcomes.append(Outcome.applied)
            else:
                outcomes.append(Outcome.duplicate)
        return outcomes

    async def _unclaim(
        self, session: AsyncSession, envelopes: list[Envelope], outcomes: list[Outcome]
    ) -> None:
        claimed = [e.id for e, o in zip(envelopes, outcomes, strict=True) if o is Outcome.applied]
        await session.execute(
            delete(self.table).where(
                self.table.c.consumer == self.consumer, self.table.c.event_id.in_(claimed)
            )
        )

    async def _apply_run(
        self,
        session: AsyncSession,
        run: list[Envelope],
        outcomes: list[Outcome],
        deadline: float | None,
    ) -> int:
        """One run of a type: to the batch handler at once (set-based, so the deadline is
        looked at only between runs), or one by one, each under its own correlation id,
        stopping at the deadline. Returns how many of the run's messages are done."""
        todo = [e for e, o in zip(run, outcomes, strict=True) if o is Outcome.applied]
        if not todo:
            return len(run)
        many = self.subscription.batch_handlers.get(todo[0].type)
        if many is not None:
            token = correlation_id.set(todo[-1].correlationid)
            try:
                await many(session, todo)
            finally:
                correlation_id.reset(token)
            return len(run)
        handler = self.subscription.handlers[todo[0].type]
        for position, (envelope, outcome) in enumerate(zip(run, outcomes, strict=True), 1):
            if outcome is not Outcome.applied:
                continue
            token = correlation_id.set(envelope.correlationid)
            try:
                await handler(session, envelope)
            finally:
                correlation_id.reset(token)
            if deadline is not None and time.monotonic() > deadline:
                return position
        return len(run)

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


def _runs(envelopes: list[Envelope], outcomes: list[Outcome]) -> list[tuple[int, int]]:
    """``[start, end)`` of each run of consecutive messages of one type (the ignored and
    duplicate ones belong to the run they are in: they change nothing)."""
    runs: list[tuple[int, int]] = []
    start, kind = 0, None
    for i, (envelope, outcome) in enumerate(zip(envelopes, outcomes, strict=True)):
        if outcome is not Outcome.applied:
            continue
        if kind is not None and envelope.type != kind:
            runs.append((start, i))
            start = i
        kind = envelope.type
    if envelopes:
        runs.append((start, len(envelopes)))
    return runs
