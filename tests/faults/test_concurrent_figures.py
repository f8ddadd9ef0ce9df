"""Figures under concurrent writers: 8 clients post 1,000 actuals over overlapping members,
teams and KPIs of every aggregation (sum, average, last, a formula), with retries and
corrections mixed in; afterwards every stored figure equals what its measurements say
(computed from the raw rows), the copies downstream equal the figures, and the invariant
checker finds no drift anywhere. Once with no fault, once with the broker killed and
restarted and then a consuming service killed and restarted during the writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine

import httpx
import pytest

from tests.cluster import Cluster, verified
from tests.faults.figures_load import Story, expected_figures, load, organisation, stored_figures
from tests.helpers import eventually

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@pytest.fixture
async def client(cluster: Cluster) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=cluster.gateway, timeout=60) as gateway:
        yield gateway


async def _consumers_caught_up(cluster: Cluster) -> None:
    """Every KPIUpdated goals published applied once by performance and by incentives."""
    published_query = "SELECT count(*) FROM goals.outbox WHERE event_type = 'goals.kpi.updated'"

    def applied(schema: str) -> str:
        return f"SELECT count(*) FROM {schema}.inbox WHERE event_type = 'goals.kpi.updated'"

    last: dict[str, object] = {}

    async def caught_up() -> bool:
        published = await cluster.scalar(published_query)
        seen = [await cluster.scalar(applied(s)) for s in ("performance", "incentives")]
        last.update(published=published, performance=seen[0], incentives=seen[1])
        return seen == [published, published]

    # Within the test's own 300 s limit, so that a consumer that lags says which and by how
    # much (pytest's timeout would only show the event loop waiting).
    try:
        await eventually(caught_up, timeout_s=180)
    except AssertionError as exc:
        raise AssertionError(f"consumers behind goals' KPIUpdated: {last}") from exc


async def _run(
    cluster: Cluster,
    client: httpx.AsyncClient,
    *,
    seed: int,
    at: dict[float, Callable[[], Coroutine[object, object, None]]] | None = None,
) -> Story:
    story = await organisation(client, teams=3, per_team=4)
    await load(client, story, total=1_000, writers=8, seed=seed, at=at)
    errors = {s: n for s, n in story.statuses.items() if (s >= 500 and s != 503) or s == 0}
    assert errors == {}, story.statuses
    assert story.corrections == 2 and story.retried >= 20

    stored = await cluster.scalar(
        "SELECT count(*) FROM goals.measurements WHERE idempotency_key LIKE $1", f"load-{seed}-%"
    )
    assert stored == 1_000
    expected = await expected_figures(cluster)
    actual = await stored_figures(cluster)
    wrong = {k: (actual.get(k), v) for k, v in expected.items() if actual.get(k) != v}
    assert wrong == {}, (
        f"{len(wrong)} figures differ from their measurements: {list(wrong.items())[:10]}"
    )
    assert set(actual) == set(expected)
    # Units are where lost updates showed: each level's figure is in the comparison.
    assert {k for k in expected if k[1] == story.company}, "the company has figures"

    await _consumers_caught_up(cluster)
    await verified(cluster)
    return story


async def test_concurrent_writers_lose_no_figure_update(
    cluster: Cluster, client: httpx.AsyncClient
) -> None:
    await _run(cluster, client, seed=1)


async def test_concurrent_writers_while_the_broker_and_a_consumer_are_killed(
    cluster: Cluster, client: httpx.AsyncClient
) -> None:
    """The broker SIGKILLed at 25% of the writes and back 15 s later; incentives (a
    consumer of every KPIUpdated) SIGKILLed at 60% and restarted: the same outcome."""

    async def broker_outage() -> None:
        cluster.kill_kafka()
        await asyncio.sleep(15)
        await asyncio.to_thread(cluster.start_kafka)

    async def consumer_restart() -> None:
        cluster.kill("incentives")
        await asyncio.sleep(3)
        await asyncio.to_thread(cluster.restart, "incentives")

    await _run(cluster, client, seed=2, at={0.25: broker_outage, 0.6: consumer_restart})
