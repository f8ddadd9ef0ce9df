"""Live updates without a server: a subscriber too slow for its pushes is disconnected and
keeps nothing; each producer's own example names the reads the gateway pushes and the people
and units it concerns."""

from __future__ import annotations

from collab.events import catalog as collab_events
from gateway.live_hub import QUEUE_SIZE, Subscriber
from gateway.live_sources import TOPICS, Read, mentions, reads_for
from incentives.events import catalog as incentives_events
from performance.events import catalog as performance_events
from shared.auth import Principal


async def test_a_client_too_slow_for_its_pushes_is_disconnected() -> None:
    subscriber = Subscriber(Principal(member_id="slow"), "Bearer x", "zh-CN")
    for i in range(QUEUE_SIZE):
        subscriber.send(f"event: n\ndata: {i}\n\n")
    assert (subscriber.closed, subscriber.queue.qsize()) == (False, QUEUE_SIZE)
    subscriber.send("event: n\ndata: overflow\n\n")
    assert subscriber.closed
    assert subscriber.queue.qsize() == 1
    assert subscriber.queue.get_nowait() is None  # the stream ends; nothing was kept
    subscriber.send("event: n\ndata: late\n\n")
    assert subscriber.queue.empty()


def test_each_producers_example_names_the_reads_and_the_people_it_concerns() -> None:
    """Held to the producers' own examples: the fields the gateway reads are there."""
    found: dict[str, tuple[list[Read], frozenset[str]]] = {}
    for catalog in (performance_events, incentives_events, collab_events):
        for event_type, cls in catalog.events.items():
            example = cls.model_json_schema()["example"]
            envelope = catalog.example_envelope(cls, example)
            reads = reads_for(envelope)
            if reads:
                assert envelope.topic in TOPICS, event_type
                found[event_type] = (reads, mentions(envelope.data) & {"s1", "u-product"})
    ticket = "/collab/tickets/0b7f5c1e-2d3a-4c5b-8e9f-1a2b3c4d5e6f"
    projection = Read("projection", "incentives", "/incentives/members/s1/projection")
    assert found == {
        "performance.score.computed": (
            [Read("score", "performance", "/performance/members/s1/scores/2026-03"), projection],
            frozenset({"s1"}),
        ),
        "performance.review.closed": ([projection], frozenset({"s1"})),
        "incentives.bonus.calculated": ([projection], frozenset({"s1"})),
        **{
            f"collab.ticket.{verb}": ([Read("ticket", "collab", ticket)], frozenset({"u-product"}))
            for verb in ("opened", "resolved", "sla-at-risk", "sla-breached")
        },
    }
