"""Goals' part of `make verify`: a figure that does not equal its measurements, or that the
last KPIUpdated does not state, is reported by key with both values; a clean state is not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx
from sqlalchemy import text

from tests.helpers import auth, post_ok
from tests.system import verified

ADMIN = auth("verify-admin", ["admin"])


async def _story(client: httpx.AsyncClient) -> tuple[str, str]:
    await post_ok(
        client,
        "/goals/kpi-definitions",
        {"code": "v_leads", "name": "Leads", "unit": "个"},
        headers=ADMIN,
    )
    team = await post_ok(
        client, "/goals/org-units", {"name": "核对组", "kind": "team"}, headers=ADMIN
    )
    member = await post_ok(
        client,
        "/goals/members",
        {
            "name": "核对 Verify",
            "home_unit_id": team["id"],
            "layer": "execution",
            "hired_on": "2025-01-01",
        },
        headers=ADMIN,
    )
    for day, value in (("2026-03-02", "5"), ("2026-03-09", "7")):
        await post_ok(
            client,
            "/goals/actuals",
            {
                "owner_id": member["id"],
                "kpi": "v_leads",
                "date": day,
                "value": value,
                "idempotency_key": f"verify-{member['id']}-{day}",
            },
            headers=ADMIN,
        )
    return team["id"], member["id"]


async def test_drifted_figures_are_reported_by_key(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    team, member = await _story(client)
    clean = await verified(client)
    assert clean.ok, clean.summary()

    app = client._transport.app  # type: ignore[attr-defined]
    goals_db = app.state.service_apps["goals"].state.database
    async with goals_db.sessions() as session:
        # Each change counts: two measurements, two versions, the last one published.
        versions = (
            await session.execute(
                text(
                    "SELECT f.version, (SELECT (o.envelope->'data'->>'version')::int "
                    "FROM goals.outbox o WHERE o.event_type = 'goals.kpi.updated' "
                    "AND o.envelope->'data'->>'owner_id' = f.owner_id "
                    "AND o.envelope->'data'->>'kpi_id' = f.kpi_id "
                    "AND o.envelope->'data'->>'period' = f.period ORDER BY o.id DESC LIMIT 1) "
                    "FROM goals.kpi_figures f WHERE f.owner_id = :m AND f.period = '2026-03'"
                ),
                {"m": member},
            )
        ).all()
    assert [tuple(r) for r in versions] == [(2, 2)]
    assert set(clean.copies_checked) == {"goals", "performance", "incentives", "collab"}

    async with goals_db.transaction() as session:
        kpi_id = await session.scalar(
            text("SELECT id FROM goals.kpi_definitions WHERE code = 'v_leads'")
        )
        await session.execute(
            text(
                "UPDATE goals.kpi_figures SET actual = 13 WHERE owner_type = 'unit' "
                "AND owner_id = :team AND kpi_id = :kpi AND period = '2026-03'"
            ),
            {"team": team, "kpi": kpi_id},
        )
    report = await verified(client, settle_s=0)
    key = f"unit/{team}/{kpi_id}/2026-03 actual"
    found = {(d.service, d.kind, d.key, d.stored, d.expected) for d in report.drift}
    assert found == {
        ("goals", "kpi-figure", key, "13.000000", "12.000000"),
        ("goals", "kpi-figure-published", key, "13.00", "12.00"),
    }

    async with goals_db.transaction() as session:  # put it right again for the next tests
        await session.execute(
            text(
                "UPDATE goals.kpi_figures SET actual = 12 WHERE owner_type = 'unit' "
                "AND owner_id = :team AND kpi_id = :kpi AND period = '2026-03'"
            ),
            {"team": team, "kpi": kpi_id},
        )
    assert (await verified(client, settle_s=0)).ok
