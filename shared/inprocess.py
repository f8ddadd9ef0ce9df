"""In-process bus for the embedded mode: the relay hands outbox rows straight to the
subscribed consumers' inbox processors, with the same once-only and dead-letter rules as Kafka.

A batch counts as sent only when every subscriber has applied (or dead-lettered) it, so a crash
before that leaves the outbox rows unsent and they are delivered again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.inbox import InboxProcessor, PoisonMessage
from shared.kafka import dead_letter_topic
from shared.metrics import EVENTS_DEAD_LETTERED
from shared.outbox import OutgoingMessage

log = logging.getLogger("spearhead.inprocess")


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    consumer: str
    key: str
    value: bytes
    error: str
    attempts: int
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


Observer = Callable[[str, bytes], Awaitable[None]]
"""Told ``(topic, value)`` of each message on its topics, after the subscribers handled it."""


class InProcessBus:
    """Topic -> subscribed processors. One lock per consumer keeps per-consumer order."""

    def __init__(self) -> None:
        self._processors: dict[str, list[InboxProcessor]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.dead_letters: list[DeadLetter] = []
        self._observers: dict[str, list[Observer]] = {}

    def subscribe(self, processor: InboxProcessor) -> None:
        for topic in processor.subscription.topics:
            self._processors.setdefault(topic, []).append(processor)
        self._locks.setdefault(processor.consumer, asyncio.Lock())

    def unsubscribe(self, processor: InboxProcessor) -> None:
        for processors in self._processors.values():
            if processor in processors:
                processors.remove(processor)

    def observe(self, topics: Iterable[str], observer: Observer) -> None:
        """Tell ``observer`` of every message on ``topics`` once every subscribed processor
        has handled it (applied or dead-lettered). It only watches: what it raises is logged,
        and neither stops the delivery nor dead-letters the message."""
        for topic in topics:
            self._observers.setdefault(topic, []).append(observer)

    def unobserve(self, observer: Observer) -> None:
        for observers in self._observers.values():
            if observer in observers:
                observers.remove(observer)

    async def send_batch(self, messages: Sequence[OutgoingMessage]) -> None:
        for message in messages:
            for processor in list(self._processors.get(message.topic, ())):
                async with self._locks[processor.consumer]:
                    try:
                        await processor.handle(message.value)
                    except PoisonMessage as poison:
                        self._dead_letter(message, processor.consumer, poison)
            for observer in list(self._observers.get(message.topic, ())):
                try:
                    await observer(message.topic, message.value)
                except Exception:
                    log.exception(
                        "observer failed",
                        extra={"topic": message.topic, "event_id": message.event_id},
                    )

    def _dead_letter(self, message: OutgoingMessage, consumer: str, poison: PoisonMessage) -> None:
        self.dead_letters.append(
            DeadLetter(
                topic=dead_letter_topic(message.topic, consumer),
                consumer=consumer,
                key=message.key,
                value=message.value,
                error=poison.error,
                attempts=poison.attempts,
            )
        )
        EVENTS_DEAD_LETTERED.labels(consumer=consumer).inc()
        log.error(
            "message dead-lettered",
            extra={
                "consumer": consumer,
                "topic": message.topic,
                "event_id": message.event_id,
                "error": poison.error,
            },
        )
