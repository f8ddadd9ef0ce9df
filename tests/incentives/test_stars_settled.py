"""Issue 16, stars on settled months, through the gateway: incentives awards a month's stars
only from performance's settlement of it (``MonthSettled``), so a score still on its way is
never left out; eligibility (active the whole month) is shown per member; a correction of
the month (revision 2) re-awards by itself, revoking and reissuing with the reason; an
unchanged revision 3 changes no star. Every score by hand: revenue attainment x 100."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from incentives import verify as incentives_verify
from performance.api.deps import today as performance_today
from tests.builders import indicator, kpi, org, scorecard
from tests.helpers import auth, post_ok
from tests.system import settled

HR = auth("m-hr", ["hr"])
_post = functools.partial(post_ok, headers=HR)
SETTLE = "/performance/months/2026-03/settle"
# March revenue against a target of 100: the score is the attainment x 100 (capped at 150).
# m10's figures are late; "late" joined on March 10 and cannot be a star of March.
REVENUE = {f"m0{i}": str(100 - 5 * i) for i in range(1, 10)} | {"late": "119"}


async def _events(client: httpx.AsyncClient, event_type: str) -> list[dict[str, Any]]:
    app = client._transport.app  # type: ignore[attr-defined]
    database = app.state.service_apps["incentives"].state.database
    async with database.sessions() as session:
        rows = await session.execute(
            text('SELECT envelope FROM "incentives".outbox WHERE event_type = :t ORDER BY id'),
            {"t": event_type},
        )
        return [row.envelope["data"] for row in rows]


async def _revenue(client: httpx.AsyncClient, member: str, value: str, key: str) -> None:
    item = {
        "owner_id": member,
        "kpi": "revenue",
        "date": "2026-03-15",
        "value": value,
        "idempotency_key": key,
    }
    await _post(client, "/goals/actuals/bulk", {"items": [item]}, status=200)


async def _goal(client: httpx.AsyncClient, member: str) -> None:
    await _post(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "revenue 2026-03",
            "description": "The revenue plan for March",
            "owner_type": "member",
            "owner_id": member,
            "period": "2026-03",
            "kpi": "revenue",
            "target_value": "100",
        },
    )


REVENUE_CURVE = {
    "points": [
        {"attainment": "0", "score": "0"},
        {"attainment": "1", "score": "100"},
    ],
    "floor": "0",
    "cap": "150",
}


async def _setup(client: httpx.AsyncClient) -> None:
    builder = org(client, headers=HR).unit("company", "Co", kind="company")
    builder.unit("team", "Sales", parent="company")
    for member in [*(f"m{i:02d}" for i in range(1, 11)), "late"]:
        builder.member(
            member, unit="team", hired_on="2026-03-10" if member == "late" else "2025-05-01"
        )
    await builder
    await kpi(client, "revenue", name="Revenue", headers=HR)
    await scorecard(
        client,
        "sales",
        "Sales",
        indicator("revenue", "Revenue", curve=REVENUE_CURVE),
        effective_from="2026-01",
        headers=HR,
    )
    for member, value in REVENUE.items():
        await _goal(client, member)
        await _revenue(client, member, value, f"{member}-1")
    await settled(client)


async def test_stars_wait_for_the_settlement_and_a_correction_re_awards(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    app = client._transport.app  # type: ignore[attr-defined]
    app.state.service_apps["performance"].dependency_overrides[performance_today] = lambda: date(
        2026, 4, 2
    )
    await _setup(client)

    # m10's score is still on its way: performance does not settle March, and incentives
    # names no star of an unsettled month.
    missing = await client.post(SETTLE, headers=HR, json={})
    assert (missing.status_code, missing.json()["missing_member_ids"]) == (409, ["m10"])
    early = await client.post("/incentives/stars", headers=HR, json={"month": "2026-03"})
    assert early.status_code == 409, early.text
    assert early.json()["detail"].startswith("performance has not settled 2026-03")
    assert (await client.get("/incentives/stars/2026-03", headers=HR)).status_code == 404

    # The late figures arrive; performance settles; the best of the ten eligible is m10.
    await _goal(client, "m10")
    await _revenue(client, "m10", "118", "m10-1")
    await settled(client)
    await _post(client, SETTLE, {})
    await settled(client)
    award = await _post(client, "/incentives/stars", {"month": "2026-03"})
    assert [(s["member_id"], s["score"], s["rank"]) for s in award["stars"]] == [
        ("m10", "118.0000", 1)
    ]
    assert (award["eligible"], award["revision"], award["reason"]) == (10, 1, None)
    assert [
        (m["member_id"], m["score"], m["eligible"], m["why_not"]) for m in award["members"]
    ] == [
        ("late", "119.0000", False, "hired on 2026-03-10, after the month began"),
        *((f"m0{i}", f"{100 - 5 * i}.0000", True, None) for i in range(1, 10)),
        ("m10", "118.0000", True, None),
    ]
    again = await client.post("/incentives/stars", headers=HR, json={"month": "2026-03"})
    assert again.status_code == 409

    # A correction: m01 and m03 each close a late deal (120 points, the same score: they
    # share the star). Performance settles revision 2 with its reason; incentives revokes
    # m10's star and awards m01 and m03 by itself.
    await _revenue(client, "m01", "25", "m01-2")
    await _revenue(client, "m03", "35", "m03-2")
    await settled(client)
    reason = "Late deals of m01 and m03 counted"
    await _post(client, SETTLE, {"reason": reason})
    await settled(client)
    current = (
        await client.get("/incentives/stars/2026-03", headers=auth("m05", ["member"]))
    ).json()
    assert [(s["member_id"], s["score"], s["rank"]) for s in current["stars"]] == [
        ("m01", "120.0000", 1),
        ("m03", "120.0000", 1),
    ]
    assert (current["revision"], current["reason"], current["awarded_by"]) == (2, reason, "m-hr")
    assert [
        (h["revision"], h["reason"], h["settled_by"], h["stars"], h["awarded"], h["revoked"])
        for h in current["history"]
    ] == [
        (1, None, "m-hr", ["m10"], ["m10"], []),
        (2, reason, "m-hr", ["m01", "m03"], ["m01", "m03"], ["m10"]),
    ]
    revoked = await _events(client, "incentives.star.revoked")
    assert [(e["member_id"], e["revision"], e["reason"]) for e in revoked] == [("m10", 2, reason)]
    awarded = await _events(client, "incentives.star.awarded")
    assert [(e["member_id"], e["revision"], e["reason"], e["stars"]) for e in awarded] == [
        ("m10", 1, None, 1),
        ("m01", 2, reason, 2),
        ("m03", 2, reason, 2),
    ]

    # Settling again with nothing changed: revision 3 is recorded, no star moves.
    await _post(client, SETTLE, {"reason": "Checked again after the audit"})
    await settled(client)
    final = (await client.get("/incentives/stars/2026-03", headers=HR)).json()
    assert (final["revision"], [s["member_id"] for s in final["stars"]]) == (3, ["m01", "m03"])
    assert [(h["revision"], h["awarded"], h["revoked"]) for h in final["history"]][2] == (3, [], [])
    assert len(await _events(client, "incentives.star.revoked")) == 1
    assert len(await _events(client, "incentives.star.awarded")) == 3

    # The invariant checker: the award follows the newest settlement held.
    async with app.state.service_apps["incentives"].state.database.sessions() as session:
        assert await incentives_verify.drift(session) == []
