"""The open live streams (``gateway.live``) and the events handed to those they may concern:
for each, the reads an event makes worth doing again, made with the subscriber's own token."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from gateway.live_sources import Read, mentions, projection_path, reads_for
from gateway.proxy import Upstream
from gateway.ratelimit import TooManyRequests
from shared.auth import Principal
from shared.events import Envelope

log = logging.getLogger("spearhead.gateway.live")

QUEUE_SIZE = 100  # pushes waiting for one client; beyond, the client is too slow
WORK_SIZE = 1000  # events waiting for one subscriber's reads, or for the dispatcher
STREAMS_PER_PRINCIPAL = 5
KEEP_ALIVE_S = 15.0
READ_WITHIN_S = 10.0
# A projection follows a score in incentives' own time: read again while it is unchanged.
PROJECTION_BACKOFF_S = (0.3, 0.6, 1.2)
_UNKNOWN = object()


def sse(kind: str, data: Any, event_id: str | None = None) -> str:
    """One Server-Sent Event (its JSON on one line)."""
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@dataclass(eq=False)
class Subscriber:
    """One open stream: who, their token, what waits to be sent and what was sent last."""

    principal: Principal
    authorization: str
    accept_language: str
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE + 1))
    work: asyncio.Queue[tuple[Envelope, list[Read]]] = field(
        default_factory=lambda: asyncio.Queue(WORK_SIZE)
    )
    last: dict[str, Any] = field(default_factory=dict)  # path -> the body pushed last
    again: dict[str, bool] = field(default_factory=dict)  # projection reads under way
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    closed: bool = False

    def cares(self, named: frozenset[str]) -> bool:
        return self.principal.member_id in named or not named.isdisjoint(self.principal.org_units)

    def send(self, text: str) -> None:
        if self.closed:
            return
        if self.queue.qsize() >= QUEUE_SIZE:
            log.warning("live client too slow; disconnected", extra=self._who())
            self.close()
            return
        self.queue.put_nowait(text)

    def close(self) -> None:
        """End the stream: what waits is dropped, the client reconnects and reads afresh."""
        if self.closed:
            return
        self.closed = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)

    def _who(self) -> dict[str, str]:
        return {"member_id": self.principal.member_id}


class Hub:
    """The open streams, and the events handed to those they may concern."""

    def __init__(self, upstreams: dict[str, Upstream]) -> None:
        self.upstreams = upstreams
        self.subscribers: set[Subscriber] = set()
        self.incoming: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(WORK_SIZE)
        self._workers: dict[Subscriber, asyncio.Task[None]] = {}

    def subscribe(self, principal: Principal, authorization: str, language: str) -> Subscriber:
        mine = sum(1 for s in self.subscribers if s.principal.member_id == principal.member_id)
        if mine >= STREAMS_PER_PRINCIPAL:
            raise TooManyRequests(
                f"最多同时打开 {STREAMS_PER_PRINCIPAL} 个实时连接 "
                f"(at most {STREAMS_PER_PRINCIPAL} live streams at once per account)",
                headers={"Retry-After": "15"},
            )
        subscriber = Subscriber(principal, authorization, language)
        self.subscribers.add(subscriber)
        self._workers[subscriber] = asyncio.create_task(self._serve(subscriber))
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscriber.close()
        self.subscribers.discard(subscriber)
        worker = self._workers.pop(subscriber, None)
        if worker is not None:
            worker.cancel()
        for task in subscriber.tasks:
            task.cancel()

    def close(self) -> None:
        for subscriber in list(self.subscribers):
            self.unsubscribe(subscriber)

    async def observe(self, topic: str, value: bytes) -> None:
        """An event arrived (the bus's observer): queued for the dispatcher, never waited on."""
        try:
            self.incoming.put_nowait((topic, value))
        except asyncio.QueueFull:
            log.warning("live updates behind; an event is not pushed", extra={"topic": topic})

    async def run(self) -> None:
        """Hand each event to the subscribers it names, in the order the events came."""
        while True:
            _topic, value = await self.incoming.get()
            try:
                envelope = Envelope.model_validate_json(value)
            except ValidationError:
                continue
            reads = reads_for(envelope)
            if not reads:
                continue
            named = mentions(envelope.data)
            for subscriber in list(self.subscribers):
                if not subscriber.closed and subscriber.cares(named):
                    self._hand(subscriber, envelope, reads)

    def _hand(self, subscriber: Subscriber, envelope: Envelope, reads: list[Read]) -> None:
        try:
            subscriber.work.put_nowait((envelope, reads))
        except asyncio.QueueFull:
            log.warning("live subscriber behind; disconnected", extra=subscriber._who())
            subscriber.close()

    async def _serve(self, subscriber: Subscriber) -> None:
        """One subscriber's reads; if they fail, the stream ends (the client reconnects)."""
        try:
            await self._reads(subscriber)
        except Exception:
            log.exception("live subscriber failed", extra=subscriber._who())
            subscriber.close()

    async def _reads(self, subscriber: Subscriber) -> None:
        """One subscriber's reads, in the order of its events: first what its own projection
        is now (so that a change is known as one), then ``ready``, then the events."""
        own = projection_path(subscriber.principal.member_id)
        body = await self._read(subscriber, Read("projection", "incentives", own))
        if body is not None:
            subscriber.last[own] = body
        subscriber.send(sse("ready", {"member_id": subscriber.principal.member_id}))
        while not subscriber.closed:
            envelope, reads = await subscriber.work.get()
            for read in reads:
                if read.kind == "projection":
                    self._projection(subscriber, envelope, read)
                    continue
                body = await self._read(subscriber, read)
                if body is not None:
                    self._push(subscriber, envelope, read, body)

    def _projection(self, subscriber: Subscriber, envelope: Envelope, read: Read) -> None:
        """Read a projection until it changes (a few times), without holding up the rest;
        one read per path at a time, and once more when another event came meanwhile."""
        if read.path in subscriber.again:
            subscriber.again[read.path] = True
            return
        subscriber.again[read.path] = False
        task = asyncio.create_task(self._projection_changes(subscriber, envelope, read))
        subscriber.tasks.add(task)
        task.add_done_callback(subscriber.tasks.discard)

    async def _projection_changes(
        self, subscriber: Subscriber, envelope: Envelope, read: Read
    ) -> None:
        try:
            while True:
                await self._until_changed(subscriber, envelope, read)
                if not subscriber.again.get(read.path):
                    return
                subscriber.again[read.path] = False
        except Exception:
            log.exception("live projection read failed", extra=subscriber._who())
            subscriber.close()
        finally:
            subscriber.again.pop(read.path, None)

    async def _until_changed(self, subscriber: Subscriber, envelope: Envelope, read: Read) -> None:
        """Read again after each back-off while the answer is what was pushed last; push a
        change, and read once more after it (a recalculation may come in two steps)."""
        waits = iter(PROJECTION_BACKOFF_S)
        changed = False
        while True:
            body = await self._read(subscriber, read)
            if body is None:
                return
            if body != subscriber.last.get(read.path, _UNKNOWN):
                self._push(subscriber, envelope, read, body)
                changed = True
            elif changed:
                return
            wait_s = next(waits, None)
            if wait_s is None:
                return
            await asyncio.sleep(wait_s)

    def _push(self, subscriber: Subscriber, envelope: Envelope, read: Read, body: Any) -> None:
        subscriber.last[read.path] = body
        message = {"kind": read.kind, "path": read.path, "body": body, "event_type": envelope.type}
        subscriber.send(sse(read.kind, message, envelope.id))

    async def _read(self, subscriber: Subscriber, read: Read) -> Any | None:
        """The read as the subscriber makes it: its body when it is a 200, else None. A token
        that no longer holds ends the stream (the client signs in and reconnects)."""
        headers = {
            "authorization": subscriber.authorization,
            "accept-language": subscriber.accept_language,
        }
        answer = await self.upstreams[read.service].get_json(read.path, READ_WITHIN_S, headers)
        if answer is None:
            return None
        status, body = answer
        if status == 401:
            subscriber.close()
        return body if status == 200 else None
