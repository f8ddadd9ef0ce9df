"""What the live channel listens to, and what each event makes it read again.

The gateway keeps no data: an event only says whose view changed. Who may see it is decided
by the read itself, made with the subscriber's own token (``gateway.live``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from shared.events import Envelope

log = logging.getLogger("spearhead.gateway.live")

# The topics whose events change a score, a projection or a ticket. A projection also moves
# with a recorded deal, which incentives publishes no event for: it shows on the next read.
TOPICS = ("performance.score", "performance.review", "incentives.bonus", "collab.ticket")
TICKET_EVENTS = frozenset(
    {
        "collab.ticket.opened",
        "collab.ticket.resolved",
        "collab.ticket.sla-at-risk",
        "collab.ticket.sla-breached",
    }
)


@dataclass(frozen=True)
class Read:
    """One read an event makes worth doing again: its kind, service and path."""

    kind: str  # score | projection | ticket
    service: str
    path: str


def _segment(value: Any) -> str:
    return quote(str(value), safe="")


def projection_path(member_id: str) -> str:
    return f"/incentives/members/{_segment(member_id)}/projection"


def reads_for(envelope: Envelope) -> list[Read]:
    """The reads whose answer ``envelope`` may have changed, in the order they are pushed.
    ``KPIUpdated`` needs none of its own: the score follows from it (``ScoreComputed``)."""
    data = envelope.data
    if envelope.type == "performance.score.computed":
        member = data.get("member_id")
        month = data.get("month")
        if not isinstance(member, str) or not isinstance(month, str):
            return []
        return [
            Read(
                "score",
                "performance",
                f"/performance/members/{_segment(member)}/scores/{_segment(month)}",
            ),
            Read("projection", "incentives", projection_path(member)),
        ]
    if envelope.type in ("incentives.bonus.calculated", "performance.review.closed"):
        member = data.get("member_id")
        return [Read("projection", "incentives", projection_path(member))] if member else []
    if envelope.type in TICKET_EVENTS:
        ticket = data.get("ticket_id")
        return [Read("ticket", "collab", f"/collab/tickets/{_segment(ticket)}")] if ticket else []
    return []


def mentions(data: dict[str, Any]) -> frozenset[str]:
    """The ids an event's data names at its top level: a cheap first sieve of who may care
    (the read with their own token decides)."""
    found: set[str] = set()
    for value in data.values():
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return frozenset(found)


Observer = Callable[[str, bytes], Awaitable[None]]


class KafkaSource:
    """The topics read from Kafka as they arrive, with no consumer group: every gateway
    replica sees every event from the moment it connects (``latest``), and commits nothing.
    A broker that is away is retried in the background; the gateway serves meanwhile."""

    def __init__(self, bootstrap: str, topics: tuple[str, ...], observer: Observer) -> None:
        self.bootstrap = bootstrap
        self.topics = topics
        self.observer = observer
        self.positioned = asyncio.Event()
        """Set once the consumer reads from the end of every partition it was given."""

    def _consumer(self) -> AIOKafkaConsumer:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            client_id="gateway-live",
            enable_auto_commit=False,
            auto_offset_reset="latest",
            # A topic its producer creates later is found within this.
            metadata_max_age_ms=5_000,
        )
        # By pattern, not by name: asking the broker for a named topic that does not exist
        # yet creates it (auto.create.topics.enable) with the broker's default partitions,
        # before the service that owns it creates it with its own.
        consumer.subscribe(pattern="^(" + "|".join(re.escape(t) for t in self.topics) + ")$")
        return consumer

    @staticmethod
    async def _assigned(consumer: AIOKafkaConsumer, within_s: float = 5.0) -> None:
        """Until the pattern has matched the topics there are (a topic not created yet is
        taken when it appears, from its end like the rest)."""
        for _ in range(round(within_s / 0.1)):
            if consumer.assignment():
                return
            await asyncio.sleep(0.1)

    async def run(self) -> None:
        wait_s = 1.0
        while True:
            consumer = self._consumer()
            try:
                await asyncio.wait_for(consumer.start(), 30)
                await self._assigned(consumer)
                for partition in consumer.assignment():
                    await consumer.position(partition)
                self.positioned.set()
                wait_s = 1.0
                log.info("live updates read from Kafka", extra={"topics": list(self.topics)})
                async for record in consumer:
                    if record.value is not None:
                        await self.observer(record.topic, record.value)
            except asyncio.CancelledError:
                raise
            except (KafkaError, OSError, TimeoutError) as exc:
                log.warning("live updates cannot read Kafka; retrying", extra={"error": repr(exc)})
            finally:
                self.positioned.clear()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(consumer.stop(), 5)
            await asyncio.sleep(wait_s)
            wait_s = min(wait_s * 2, 30.0)
