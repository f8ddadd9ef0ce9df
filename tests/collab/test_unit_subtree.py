"""A manager acts for the whole subtree of their units, as in goals and performance: a
department's manager sees and acts on the tickets, calendars, grants and retros of the teams
below it (by collab's copy of goals' org tree); the manager of a sibling unit, and a plain
member of the department, do not (404 on what they may not see)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from shared.events import Envelope
from tests.collab.conftest import Collab, know_members
from tests.helpers import auth, post_ok

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2027, 4, 6)


def local(hour: int) -> datetime:
    return datetime.combine(DAY, time(hour), SHANGHAI)


async def _unit(collab: Collab, unit_id: str, parent_id: str | None, version: int = 1) -> None:
    """Deliver goals' ``OrgUnitChanged`` to collab, as the bus would."""
    processor = collab.app.state.runtime.processors[0]
    envelope = Envelope(
        source="goals",
        type="goals.org-unit.changed",
        subject=unit_id,
        correlationid="test",
        data={
            "unit_id": unit_id,
            "name": unit_id,
            "kind": "team",
            "parent_id": parent_id,
            "version": version,
        },
    )
    await processor.handle(envelope.model_dump_json().encode())


async def _org(collab: Collab) -> dict[str, str]:
    """company > marketing > (promotion > events, sales); company > product > app."""
    suffix = uuid.uuid4().hex[:6]
    units = {
        name: f"{name}-{suffix}"
        for name in ("company", "marketing", "promotion", "events", "sales", "product", "app")
    }
    for name, parent in (
        ("company", None),
        ("marketing", "company"),
        ("promotion", "marketing"),
        ("events", "promotion"),
        ("sales", "marketing"),
        ("product", "company"),
        ("app", "product"),
    ):
        await _unit(collab, units[name], units[parent] if parent else None)
    return units


async def _ids(collab: Collab, headers: dict[str, str], query: str = "") -> list[str]:
    response = await collab.client.get(f"/collab/tickets?limit=200{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["items"]]


async def test_a_department_manager_acts_on_a_sub_teams_ticket_a_sibling_does_not(
    collab: Collab,
) -> None:
    units = await _org(collab)
    head = auth("head-mkt", ["manager"], [units["marketing"]])
    sibling = auth("head-sales", ["manager"], [units["sales"]])
    member = auth("mkt-member", ["member"], [units["marketing"]])
    collab.at(local(9))
    # From the app team to the events team, two levels below marketing.
    ticket: dict[str, Any] = await post_ok(
        collab.client,
        "/collab/tickets",
        {
            "title": "Launch event",
            "description": "发布会场地",
            "category": "events",
            "requester_unit_id": units["app"],
            "owner_unit_id": units["events"],
        },
        headers=auth("app-dev", ["member"], [units["app"]]),
    )
    path = f"/collab/tickets/{ticket['id']}"

    # The department's manager sees it, in the list and on its own.
    assert await _ids(collab, head) == [ticket["id"]]
    assert await _ids(collab, head, f"&unit_id={units['events']}") == [ticket["id"]]
    seen = await collab.client.get(path, headers=head)
    assert seen.status_code == 200, seen.text
    assert (await collab.client.get(f"{path}/steps", headers=head)).status_code == 200

    # A sibling unit's manager and a plain member of the department do not.
    for outsider in (sibling, member):
        assert await _ids(collab, outsider) == []
        for method, suffix, body in (
            ("GET", "", None),
            ("GET", "/comments", None),
            ("POST", "/comments", {"body": "我来看看"}),
            ("POST", "/transition", {"to": "in_progress"}),
            ("POST", "/negotiations", {"note": "x"}),
        ):
            response = await collab.client.request(
                method, path + suffix, json=body, headers=outsider
            )
            assert response.status_code == 404, (method, suffix, response.text)

    # The department's manager acts on the owner side: a comment is the first response, a
    # move and a new priority are the owner's to make.
    collab.at(local(10))
    comment = await collab.client.post(f"{path}/comments", json={"body": "收到"}, headers=head)
    assert comment.status_code == 201, comment.text
    moved = await collab.client.post(f"{path}/transition", json={"to": "in_progress"}, headers=head)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["status"], moved.json()["sla"]["first_response_at"]) == (
        "in_progress",
        "2027-04-06T02:00:00Z",
    )
    changed = await collab.client.patch(
        path, json={"priority": "high"}, headers={**head, "If-Match": moved.headers["etag"]}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["priority"], changed.json()["version"]) == ("high", 3)
    assert [
        (s["kind"], s["actor_id"])
        for s in (await collab.client.get(f"{path}/steps", headers=head)).json()["items"]
    ] == [("opened", "app-dev"), ("status", "head-mkt"), ("changed", "head-mkt")]
    # The product side's manager sees it from the requester's side, and may not move it.
    product_head = auth("head-prd", ["manager"], [units["product"]])
    assert await _ids(collab, product_head) == [ticket["id"]]
    refused = await collab.client.post(
        f"{path}/transition", json={"to": "resolved"}, headers=product_head
    )
    assert refused.status_code == 403

    # Resolved by the owner side, reopened by the requester side's department manager.
    collab.at(local(11))
    resolved = await collab.client.post(f"{path}/transition", json={"to": "resolved"}, headers=head)
    assert resolved.status_code == 200, resolved.text
    reopened = await collab.client.post(
        f"{path}/reopen", json={"reason": "场地还没定"}, headers=product_head
    )
    assert (reopened.status_code, reopened.json()["status"]) == (200, "in_progress")

    # A department manager asks on behalf of a team below; the sibling may not.
    asked = {
        "title": "Specs",
        "description": "x",
        "category": "planning",
        "requester_unit_id": units["promotion"],
        "owner_unit_id": units["app"],
    }
    second = await post_ok(collab.client, "/collab/tickets", asked, headers=head)
    assert (
        await collab.client.post("/collab/tickets", json=asked, headers=sibling)
    ).status_code == 403
    assert await _ids(collab, head) == [ticket["id"], second["id"]]
    assert await _ids(collab, sibling) == []

    # When goals moves the events team under sales, the tree moves with it.
    await _unit(collab, units["events"], units["sales"], version=2)
    assert await _ids(collab, sibling) == [ticket["id"]]
    assert await _ids(collab, auth("head-promo", ["manager"], [units["promotion"]])) == [
        second["id"]
    ]
    assert await _ids(collab, head) == [ticket["id"], second["id"]]


