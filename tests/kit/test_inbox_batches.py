"""A poll applied as one unit: inbox rows claimed in one statement, each run of consecutive
events of one type handed to its batch handler at once, order kept across runs, duplicates
(in the poll or from before) applied never, and a deadline that keeps only what it applied."""

from __future__ import annotations

import time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import Consumed, Envelope
from shared.inbox import Outcome, Subscription
from tests.kit.support import Kit

OTHER = "kit.other.happened"


def _envelopes(kit: Kit, items: list[tuple[str, int]]) -> list[Envelope]:
    return [kit.catalog.envelope(kit.event(item_key=key, seq=seq)) for key, seq in items]


def _other(envelope: Envelope) -> Envelope:
    """The same event under another type: a second kind in the poll."""
    return envelope.model_copy(update={"type": OTHER})


async def _inbox_rows(kit: Kit) -> int:
    async with kit.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(kit.inbox)) or 0)


def _batched(kit: Kit, calls: list[tuple[str, list[int]]]) -> Subscription:
    subscription = Subscription(consumer="kit-batches")
    item = type("ItemCopy", (Consumed,), {"event_type": kit.event.event_type})
    other = type("OtherCopy", (Consumed,), {"event_type": OTHER})

    @subscription.on_many(item)
    async def items(_session: AsyncSession, events: list[Envelope]) -> None:
        calls.append(("items", [e.data["seq"] for e in events]))

    @subscription.on(other)
    async def one(_session: AsyncSession, event: Envelope) -> None:
        calls.append(("other", [event.data["seq"]]))

    return subscription


async def test_runs_of_one_type_reach_the_batch_handler_at_once_in_order(kit: Kit) -> None:
    calls: list[tuple[str, list[int]]] = []
    processor = kit.processor(_batched(kit, calls))
    a1, a2, b3, a4, a5 = _envelopes(kit, [("k", 1), ("k", 2), ("k", 3), ("k", 4), ("k", 5)])
    poll = [a1, a2, _other(b3), a4, a5]
    outcomes = await processor.apply_batch([e.model_dump_json().encode() for e in poll])
    assert outcomes == [Outcome.applied] * 5
    assert calls == [("items", [1, 2]), ("other", [3]), ("items", [4, 5])]
    assert await _inbox_rows(kit) == 5


async def test_duplicates_in_the_poll_and_from_before_are_never_applied(kit: Kit) -> None:
    calls: list[tuple[str, list[int]]] = []
    processor = kit.processor(_batched(kit, calls))
    first, second, third = _envelopes(kit, [("k", 1), ("k", 2), ("k", 3)])
    assert await processor.apply(first) == Outcome.applied  # applied before this poll
    calls.clear()
    unknown = first.model_copy(update={"type": "kit.nobody.handles", "id": "x-unknown"})
    poll = [first, second, second, unknown, third]
    outcomes = await processor.apply_batch([e.model_dump_json().encode() for e in poll])
    assert outcomes == [
        Outcome.duplicate,
        Outcome.applied,
        Outcome.duplicate,
        Outcome.ignored,
        Outcome.applied,
    ]
    # The duplicates and the ignored event do not split the run.
    assert calls == [("items", [2, 3])]
    assert await _inbox_rows(kit) == 3


async def test_past_the_deadline_only_the_runs_applied_are_kept(kit: Kit) -> None:
    calls: list[tuple[str, list[int]]] = []
    processor = kit.processor(_batched(kit, calls))
    a1, a2, b3, a4 = _envelopes(kit, [("k", 1), ("k", 2), ("k", 3), ("k", 4)])
    poll = [e.model_dump_json().encode() for e in (a1, a2, _other(b3), a4)]
    outcomes = await processor.apply_batch(poll, deadline=time.monotonic() - 1)
    # The first run is applied whatever the deadline; the rest is left for the next poll.
    assert outcomes == [Outcome.applied, Outcome.applied]
    assert calls == [("items", [1, 2])]
    assert await _inbox_rows(kit) == 2
    again = await processor.apply_batch(poll)
    assert again == [Outcome.duplicate, Outcome.duplicate, Outcome.applied, Outcome.applied]
    assert calls == [("items", [1, 2]), ("other", [3]), ("items", [4])]
    assert await _inbox_rows(kit) == 4


async def test_a_failing_run_keeps_nothing_of_the_poll(kit: Kit) -> None:
    calls: list[tuple[str, list[int]]] = []
    subscription = _batched(kit, calls)

    async def failing(_session: AsyncSession, event: Envelope) -> None:
        raise ValueError("the other kind fails")

    subscription.handlers[OTHER] = failing
    processor = kit.processor(subscription)
    a1, b2 = _envelopes(kit, [("k", 1), ("k", 2)])
    poll = [e.model_dump_json().encode() for e in (a1, _other(b2))]
    assert await processor.apply_batch(poll) is None
    assert await _inbox_rows(kit) == 0
    # One by one, the first applies and the second is the caller's to retry.
    assert await processor.apply(a1) == Outcome.applied
    assert await _inbox_rows(kit) == 1


async def test_one_by_one_handlers_stop_at_the_deadline_within_a_run(kit: Kit) -> None:
    """A handler of one event at a time may be slow: past the deadline the run stops after
    the event in hand, and the rest comes again with the next poll."""
    processor = kit.processor(kit.subscription("kit-slow"))
    poll = [e.model_dump_json().encode() for e in _envelopes(kit, [("k", 1), ("k", 2), ("k", 3)])]
    assert await processor.apply_batch(poll, deadline=time.monotonic() - 1) == [Outcome.applied]
    assert await kit.effect_rows() == [("k", 1)]
    again = await processor.apply_batch(poll)
    assert again == [Outcome.duplicate, Outcome.applied, Outcome.applied]
    assert await kit.effect_rows() == [("k", 1), ("k", 2), ("k", 3)]
