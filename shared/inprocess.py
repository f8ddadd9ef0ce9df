"""In-process bus for the embedded mode: the relay hands outbox rows straight to the
subscribed consumers' inbox processors, with the same once-only and dead-letter rules as Kafka.

A batch counts as sent only when every subscriber has applied (or dead-lettered) it, so a crash
before that leaves the outbox rows unsent and they are delivered again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
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


class InProcessBus:
    """Topic -> subscribed processors. One lock per consumer keeps per-consumer order."""

    def __init__(self) -> None:
        self._processors: dict[str, list[InboxProcessor]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.dead_letters: list[DeadLetter] = []

    def subscribe(self, processor: InboxProcessor) -> None:
        for topic in processor.subscription.topics:
            self._processors.setdefault(topic, []).append(processor)
        self._locks.setdefault(processor.consumer, asyncio.Lock())

    def unsubscribe(self, processor: InboxProcessor) -> None:
        for processors in self._processors.values():
            if processor in processors:
                processors.remove(processor)

    async def send_batch(self, messages: Sequence[OutgoingMessage]) -> None:
        for message in messages:
            for processor in list(self._processors.get(message.topic, ())):
                async with self._locks[processor.consumer]:
                    try:
                        await processor.handle(message.value)
                    except PoisonMessage as poison:
                        self._dead_letter(message, processor.consumer, poison)

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
