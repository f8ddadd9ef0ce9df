"""Observers of the in-process bus: told of each message on their topics after every
subscribed processor handled it; an observer that fails changes nothing for the delivery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import pytest

from shared.inbox import InboxProcessor, PoisonMessage
from shared.inprocess import InProcessBus
from shared.outbox import OutgoingMessage


@dataclass
class _Topics:
    topics: list[str]


@dataclass
class _Processor:
    """What the bus uses of an inbox processor: its consumer, topics and ``handle``."""

    consumer: str
    topics: list[str]
    calls: list[tuple[str, bytes]]
    poison: bool = False
    subscription: _Topics = field(init=False)

    def __post_init__(self) -> None:
        self.subscription = _Topics(self.topics)

    async def handle(self, raw: bytes) -> None:
        self.calls.append((self.consumer, raw))
        if self.poison:
            raise PoisonMessage("cannot apply", attempts=1)


def _message(topic: str, value: bytes) -> OutgoingMessage:
    return OutgoingMessage(topic=topic, key="k", value=value, event_id=value.decode())


async def test_an_observer_is_told_after_every_processor_in_order() -> None:
    bus = InProcessBus()
    calls: list[tuple[str, bytes]] = []
    for name in ("first", "second"):
        bus.subscribe(cast(InboxProcessor, _Processor(name, ["t.a"], calls)))

    async def watch(topic: str, value: bytes) -> None:
        calls.append((f"observer:{topic}", value))

    bus.observe(["t.a", "t.b"], watch)
    await bus.send_batch(
        [_message("t.a", b"1"), _message("t.b", b"2"), _message("t.c", b"3"), _message("t.a", b"4")]
    )
    assert calls == [
        ("first", b"1"),
        ("second", b"1"),
        ("observer:t.a", b"1"),
        ("observer:t.b", b"2"),  # a topic nobody consumes is still observed
        ("first", b"4"),
        ("second", b"4"),
        ("observer:t.a", b"4"),
    ]
    bus.unobserve(watch)
    await bus.send_batch([_message("t.a", b"5")])
    assert calls[-2:] == [("first", b"5"), ("second", b"5")]


async def test_a_failing_observer_neither_stops_delivery_nor_dead_letters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = InProcessBus()
    calls: list[tuple[str, bytes]] = []
    bus.subscribe(cast(InboxProcessor, _Processor("consumer", ["t.a"], calls)))
    seen: list[bytes] = []

    async def broken(_topic: str, _value: bytes) -> None:
        raise RuntimeError("observer broke")

    async def watch(_topic: str, value: bytes) -> None:
        seen.append(value)

    bus.observe(["t.a"], broken)
    bus.observe(["t.a"], watch)
    await bus.send_batch([_message("t.a", b"1"), _message("t.a", b"2")])
    assert calls == [("consumer", b"1"), ("consumer", b"2")]
    assert seen == [b"1", b"2"]
    assert bus.dead_letters == []
    failures = [r for r in caplog.records if r.getMessage() == "observer failed"]
    assert len(failures) == 2


async def test_a_dead_lettered_message_is_still_observed_once() -> None:
    bus = InProcessBus()
    calls: list[tuple[str, bytes]] = []
    bus.subscribe(cast(InboxProcessor, _Processor("bad", ["t.a"], calls, poison=True)))
    seen: list[bytes] = []

    async def watch(_topic: str, value: bytes) -> None:
        seen.append(value)

    bus.observe(["t.a"], watch)
    await bus.send_batch([_message("t.a", b"1")])
    assert [d.consumer for d in bus.dead_letters] == ["bad"]
    assert seen == [b"1"]
