"""A CSV of a few thousand actuals with bad rows and repeated keys: the exact report, every
figure equal to its measurements aggregated from scratch in SQL (member, each unit up the
tree; month, quarter, year), one KPIUpdated per changed figure, and a re-upload that changes
nothing. (That the quick reading of a plainly valid row agrees with the model's is pinned
without a server in tests/unit/test_measurement_reading.py.)"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
from sqlalchemy import text

from tests.helpers import auth, post_ok

ADMIN = auth("csv-scale-admin", ["admin"])
CSV_HEADERS = {**ADMIN, "content-type": "text/csv"}
KPIS = {"sc_revenue": ("sum", 2), "sc_rating": ("average", 1), "sc_headcount": ("last", 0)}

# Per owner, KPI and period (month, quarter, year) over the non-superseded measurements of
# the owner, or for a unit of every member whose home unit lies in its subtree: the count,
# and the actual as its KPI aggregates (a unit's "last" adds up each member's latest value).
EXPECTED = """
WITH RECURSIVE tree(root, unit) AS (
    SELECT id, id FROM goals.org_units
    UNION ALL
    SELECT t.root, u.id FROM tree t JOIN goals.org_units u ON u.parent_id = t.unit
),
contributions AS (
    SELECT 'member' AS owner_type, m.owner_id, m.owner_id AS member, m.kpi_id, m.measured_on,
           m.recorded_at, m.id, m.value
    FROM goals.measurements m WHERE NOT m.superseded AND m.owner_type = 'member'
    UNION ALL
    SELECT 'unit', t.root, m.owner_id, m.kpi_id, m.measured_on, m.recorded_at, m.id, m.value
    FROM goals.measurements m
    JOIN goals.members mb ON mb.id = m.owner_id
    JOIN tree t ON t.unit = mb.home_unit_id
    WHERE NOT m.superseded AND m.owner_type = 'member'
),
periods AS (
    SELECT c.*, p.period FROM contributions c,
    LATERAL (VALUES (to_char(c.measured_on, 'YYYY-MM')), (to_char(c.measured_on, 'YYYY-"Q"Q')),
                    (to_char(c.measured_on, 'YYYY'))) AS p(period)
),
latest AS (
    SELECT DISTINCT ON (owner_type, owner_id, member, kpi_id, period)
           owner_type, owner_id, kpi_id, period, value
    FROM periods
    ORDER BY owner_type, owner_id, member, kpi_id, period,
             measured_on DESC, recorded_at DESC, id
),
lasts AS (
    SELECT owner_type, owner_id, kpi_id, period, sum(value) AS last_sum
    FROM latest GROUP BY 1, 2, 3, 4
)
SELECT p.owner_type, p.owner_id, p.kpi_id, p.period, count(*) AS n,
       round(CASE k.aggregation
           WHEN 'sum' THEN sum(p.value)
           WHEN 'average' THEN avg(p.value)
           ELSE min(l.last_sum)
       END, 6) AS actual
FROM periods p
JOIN goals.kpi_definitions k ON k.id = p.kpi_id
JOIN lasts l USING (owner_type, owner_id, kpi_id, period)
WHERE k.code LIKE 'sc\\_%'
GROUP BY p.owner_type, p.owner_id, p.kpi_id, p.period, k.aggregation
"""


def _database(client: httpx.AsyncClient) -> Any:
    app = client._transport.app  # type: ignore[attr-defined]
    return app.state.service_apps["goals"].state.database


async def _rows(client: httpx.AsyncClient, sql: str, **params: Any) -> list[Any]:
    async with _database(client).sessions() as session:
        return list((await session.execute(text(sql), params)).all())


async def _scalar(client: httpx.AsyncClient, sql: str, **params: Any) -> Any:
    async with _database(client).sessions() as session:
        return await session.scalar(text(sql), params)


async def _build(client: httpx.AsyncClient) -> list[str]:
    """Company > department > two teams, three members in each; the KPIs; members' ids."""
    post = post_ok
    company = (
        await post(client, "/goals/org-units", {"name": "Co", "kind": "company"}, headers=ADMIN)
    )["id"]
    department = (
        await post(
            client,
            "/goals/org-units",
            {"name": "Dept", "kind": "department", "parent_id": company},
            headers=ADMIN,
        )
    )["id"]
    members = []
    for team_name in ("North", "South"):
        team = (
            await post(
                client,
                "/goals/org-units",
                {"name": team_name, "kind": "team", "parent_id": department},
                headers=ADMIN,
            )
        )["id"]
        for i in range(3):
            member = f"sc-{team_name.lower()}-{i}"
            await post(
                client,
                "/goals/members",
                {
                    "id": member,
                    "name": member,
                    "home_unit_id": team,
                    "layer": "execution",
                    "hired_on": "2025-01-01",
                },
                headers=ADMIN,
            )
            members.append(member)
    for code, (aggregation, scale) in KPIS.items():
        await post(
            client,
            "/goals/kpi-definitions",
            {"code": code, "name": code, "unit": "x", "aggregation": aggregation, "scale": scale},
            headers=ADMIN,
        )
    await post(
        client,
        "/goals/kpi-definitions",
        {"code": "sc_ratio", "name": "ratio", "unit": "x", "formula": "sc_revenue / sc_rating"},
        headers=ADMIN,
    )
    return members


