"""Meetings (goal and agenda required, roles, materials before, minutes after for attendees
and their managers, action items to done), the monthly cross-department meeting built from
open bottlenecks, retrospectives due three days after a project ends (and the overdue
list), and the knowledge base's search in Chinese and English."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from collab.service.sla import fire_due_deadlines
from tests.collab.conftest import Collab, know_members
from tests.helpers import auth, post_ok

SHANGHAI = ZoneInfo("Asia/Shanghai")
HR = auth("hr-m", ["hr"])


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI)


MEETING = {
    "title": "Marketing x Product weekly",
    "goal": "Agree the spring launch dates",
    "agenda": [{"item": "Launch dates"}],
    "scheduled_at": "2027-04-08T10:00:00+08:00",
    "host_id": "host-1",
    "recorder_id": "rec-1",
    "speaker_ids": ["spk-1"],
    "attendee_ids": ["att-1"],
    "materials": [{"name": "Plan", "url": "https://drive.example.com/plan"}],
}


async def test_a_meeting_without_agenda_or_goal_is_refused(collab: Collab) -> None:
    await know_members(collab, "host-1", "rec-1", "spk-1", "att-1")
    for broken in (
        {k: v for k, v in MEETING.items() if k != "agenda"},
        {**MEETING, "agenda": []},
        {k: v for k, v in MEETING.items() if k != "goal"},
    ):
        response = await collab.client.post("/collab/meetings", json=broken, headers=HR)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        missing = {tuple(e["loc"]) for e in response.json()["errors"]}
        assert missing <= {("body", "agenda"), ("body", "goal")} and missing
    created = await collab.client.post("/collab/meetings", json=MEETING, headers=HR)
    assert created.status_code == 201
    assert created.headers["location"] == f"/collab/meetings/{created.json()['id']}"


async def test_minutes_for_attendees_and_their_managers_and_actions_to_done(
    collab: Collab,
) -> None:
    await know_members(collab, "host-1", "rec-1", "spk-1")
    await know_members(collab, "att-1", manager_id="boss-of-att", version=2)
    meeting = await post_ok(
        collab.client, "/collab/meetings", MEETING, headers=auth("host-1", ["member"])
    )
    path = f"/collab/meetings/{meeting['id']}"
    added = await post_ok(
        collab.client,
        f"{path}/materials",
        {"name": "Funnel", "url": "https://drive.example.com/funnel"},
        headers=auth("rec-1", ["member"]),
        status=200,
    )
    assert [m["name"] for m in added["materials"]] == ["Plan", "Funnel"]
    not_organiser = await collab.client.post(
        f"{path}/minutes", json={"minutes": "x"}, headers=auth("att-1", ["member"])
    )
    assert not_organiser.status_code == 403
    collab.at(datetime(2027, 4, 8, 4, tzinfo=UTC))
    minutes = await post_ok(
        collab.client,
        f"{path}/minutes",
        {
            "minutes": "Soft launch 20 May.",
            "action_items": [
                {"title": "Send the specs", "owner_id": "spk-1", "due_on": "2027-04-12"}
            ],
        },
        headers=auth("rec-1", ["member"]),
        status=200,
    )
    assert (minutes["minutes_by"], minutes["minutes_at"]) == ("rec-1", "2027-04-08T04:00:00Z")
    late = await collab.client.post(
        f"{path}/materials",
        json={"name": "Late", "url": "https://drive.example.com/late"},
        headers=auth("rec-1", ["member"]),
    )
    assert late.status_code == 409  # materials come before the meeting

    for who, status in (
        ("host-1", 200),
        ("spk-1", 200),
        ("att-1", 200),
        ("boss-of-att", 200),  # an attendee's manager
        ("someone-else", 404),
    ):
        response = await collab.client.get(path, headers=auth(who, ["member"]))
        assert response.status_code == status, who

    [action] = minutes["action_items"]
    action_path = f"/collab/action-items/{action['id']}"
    owner = auth("spk-1", ["member"])
    read = await collab.client.get(action_path, headers=owner)
    assert (
        await collab.client.patch(action_path, json={"status": "done"}, headers=owner)
    ).status_code == 428
    done = await collab.client.patch(
        action_path, json={"status": "done"}, headers={**owner, "If-Match": read.headers["etag"]}
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["done_at"]) == ("done", "2027-04-08T04:00:00Z")
    # An attendee sees the item (the meeting's minutes show it) but cannot change it;
    # someone with no part in the meeting does not see it at all.
    attendee = auth("att-1", ["member"])
    seen = await collab.client.get(action_path, headers=attendee)
    assert seen.status_code == 200 and seen.json()["status"] == "done"
    changed = await collab.client.patch(
        action_path, json={"status": "open"}, headers={**attendee, "If-Match": seen.headers["etag"]}
    )
    assert changed.status_code == 404
    stranger = await collab.client.get(action_path, headers=auth("someone-else", ["member"]))
    assert stranger.status_code == 404


async def test_the_monthly_meeting_reviews_the_open_bottlenecks(collab: Collab) -> None:
    suffix = uuid.uuid4().hex[:6]
    marketing, product = f"mkt-{suffix}", f"prd-{suffix}"
    requester = auth("req-m", ["member"], [marketing])
    owner = auth("pm-m", ["member"], [product])

    async def ticket(title: str, at: datetime) -> dict[str, Any]:
        collab.at(at)
        created: dict[str, Any] = await post_ok(
            collab.client,
            "/collab/tickets",
            {
                "title": title,
                "description": "x",
                "category": "planning",
                "requester_unit_id": marketing,
                "owner_unit_id": product,
                "assignee_id": "pm-m",
            },
            headers=requester,
        )
        return created

    now = datetime.now(UTC)
    overdue = await ticket("Overdue facts", now - timedelta(days=20))
    escalated = await ticket("Contested designer", now)
    calm = await ticket("On track", now)
    settled = await ticket("Escalated and resolved", now)
    for item in (escalated, settled):
        await post_ok(
            collab.client,
            f"/collab/tickets/{item['id']}/escalation",
            {"mediator_id": "dir-m", "mode": "mediate", "note": "Stuck"},
            headers=requester,
        )
    await post_ok(
        collab.client,
        f"/collab/tickets/{settled['id']}/transition",
        {"to": "resolved"},
        headers=owner,
        status=200,
    )
    await fire_due_deadlines(collab.db, collab.app.state.settings)

    everything = (await collab.client.get("/collab/tickets?limit=200", headers=HR)).json()["items"]
    expected = [
        t["id"]
        for t in everything
        if t["status"] in ("open", "in_progress", "waiting_on_requester")
        and (t["sla"]["response_breached"] or t["sla"]["resolution_breached"] or t["escalated"])
    ]
    assert overdue["id"] in expected and escalated["id"] in expected
    assert calm["id"] not in expected and settled["id"] not in expected

    await know_members(collab, "dir-m", "rec-m")
    body = {
        "month": "2027-04",
        "scheduled_at": "2027-04-28T14:00:00+08:00",
        "host_id": "dir-m",
        "recorder_id": "rec-m",
    }
    refused = await collab.client.post("/collab/meetings/monthly", json=body, headers=requester)
    assert refused.status_code == 403
    meeting = await post_ok(collab.client, "/collab/meetings/monthly", body, headers=HR)
    assert [a["ticket_id"] for a in meeting["agenda"]] == expected
    assert meeting["kind"] == "monthly_cross_department"
    assert "pm-m" in meeting["speaker_ids"]
    assert {marketing, product} <= set(meeting["unit_ids"])
    again = await collab.client.post("/collab/meetings/monthly", json=body, headers=HR)
    assert again.status_code == 409


async def test_retros_fall_overdue_and_file_into_the_knowledge_base(collab: Collab) -> None:
    unit = f"mkt-{uuid.uuid4().hex[:6]}"
    manager = auth("mgr-r", ["manager"], [unit])
    await know_members(collab, "fac-r", "pm-r")
    ended = date(2027, 5, 10)
    collab.at(local(ended, 12))
    retro = await post_ok(
        collab.client,
        "/collab/retrospectives",
        {
            "project": "Spring launch",
            "unit_id": unit,
            "ended_on": ended.isoformat(),
            "facilitator_id": "fac-r",
        },
        headers=manager,
    )
    assert retro["due_on"] == (ended + timedelta(days=3)).isoformat()

    async def overdue_ids(day: date) -> list[str]:
        collab.at(local(day, 12))
        response = await collab.client.get("/collab/retrospectives/overdue", headers=manager)
        return [r["id"] for r in response.json()["items"]]

    assert retro["id"] not in await overdue_ids(ended + timedelta(days=3))  # due today
    assert retro["id"] in await overdue_ids(ended + timedelta(days=4))
    others = await collab.client.get(
        "/collab/retrospectives/overdue", headers=auth("mgr-x", ["manager"], ["u-other"])
    )
    assert retro["id"] not in [r["id"] for r in others.json()["items"]]

    filed = await post_ok(
        collab.client,
        f"/collab/retrospectives/{retro['id']}/file",
        {
            "what_worked": "每日站会让跨部门需求更清楚 (Daily stand-ups made requests clear)",
            "what_failed": "Product specs arrived two days late",
            "process_changes": [
                {
                    "title": "Specs due 10 days before launch",
                    "owner_id": "pm-r",
                    "due_on": "2027-06-01",
                }
            ],
            "category": "launch",
        },
        headers=auth("fac-r", ["member"]),
        status=200,
    )
    assert (filed["status"], filed["overdue"]) == ("filed", False)
    assert [a["title"] for a in filed["action_items"]] == ["Specs due 10 days before launch"]
    assert retro["id"] not in await overdue_ids(ended + timedelta(days=5))
    again = await collab.client.post(
        f"/collab/retrospectives/{retro['id']}/file",
        json={"what_worked": "x", "what_failed": "x", "category": "launch"},
        headers=manager,
    )
    assert again.status_code == 409

    other = await post_ok(
        collab.client,
        "/collab/knowledge-articles",
        {
            "title": "客户画像使用规范",
            "body": "Customer profiles are shared by grant only.",
            "category": "data",
        },
        headers=auth("any-1", ["member"]),
    )

    async def search(query: str, **params: str) -> list[str]:
        response = await collab.client.get(
            "/collab/knowledge-articles",
            params={"q": query, **params},
            headers=auth("any-2", ["member"]),
        )
        assert response.status_code == 200
        return [a["id"] for a in response.json()["items"]]

    article = filed["article_id"]
    assert await search("跨部门") == [article]  # inside a Chinese run without spaces
    assert await search("站会") == [article]
    assert await search("画像") == [other["id"]]
    assert await search("STAND-UPS") == [article]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "stand")  # full-width letters
    assert await search(full_width + "-ups") == [article]
    assert await search("specs late") == [article]  # every word, in any order
    assert await search("specs grant") == []
    assert await search("shared", category="data") == [other["id"]]
    assert await search("shared", category="launch") == []
    assert await search("100%_") == []
    found = await collab.client.get(f"/collab/knowledge-articles/{article}", headers=HR)
    assert found.json()["retrospective_id"] == retro["id"]
    assert found.json()["category"] == "launch"


async def test_a_late_older_member_copy_does_not_move_the_manager_back(collab: Collab) -> None:
    await know_members(collab, "host-1", "rec-1", "spk-1", "att-1")
    await know_members(collab, "att-9", manager_id="boss-old", version=1)
    await know_members(collab, "att-9", manager_id="boss-new", version=2)
    await know_members(collab, "att-9", manager_id="boss-old", version=1)  # redelivered late
    meeting = await post_ok(
        collab.client,
        "/collab/meetings",
        {**MEETING, "attendee_ids": ["att-9"]},
        headers=auth("host-1", ["member"]),
    )
    path = f"/collab/meetings/{meeting['id']}"
    assert (await collab.client.get(path, headers=auth("boss-new", ["member"]))).status_code == 200
    assert (await collab.client.get(path, headers=auth("boss-old", ["member"]))).status_code == 404
