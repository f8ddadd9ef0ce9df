"""Concurrent writers of KPI actuals over overlapping members, teams and KPIs of every
aggregation, and the check that every stored figure equals what its measurements say,
computed here from the raw rows, independently of goals' figure engine."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import httpx

from tests.cluster import Cluster
from tests.faults.stream import ADMIN, _post, plan_on_defined_kpis

SIX = Decimal("0.000001")
# code -> aggregation; revenue_per_lead is the formula over two of them.
BASE_KPIS = {"leads": "sum", "revenue": "sum", "conversion": "average", "accounts": "last"}
FORMULA = ("revenue_per_lead", "revenue / leads")
MONTHS = ("2026-02", "2026-03")
TARGET = Decimal(400)


def q6(value: Decimal) -> Decimal:
    return value.quantize(SIX, rounding=ROUND_HALF_UP)


@dataclass
class Story:
    company: str
    teams: list[str]
    members: list[str]
    statuses: Counter[int] = field(default_factory=Counter)
    corrections: int = 0
    retried: int = 0


async def catalogue(client: httpx.AsyncClient) -> None:
    """The KPIs (once per cluster), a scorecard on revenue and conversion."""
    for code, aggregation in BASE_KPIS.items():
        await _post(
            client,
            "/goals/kpi-definitions",
            {"code": code, "name": code, "unit": "count", "aggregation": aggregation},
        )
    await _post(
        client,
        "/goals/kpi-definitions",
        {"code": FORMULA[0], "name": "Revenue per lead", "unit": "CNY", "formula": FORMULA[1]},
    )


async def organisation(client: httpx.AsyncClient, teams: int, per_team: int) -> Story:
    """A company > department > ``teams`` teams of ``per_team`` reps, each rep with a March
    target on every base KPI, a scorecard in performance and a plan in incentives."""
    await catalogue(client)
    tag = uuid.uuid4().hex[:6]
    company = (
        await _post(client, "/goals/org-units", {"name": f"Co {tag}", "kind": "company"})
    ).json()["id"]
    department = (
        await _post(
            client,
            "/goals/org-units",
            {"name": f"Marketing {tag}", "kind": "department", "parent_id": company},
        )
    ).json()["id"]
    team_ids = [
        (
            await _post(
                client,
                "/goals/org-units",
                {"name": f"Team {tag}-{n}", "kind": "team", "parent_id": department},
            )
        ).json()["id"]
        for n in range(teams)
    ]
    await _post(
        client,
        "/performance/scorecard-templates",
        {
            "key": f"load-{tag}",
            "name": "Revenue and conversion",
            "population": {"unit_ids": [department]},
            "indicators": [
                {
                    "code": "revenue",
                    "name": "Revenue",
                    "category": "result",
                    "source": "kpi:revenue",
                    "weight": "0.6",
                },
                {
                    "code": "leads",
                    "name": "Leads",
                    "category": "result",
                    "source": "kpi:leads",
                    "weight": "0.4",
                },
            ],
        },
    )
    members = []
    for team in team_ids:
        await plan_on_defined_kpis(
            client,
            {
                "name": f"March {team[:6]}",
                "period": "2026-03",
                "population": {"unit_id": team},
                "base_pay": {"amount": "1000", "currency": "CNY"},
                "target_bonus": {"amount": "1000", "currency": "CNY"},
                "bonus_kpis": [
                    {"kpi": "revenue", "weight": "0.5"},
                    {"kpi": "leads", "weight": "0.5"},
                ],
            },
        )
        for _ in range(per_team):
            member = f"l-{uuid.uuid4().hex[:8]}"
            members.append(member)
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
            for code in BASE_KPIS:
                await _post(
                    client,
                    "/goals/goals",
                    {
                        "kind": "kpi_target",
                        "title": f"March {code}",
                        "description": f"March {code} plan for the rep",
                        "owner_type": "member",
                        "owner_id": member,
                        "period": "2026-03",
                        "kpi": code,
                        "target_value": str(TARGET),
                    },
                )
    return Story(company, team_ids, members)


def _writes(story: Story, total: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    writes = []
    for n in range(total):
        code = rng.choice(list(BASE_KPIS))
        value = Decimal(rng.randint(1, 100)) / 100 if code == "conversion" else rng.randint(1, 90)
        writes.append(
            {
                "owner_id": rng.choice(story.members),
                "kpi": code,
                "date": f"{rng.choice(MONTHS)}-{rng.randint(1, 28):02d}",
                "value": str(value),
                "idempotency_key": f"load-{seed}-{n}",
            }
        )
    return writes


async def _send(client: httpx.AsyncClient, path: str, body: object, story: Story) -> httpx.Response:
    """Until taken: a 503 or a dropped connection is sent again with the same key."""
    while True:
        try:
            response = await client.post(path, json=body, headers=ADMIN)
            story.statuses[response.status_code] += 1
            if response.status_code in (200, 201):
                return response
            assert response.status_code == 503, (path, response.status_code, response.text)
        except httpx.TransportError:
            story.statuses[0] += 1
        await asyncio.sleep(0.2)


async def load(
    client: httpx.AsyncClient,
    story: Story,
    *,
    total: int = 1_000,
    writers: int = 8,
    seed: int = 1,
    at: dict[float, Callable[[], Coroutine[object, object, None]]] | None = None,
) -> None:
    """``total`` actuals by ``writers`` concurrent clients; every 40th write is sent twice
    (a client's retry), and two measurements are corrected while the others write. ``at``
    runs a fault when that share of the writes is done, while the writing goes on."""
    queue: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    for write in _writes(story, total, seed):
        queue.put_nowait(write)
    done, taken = 0, []
    faults = dict(sorted((at or {}).items()))
    fault_tasks: list[asyncio.Task[None]] = []

    async def writer(number: int) -> None:
        nonlocal done
        while not queue.empty():
            body = queue.get_nowait()
            first = await _send(client, "/goals/actuals", body, story)
            taken.append(first.json()["id"])
            done += 1
            if done % 40 == 0:
                again = await _send(client, "/goals/actuals", body, story)
                assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
                story.retried += 1
            if number < 2 and len(taken) > 50 and story.corrections < 2:
                story.corrections += 1
                await _send(
                    client,
                    f"/goals/actuals/{taken[10 + number]}/corrections",
                    {
                        "value": "77",
                        "reason": "CRM re-export",
                        "idempotency_key": f"fix-{seed}-{number}",
                    },
                    story,
                )
            for share in list(faults):
                if done >= share * total:
                    fault_tasks.append(asyncio.create_task(faults.pop(share)()))

    await asyncio.gather(*(writer(n) for n in range(writers)))
    await asyncio.gather(*fault_tasks)


def _period_keys(day: date) -> list[str]:
    return [f"{day:%Y-%m}", f"{day.year}-Q{(day.month - 1) // 3 + 1}", str(day.year)]


async def expected_figures(cluster: Cluster) -> dict[tuple[str, str, str, str], Decimal]:
    """Every (owner type, owner, KPI code, period) that measurements imply, with the actual
    its aggregation gives, from the raw rows: members' own, units' over their subtree (sums
    and averages over every measurement, lasts added up per member), the formula over the
    two sums."""
    codes = {
        r["id"]: r["code"]
        for r in await cluster.fetch("SELECT id, code FROM goals.kpi_definitions")
    }
    parents = {
        r["id"]: r["parent_id"]
        for r in await cluster.fetch("SELECT id, parent_id FROM goals.org_units")
    }
    homes = {
        r["id"]: r["home_unit_id"]
        for r in await cluster.fetch("SELECT id, home_unit_id FROM goals.members")
    }
    rows = await cluster.fetch(
        "SELECT owner_id, kpi_id, measured_on, value, recorded_at, id FROM goals.measurements "
        "WHERE owner_type = 'member' AND NOT superseded"
    )
    # Each member's measurements per (code, period), ordered as "last" reads them.
    per_member: dict[tuple[str, str, str], list[tuple[date, object, str, Decimal]]] = defaultdict(
        list
    )
    for r in rows:
        for period in _period_keys(r["measured_on"]):
            per_member[(r["owner_id"], codes[r["kpi_id"]], period)].append(
                (r["measured_on"], r["recorded_at"], r["id"], r["value"])
            )
    sums: dict[tuple[str, str, str, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0)]
    )
    for (member, code, period), values in per_member.items():
        latest = sorted(values, key=lambda v: (v[0], v[1]), reverse=True)
        latest = [v for v in latest if (v[0], v[1]) == (latest[0][0], latest[0][1])]
        last = min(latest, key=lambda v: v[2])[3]
        owners = [("member", member)]
        unit = homes.get(member)
        while unit is not None:
            owners.append(("unit", unit))
            unit = parents.get(unit)
        for owner_type, owner in owners:
            total = sums[(owner_type, owner, code, period)]
            total[0] += sum((v[3] for v in values), Decimal(0))
            total[1] += len(values)
            total[2] += last
    expected: dict[tuple[str, str, str, str], Decimal] = {}
    for key, (amount, count, last) in sums.items():
        aggregation = BASE_KPIS.get(key[2])
        if aggregation is None:
            continue
        expected[key] = q6(
            amount if aggregation == "sum" else amount / count if aggregation == "average" else last
        )
    for owner_type, owner, code, period in list(expected):
        if code == "revenue":
            leads = expected.get((owner_type, owner, "leads", period))
            revenue = expected[(owner_type, owner, code, period)]
            if leads:  # no leads: the formula is undefined, and no figure is stored
                expected[(owner_type, owner, FORMULA[0], period)] = q6(revenue / leads)
    return expected


async def stored_figures(cluster: Cluster) -> dict[tuple[str, str, str, str], Decimal | None]:
    rows = await cluster.fetch(
        "SELECT f.owner_type, f.owner_id, k.code, f.period, f.actual FROM goals.kpi_figures f "
        "JOIN goals.kpi_definitions k ON k.id = f.kpi_id WHERE f.measurements > 0 "
        "OR k.formula IS NOT NULL AND f.actual IS NOT NULL"
    )
    return {(r["owner_type"], r["owner_id"], r["code"], r["period"]): r["actual"] for r in rows}