def _upload(members: list[str]) -> tuple[str, list[int], int, int]:
    """The CSV, the row numbers it must refuse, how many rows it must accept and how many
    it repeats; 1 is the header."""
    rng = random.Random(7)
    lines = ["owner_id,kpi,date,value,source,idempotency_key"]
    bad: list[int] = []
    accepted = duplicates = 0
    first = date(2026, 1, 1)
    for i in range(3000):
        member = members[i % len(members)]
        code = list(KPIS)[(i // len(members)) % 3]
        day = first + timedelta(days=rng.randrange(365))
        value = f"{rng.randrange(1, 10_000)}" + (".25" if code == "sc_revenue" else "")
        lines.append(f"{member},{code},{day},{value},crm,sc-{i}")
        accepted += 1
        row = len(lines)
        if i % 250 == 17:  # the same row again: counted once
            lines.append(lines[-1])
            duplicates += 1
        if i % 250 == 42:  # the same key for other values: refused
            lines.append(f"{member},{code},{day},{value}1,crm,sc-{i}")
            bad.append(len(lines))
        if i % 500 == 99:
            for wrong in (
                f"{member},sc_revenue,2026-03-01,abc,crm,bad-value-{i}",
                f"{member},sc_reach,2026-03-01,5,crm,bad-kpi-{i}",
                f"{member},sc_revenue,2026-02-30,5,crm,bad-day-{i}",
                f"{member},sc_headcount,2026-03-01,1.5,crm,too-fine-{i}",
                f"nobody-{i},sc_revenue,2026-03-01,5,crm,bad-owner-{i}",
                f"{member},sc_ratio,2026-03-01,5,crm,formula-{i}",
                f"{member},sc_revenue,2026-03-01,,crm,no-value-{i}",
            ):
                lines.append(wrong)
                bad.append(len(lines))
        assert row > 1
    return "\n".join(lines) + "\n", bad, accepted, duplicates


async def test_a_large_upload_reports_exactly_and_rolls_up_from_scratch(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    members = await _build(client)
    # Keys stored before the upload: it repeats one as it is and the other changed.
    for key in ("sc-early", "sc-early-2"):
        await post_ok(
            client,
            "/goals/actuals",
            {
                "owner_id": members[0],
                "kpi": "sc_revenue",
                "date": "2026-05-05",
                "value": "10",
                "idempotency_key": key,
            },
            headers=ADMIN,
        )
    upload, bad, accepted, duplicates = _upload(members)
    upload += f"{members[0]},sc_revenue,2026-05-05,10,crm,sc-early\n"
    duplicates += 1
    upload += f"{members[0]},sc_revenue,2026-05-05,11,crm,sc-early-2\n"
    bad.append(upload.count("\n"))
    before = await _scalar(client, "SELECT coalesce(max(id), 0) FROM goals.outbox")

    response = await client.post("/goals/actuals/csv", content=upload.encode(), headers=CSV_HEADERS)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["accepted"], report["duplicates"], report["rejected"]) == (
        upload.count("\n") - 1,
        accepted,
        duplicates,
        len(bad),
    )
    assert [e["row"] for e in report["errors"]] == sorted(bad)
    messages = {e["row"]: e["errors"] for e in report["errors"]}
    first_bad = bad[1:8]  # the seven wrong rows after i == 99 (a changed key comes first)
    prefixes = ["value:", "kpi: no KPI", "date:", "value:", "owner_id:", "kpi: sc_ratio", "value:"]
    for row, prefix in zip(first_bad, prefixes, strict=True):
        assert messages[row][0].startswith(prefix), (row, messages[row])
    assert messages[bad[-1]] == ["idempotency_key: already used for a different measurement"]
    assert any("used earlier in this upload" in m for ms in messages.values() for m in ms)

    expected = {
        (r.owner_type, r.owner_id, r.kpi_id, r.period): (r.actual, r.n)
        for r in await _rows(client, EXPECTED)
    }
    stored = {
        (r.owner_type, r.owner_id, r.kpi_id, r.period): (r.actual, r.measurements)
        for r in await _rows(
            client,
            "SELECT f.* FROM goals.kpi_figures f JOIN goals.kpi_definitions k ON k.id = f.kpi_id "
            "WHERE k.code IN ('sc_revenue', 'sc_rating', 'sc_headcount')",
        )
    }
    assert len(expected) == (6 + 4) * 3 * (12 + 4 + 1)  # members + units, KPIs, periods
    assert stored == expected

    events = await _rows(
        client,
        "SELECT envelope->'data' AS data FROM goals.outbox "
        "WHERE id > :before AND event_type = 'goals.kpi.updated'",
        before=before,
    )
    published = [
        (e.data["owner_type"], e.data["owner_id"], e.data["kpi_id"], e.data["period"])
        for e in events
    ]
    assert len(published) == len(set(published)) == report["figures_changed"]
    # Every figure of the measured KPIs changed (the formula's too); "sc-early" was stored
    # before, so the May figures of its owner's chain changed but existed already.
    measured = {figure for figure in published if figure in expected}
    assert measured == set(expected)
    for figure, event in zip(published, events, strict=True):
        if figure in expected:
            places = Decimal(1).scaleb(-KPIS[event.data["kpi"]][1])
            actual, count = expected[figure]
            assert Decimal(event.data["actual"]) == actual.quantize(places, ROUND_HALF_UP)
            assert event.data["measurements"] == count

    after = await _scalar(client, "SELECT coalesce(max(id), 0) FROM goals.outbox")
    again = await client.post("/goals/actuals/csv", content=upload.encode(), headers=CSV_HEADERS)
    assert again.status_code == 200, again.text
    second = again.json()
    assert (second["accepted"], second["figures_changed"], second["rejected"]) == (0, 0, len(bad))
    assert second["duplicates"] == accepted + duplicates
    newer = await _scalar(
        client, "SELECT count(*) FROM goals.outbox WHERE id > :after", after=after
    )
    assert newer == 0
