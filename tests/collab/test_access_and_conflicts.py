"""Who sees a ticket (requester, both units, assignee, mediator, HR; anyone else 404), and
the conflict path: root cause, negotiation, escalation to a mediator, decision, each step
with who and when."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tests.collab.conftest import Collab
from tests.helpers import auth, post_ok

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2027, 4, 6)


def local(hour: int) -> datetime:
    return datetime.combine(DAY, time(hour), SHANGHAI)


async def _ticket(collab: Collab) -> tuple[dict[str, Any], str, str]:
    suffix = uuid.uuid4().hex[:6]
    marketing, product = f"mkt-{suffix}", f"prd-{suffix}"
    collab.at(local(9))
    ticket: dict[str, Any] = await post_ok(
        collab.client,
        "/collab/tickets",
        {
            "title": "Launch date",
            "description": "上市日期冲突",
            "category": "planning",
            "requester_unit_id": marketing,
            "owner_unit_id": product,
            "assignee_id": "pm-a",
        },
        headers=auth("req-a", ["member"], [marketing]),
    )
    return ticket, marketing, product


async def test_only_the_parties_hr_and_the_mediator_see_a_ticket(collab: Collab) -> None:
    ticket, marketing, product = await _ticket(collab)
    path = f"/collab/tickets/{ticket['id']}"
    stranger = auth("sales-1", ["member", "manager"], ["u-sales"])
    for method, suffix, body in (
        ("GET", "", None),
        ("GET", "/comments", None),
        ("GET", "/steps", None),
        ("POST", "/comments", {"body": "hi"}),
        ("POST", "/transition", {"to": "in_progress"}),
    ):
        response = await collab.client.request(method, path + suffix, json=body, headers=stranger)
        assert response.status_code == 404, (method, suffix, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    for who in (
        auth("req-a", ["member"], []),  # the requester, whatever their units now
        auth("colleague", ["member"], [marketing]),
        auth("pm-a", ["member"], []),  # the assignee
        auth("pm-b", ["member"], [product]),
        auth("hr-a", ["hr"], []),
    ):
        assert (await collab.client.get(path, headers=who)).status_code == 200
    listed = await collab.client.get("/collab/tickets?limit=200", headers=stranger)
    assert ticket["id"] not in [t["id"] for t in listed.json()["items"]]
    mine = await collab.client.get(
        f"/collab/tickets?unit_id={product}", headers=auth("pm-b", ["member"], [product])
    )
    assert [t["id"] for t in mine.json()["items"]] == [ticket["id"]]
    refused = await collab.client.post(
        "/collab/tickets",
        json={
            "title": "x",
            "description": "x",
            "category": "x",
            "requester_unit_id": product,
            "owner_unit_id": marketing,
        },
        headers=stranger,
    )
    assert refused.status_code == 403  # nobody asks on behalf of a unit they are not in


async def test_the_conflict_path_is_recorded_step_by_step(collab: Collab) -> None:
    ticket, marketing, product = await _ticket(collab)
    path = f"/collab/tickets/{ticket['id']}"
    requester = auth("req-a", ["member"], [marketing])
    owner = auth("pm-a", ["member"], [product])
    mediator = auth("dir-1", ["manager"], ["u-board"])
    assert (await collab.client.get(path, headers=mediator)).status_code == 404

    collab.at(local(10))
    await post_ok(
        collab.client,
        f"{path}/root-cause",
        {"root_cause": "goals_disagree", "note": "Marketing wants May, product June"},
        headers=requester,
    )
    collab.at(local(11))
    await post_ok(
        collab.client,
        f"{path}/negotiations",
        {"note": "Offered a soft launch in May"},
        headers=owner,
    )
    bad = await collab.client.post(
        f"{path}/escalation",
        json={"mediator_id": "pm-a", "mode": "mediate", "note": "x"},
        headers=requester,
    )
    assert bad.status_code == 422  # the assignee is a side, not a third party
    collab.at(local(12))
    await post_ok(
        collab.client,
        f"{path}/escalation",
        {"mediator_id": "dir-1", "mode": "arbitrate", "note": "No agreement"},
        headers=requester,
    )
    seen = await collab.client.get(path, headers=mediator)
    assert seen.status_code == 200
    assert (seen.json()["escalated"], seen.json()["mediator_id"], seen.json()["root_cause"]) == (
        True,
        "dir-1",
        "goals_disagree",
    )
    refused = await collab.client.post(f"{path}/decision", json={"decision": "May"}, headers=owner)
    assert refused.status_code == 403  # once escalated, the mediator decides
    collab.at(local(14))
    await post_ok(
        collab.client,
        f"{path}/decision",
        {"decision": "Soft launch 20 May, full launch 10 June"},
        headers=mediator,
    )
    steps = (await collab.client.get(path + "/steps", headers=mediator)).json()["items"]
    conflict = [
        (s["kind"], s["actor_id"], datetime.fromisoformat(s["at"]), s["detail"])
        for s in steps
        if s["kind"] != "opened"
    ]
    assert conflict == [
        (
            "root_cause",
            "req-a",
            local(10),
            {"root_cause": "goals_disagree", "note": "Marketing wants May, product June"},
        ),
        ("negotiation", "pm-a", local(11), {"note": "Offered a soft launch in May"}),
        (
            "escalation",
            "req-a",
            local(12),
            {"mediator_id": "dir-1", "mode": "arbitrate", "note": "No agreement"},
        ),
        ("decision", "dir-1", local(14), {"decision": "Soft launch 20 May, full launch 10 June"}),
    ]