async def test_a_department_manager_sets_up_the_units_below_it(collab: Collab) -> None:
    units = await _org(collab)
    head = auth("head-mkt", ["manager"], [units["marketing"]])
    sibling = auth("head-sales", ["manager"], [units["sales"]])
    member = auth("mkt-member", ["member"], [units["marketing"]])
    events = units["events"]

    # Business hours of a team two levels down.
    calendar = {"holidays": ["2027-05-03"]}
    put = await collab.client.put(f"/collab/calendars/{events}", json=calendar, headers=head)
    assert (put.status_code, put.json()["version"]) == (200, 1)
    for outsider in (sibling, member):
        refused = await collab.client.put(
            f"/collab/calendars/{events}", json=calendar, headers=outsider
        )
        assert refused.status_code == 403

    # A data grant of the team's figures, seen by both sides' subtrees only.
    grant = await post_ok(
        collab.client,
        "/collab/data-grants",
        {
            "grantor_unit_id": events,
            "grantee_unit_id": units["app"],
            "data_set": "kpi_figures",
            "valid_until": "2027-06-30",
        },
        headers=head,
    )
    grant_path = f"/collab/data-grants/{grant['id']}"
    product_head = auth("head-prd", ["manager"], [units["product"]])
    for who in (head, product_head):
        assert (await collab.client.get(grant_path, headers=who)).status_code == 200
        listed = await collab.client.get("/collab/data-grants", headers=who)
        assert [g["id"] for g in listed.json()["items"]] == [grant["id"]]
    for outsider in (sibling, member):
        assert (await collab.client.get(grant_path, headers=outsider)).status_code == 404
        listed = await collab.client.get("/collab/data-grants", headers=outsider)
        assert listed.json() == {"items": [], "next_cursor": None}
    etag = (await collab.client.get(grant_path, headers=head)).headers["etag"]
    moved = await collab.client.patch(
        grant_path, json={"valid_until": "2027-07-31"}, headers={**head, "If-Match": etag}
    )
    assert (moved.status_code, moved.json()["valid_until"]) == (200, "2027-07-31")
    # The grantee side reads the grant but does not change it.
    refused = await collab.client.post(f"{grant_path}/revoke", json={}, headers=product_head)
    assert refused.status_code == 403

    # A retrospective of the team: planned, seen and filed by the department's manager.
    await know_members(collab, "fac-sub")
    retro = await post_ok(
        collab.client,
        "/collab/retrospectives",
        {
            "project": "Roadshow",
            "unit_id": events,
            "ended_on": "2027-03-20",
            "facilitator_id": "fac-sub",
        },
        headers=head,
    )
    retro_path = f"/collab/retrospectives/{retro['id']}"
    assert (await collab.client.get(retro_path, headers=head)).status_code == 200
    for outsider in (sibling, member):
        assert (await collab.client.get(retro_path, headers=outsider)).status_code == 404
    collab.at(local(9))  # 2027-04-06: overdue since 2027-03-23
    overdue = await collab.client.get("/collab/retrospectives/overdue", headers=head)
    assert [r["id"] for r in overdue.json()["items"]] == [retro["id"]]
    none = await collab.client.get("/collab/retrospectives/overdue", headers=sibling)
    assert none.json() == {"items": [], "next_cursor": None}
    filed = await collab.client.post(
        f"{retro_path}/file",
        json={"what_worked": "Venue early", "what_failed": "Late specs", "category": "events"},
        headers=head,
    )
    assert (filed.status_code, filed.json()["status"]) == (200, "filed")
