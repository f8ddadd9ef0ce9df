"""A stream of KPI actuals through the gateway, and the checks that every effect of it
arrived exactly once in performance and incentives."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

import httpx

from tests.cluster import Cluster
from tests.helpers import auth, eventually

ADMIN = auth("faults-admin", ["admin"])
MONTH = "2026-03"


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, object]) -> httpx.Response:
    response = await client.post(path, json=body, headers=ADMIN)
    assert response.status_code in (200, 201, 409), (path, response.status_code, response.text)
    return response


async def plan_on_defined_kpis(client: httpx.AsyncClient, body: dict[str, object]) -> None:
    """Create the plan once incentives knows its KPIs (goals' ``KPIDefinitionChanged``
    arrives by the broker, in its own time): until then a 422 names the KPI."""

    async def created() -> bool:
        response = await client.post("/incentives/plans", json=body, headers=ADMIN)
        assert response.status_code in (201, 422), (response.status_code, response.text)
        if response.status_code == 422:
            assert all(e["loc"][-1] == "kpi" for e in response.json()["errors"]), response.text
        return response.status_code == 201

    await eventually(created)


async def team_of(client: httpx.AsyncClient, size: int) -> list[str]:
    """A team of ``size`` reps with a March revenue target of 1000 each, a scorecard in
    performance and a March plan in incentives (the catalogue is made once per cluster)."""
    await _post(
        client, "/goals/kpi-definitions", {"code": "revenue", "name": "Revenue", "unit": "CNY"}
    )
    await _post(
        client,
        "/performance/scorecard-templates",
        {
            "key": "faults",
            "name": "Revenue only",
            "indicators": [
                {
                    "code": "revenue",
                    "name": "Revenue",
                    "category": "result",
                    "source": "kpi:revenue",
                    "weight": "1",
                }
            ],
        },
    )
    team = (await _post(client, "/goals/org-units", {"name": "Team", "kind": "team"})).json()["id"]
    await plan_on_defined_kpis(
        client,
        {
            "name": "March",
            "period": MONTH,
            "population": {"unit_id": team},
            "base_pay": {"amount": "1000", "currency": "CNY"},
            "target_bonus": {"amount": "1000", "currency": "CNY"},
            "bonus_kpis": [{"kpi": "revenue", "weight": "1"}],
        },
    )
    members = [f"f-{uuid.uuid4().hex[:8]}" for _ in range(size)]
    for member in members:
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": member,
                "home_unit_id": team,
                "layer": "execution",
                "hired_on": "2025-01-01",
            },
        )
        await _post(
            client,
            "/goals/goals",
            {
                "kind": "kpi_target",
                "title": "March revenue",
                "description": "March revenue plan",
                "owner_type": "member",
                "owner_id": member,
                "period": MONTH,
                "kpi": "revenue",
                "target_value": "1000",
            },
        )
    return members


async def stream(
    client: httpx.AsyncClient,
    members: list[str],
    per_member: int,
    *,
    at: dict[float, Callable[[], Coroutine[Any, Any, None]]] | None = None,
    concurrency: int = 4,
) -> Counter[int]:
    """``per_member`` actuals for each member, member by member in turn; ``at`` runs a fault
    when that share of the writes is done (the writes go on meanwhile). A write answered
    503 is sent again with the same idempotency key until it is taken; every status seen
    is counted."""
    writes = [
        (member, n) for n in range(per_member) for member in members
    ]  # round-robin: every member's writes spread over the whole stream
    statuses: Counter[int] = Counter()
    queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
    for write in writes:
        queue.put_nowait(write)
    done = 0
    faults = dict(sorted((at or {}).items()))
    fault_tasks: list[asyncio.Task[None]] = []

    async def writer() -> None:
        nonlocal done
        while not queue.empty():
            member, n = queue.get_nowait()
            body = {
                "owner_id": member,
                "kpi": "revenue",
                "date": f"{MONTH}-{1 + n % 28:02d}",
                "value": str(10 + n),
                "idempotency_key": f"{member}-{n}",
            }
            while True:
                try:
                    response = await client.post("/goals/actuals", json=body, headers=ADMIN)
                    statuses[response.status_code] += 1
                    if response.status_code in (200, 201):
                        break
                    assert response.status_code == 503, response.text
                except httpx.TransportError:
                    statuses[0] += 1
                await asyncio.sleep(0.2)
            done += 1
            for share in list(faults):
                if done >= share * len(writes):
                    fault_tasks.append(asyncio.create_task(faults.pop(share)()))

    await asyncio.gather(*(writer() for _ in range(concurrency)))
    await asyncio.gather(*fault_tasks)
    return statuses


def expected_actual(per_member: int) -> Decimal:
    return sum((Decimal(10 + n) for n in range(per_member)), Decimal(0))


async def converged(
    cluster: Cluster, members: list[str], per_member: int, timeout_s: float = 240
) -> None:
    """Wait until performance and incentives applied every ``KPIUpdated`` goals published for
    ``members``, then check: each applied exactly once (inbox rows = outbox rows, per
    consumer), every measurement stored once, and the final figures equal in all three."""

    published_query = (
        "SELECT count(*) FROM goals.outbox WHERE event_type = 'goals.kpi.updated' "
        "AND message_key = ANY($1::text[])"
    )

    def applied_query(schema: str) -> str:
        return (
            f"SELECT count(*) FROM {schema}.inbox i JOIN goals.outbox o ON o.event_id::text = "
            f"i.event_id::text WHERE o.event_type = 'goals.kpi.updated' "
            f"AND o.message_key = ANY($1::text[])"
        )

    async def caught_up() -> bool:
        published = await cluster.scalar(published_query, members)
        applied = [
            await cluster.scalar(applied_query(schema), members)
            for schema in ("performance", "incentives")
        ]
        return bool(published) and applied == [published, published]

    await eventually(caught_up, timeout_s=timeout_s)
    stored = await cluster.scalar(
        "SELECT count(*) FROM goals.measurements WHERE owner_id = ANY($1::text[])", members
    )
    assert stored == len(members) * per_member
    target = Decimal(1000)
    actual = expected_actual(per_member)
    attainment = (actual / target).quantize(Decimal("0.000001"))
    figures = await cluster.fetch(
        "SELECT owner_id, actual, attainment FROM goals.kpi_figures "
        "WHERE owner_id = ANY($1::text[]) AND period = $2",
        members,
        MONTH,
    )
    assert {(r["owner_id"], r["actual"], r["attainment"]) for r in figures} == {
        (m, actual, attainment) for m in members
    }
    inputs = await cluster.fetch(
        "SELECT member_id, value FROM performance.indicator_inputs "
        "WHERE member_id = ANY($1::text[]) AND month = $2 AND source = 'kpi:revenue'",
        members,
        MONTH,
    )
    assert {(r["member_id"], r["value"]) for r in inputs} == {(m, attainment) for m in members}
    incentives = await cluster.fetch(
        "SELECT member_id, attainment FROM incentives.kpi_figures "
        "WHERE member_id = ANY($1::text[]) AND period = $2 AND kpi = 'revenue'",
        members,
        MONTH,
    )
    assert {(r["member_id"], r["attainment"]) for r in incentives} == {
        (m, attainment) for m in members
    }
