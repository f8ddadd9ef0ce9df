"""Collab through the gateway, with every service in one process: its events in the AsyncAPI
document, its scheduler in the readiness report, and data grants: a unit grants a partner
unit read access to its KPI figures until a date; collab publishes DataGrantChanged and goals
honours it (and stops honouring it when it ends or is revoked)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx

from tests.helpers import auth, post_ok
from tests.system import monkeypatch_module, settled, system

__all__ = ["monkeypatch_module", "system"]
ADMIN = auth("admin-g", ["admin"])


async def test_a_kpi_grant_opens_a_partner_units_figures_until_it_ends(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, set_today = system
    set_today(date(2026, 3, 31))

    async def unit(name: str) -> str:
        created = await post_ok(
            client, "/goals/org-units", {"name": name, "kind": "department"}, headers=ADMIN
        )
        return str(created["id"])

    marketing, product, sales = await unit("市场部"), await unit("产品部"), await unit("销售部")
    pm = f"pm-{uuid.uuid4().hex[:6]}"
    await post_ok(
        client,
        "/goals/members",
        {
            "id": pm,
            "name": "Wang",
            "home_unit_id": product,
            "layer": "execution",
            "hired_on": "2025-01-01",
        },
        headers=ADMIN,
    )
    code = f"leads_{uuid.uuid4().hex[:4]}"
    await post_ok(
        client,
        "/goals/kpi-definitions",
        {"code": code, "name": "Leads", "unit": "count"},
        headers=ADMIN,
    )
    await post_ok(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "March leads",
            "description": "Leads for the launch",
            "owner_type": "member",
            "owner_id": pm,
            "period": "2026-03",
            "kpi": code,
            "target_value": "100",
        },
        headers=ADMIN,
    )
    await post_ok(
        client,
        "/goals/actuals",
        {
            "owner_id": pm,
            "kpi": code,
            "date": "2026-03-09",
            "value": "80",
            "idempotency_key": f"{pm}-1",
        },
        headers=ADMIN,
    )
    figures = f"/goals/figures?owner_id={pm}&period=2026-03&kpi={code}"
    reader = auth("mk-1", ["member"], [marketing])
    assert (await client.get(figures, headers=reader)).status_code == 403

    product_head = auth("head-p", ["manager"], [product])
    grant_body = {
        "grantor_unit_id": product,
        "grantee_unit_id": marketing,
        "data_set": "kpi_figures",
        "valid_until": "2027-06-30",
        "reason": "Joint launch",
    }
    refused = await client.post("/collab/data-grants", json=grant_body, headers=reader)
    assert refused.status_code == 403  # only the grantor unit's manager shares its data
    past = await client.post(
        "/collab/data-grants",
        json={**grant_body, "valid_until": "2020-01-01"},
        headers=product_head,
    )
    assert past.status_code == 422
    other = await post_ok(
        client,
        "/collab/data-grants",
        {**grant_body, "data_set": "customer_profiles"},
        headers=product_head,
    )
    await settled(client)
    assert (await client.get(figures, headers=reader)).status_code == 403  # not KPI figures

    grant = await post_ok(client, "/collab/data-grants", grant_body, headers=product_head)
    assert grant["active"] is True and other["id"] != grant["id"]
    await settled(client)
    opened = await client.get(figures, headers=reader)
    assert opened.status_code == 200, opened.text
    [figure] = opened.json()["items"]
    assert (Decimal(figure["actual"]), Decimal(figure["attainment"])) == (
        Decimal(80),
        Decimal("0.8"),
    )
    outsider = auth("sales-1", ["member"], [sales])
    assert (await client.get(figures, headers=outsider)).status_code == 403
    listed = await client.get("/collab/data-grants", headers=outsider)
    assert listed.json() == {"items": [], "next_cursor": None}
    assert (
        await client.get(f"/collab/data-grants/{grant['id']}", headers=outsider)
    ).status_code == 404

    set_today(date(2027, 7, 1))  # the day after the grant ends
    assert (await client.get(figures, headers=reader)).status_code == 403
    set_today(date(2026, 3, 31))

    path = f"/collab/data-grants/{grant['id']}"
    etag = (await client.get(path, headers=product_head)).headers["etag"]
    moved = await client.patch(
        path, json={"valid_until": "2027-09-30"}, headers={**product_head, "If-Match": etag}
    )
    assert moved.status_code == 200 and moved.json()["version"] == 2
    revoked = await post_ok(client, f"{path}/revoke", {}, headers=product_head, status=200)
    assert (revoked["active"], revoked["version"]) == (False, 3)
    await settled(client)
    assert (await client.get(figures, headers=reader)).status_code == 403
    again = await client.patch(
        path,
        json={"valid_until": "2027-12-31"},
        headers={**product_head, "If-Match": moved.headers["etag"]},
    )
    assert again.status_code == 409


async def test_collab_events_operations_and_scheduler_are_published(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _set_today = system
    asyncapi = (await client.get("/asyncapi.json")).json()
    messages = asyncapi["components"]["messages"]
    schemas = asyncapi["components"]["schemas"]
    expected = {
        "TicketOpenedV1": "collab.ticket.opened",
        "TicketResolvedV1": "collab.ticket.resolved",
        "TicketSLAAtRiskV1": "collab.ticket.sla-at-risk",
        "TicketSLABreachedV1": "collab.ticket.sla-breached",
        "DataGrantChangedV1": "collab.data-grant.changed",
    }
    for name, event_type in expected.items():
        assert messages[name]["x-event-type"] == event_type
        assert "example" in schemas[name]
        assert messages[name]["examples"][0]["payload"]["data"] == schemas[name]["example"]
    # What performance's collaboration indicator reads from them.
    assert {"ticket_id", "assignee_id", "resolved_at", "first_response_within_sla"} <= set(
        schemas["TicketResolvedV1"]["required"]
    )
    assert {"ticket_id", "assignee_id", "breached_at"} <= set(
        schemas["TicketSLABreachedV1"]["required"]
    )
    assert {"collab.ticket", "collab.data-grant"} <= set(asyncapi["channels"])

    openapi = (await client.get("/openapi.json")).json()
    assert "/collab/tickets/{ticket_id}/transition" in openapi["paths"]
    assert "/collab/meetings/monthly" in openapi["paths"]

    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["collab"]["checks"]["jobs"] == {"sla-deadlines": "ok"}
