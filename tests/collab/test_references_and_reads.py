"""Issue 16 in collab, through the gateway with every service in one process: references a
meeting, its minutes or a retrospective makes are checked against collab's copies of goals'
members and units (kept by events), each bad one a 422 naming its field and why; a person's
action items are listed by owner and state; a ticket shows the business hours left on each
SLA clock and its ``at_risk`` and ``breached`` flags at a pinned instant, and the ticket list
filters on them.

The owner unit's calendar is the default (Mon-Fri 09:00-18:00, Asia/Shanghai), targets the
defaults (first response 24 business hours, resolution 40 for ``normal``, at risk at 0.8)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from collab.api.deps import now as collab_now
from collab.api.deps import today as collab_today
from tests.helpers import auth, post_ok
from tests.system import monkeypatch_module, settled, system

__all__ = ["monkeypatch_module", "system"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = auth("admin-refs", ["admin"])
HR = auth("hr-refs", ["hr"])


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """2027-03-``day`` at ``hour`` in Shanghai (the 8th is a Monday)."""
    return datetime.combine(date(2027, 3, day), time(hour, minute), SHANGHAI)


@dataclass
class World:
    client: httpx.AsyncClient
    pinned: dict[str, datetime]
    marketing: str
    product: str
    ids: dict[str, str]  # role -> member id

    def at(self, instant: datetime) -> None:
        self.pinned["now"] = instant.astimezone(UTC)

    def who(self, role: str, roles: list[str] | None = None) -> dict[str, str]:
        units = [self.product] if role in ("pm", "spk", "stranger") else [self.marketing]
        return auth(self.ids[role], roles or ["member"], units)


@pytest.fixture(scope="module")
async def world(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> AsyncIterator[World]:
    """Two units and their members made in goals (collab learns them by events); one left
    at the end of January. Collab's clock is pinned by the test."""
    client, set_today = system
    set_today(date(2027, 3, 10))
    collab_app = client._transport.app.state.service_apps["collab"]  # type: ignore[attr-defined]
    pinned = {"now": local(8, 10).astimezone(UTC)}
    collab_app.dependency_overrides[collab_now] = lambda: pinned["now"]
    collab_app.dependency_overrides[collab_today] = lambda: (
        pinned["now"].astimezone(SHANGHAI).date()
    )

    async def unit(name: str) -> str:
        made = await post_ok(
            client, "/goals/org-units", {"name": name, "kind": "department"}, headers=ADMIN
        )
        return str(made["id"])

    marketing, product = await unit("市场部 refs"), await unit("产品部 refs")
    suffix = uuid.uuid4().hex[:6]
    ids = {
        role: f"{role}-{suffix}"
        for role in ("boss", "host", "rec", "spk", "owner", "leaver", "pm", "stranger")
    }
    for role, member_id in ids.items():
        await post_ok(
            client,
            "/goals/members",
            {
                "id": member_id,
                "name": role,
                "home_unit_id": product if role in ("pm", "spk", "stranger") else marketing,
                "layer": "execution",
                "hired_on": "2025-01-01",
                "manager_id": ids["boss"] if role == "owner" else None,
            },
            headers=ADMIN,
        )
    path = f"/goals/members/{ids['leaver']}"
    etag = (await client.get(path, headers=ADMIN)).headers["etag"]
    left = await client.patch(
        path,
        json={"left_on": "2027-01-31", "leave_reason": "voluntary"},
        headers={**ADMIN, "If-Match": etag},
    )
    assert left.status_code == 200, left.text
    await settled(client)
    yield World(client, pinned, marketing, product, ids)
    collab_app.dependency_overrides.pop(collab_now, None)
    collab_app.dependency_overrides.pop(collab_today, None)


def meeting_body(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Launch weekly",
        "goal": "Agree the launch dates",
        "agenda": [{"item": "Dates"}],
        "scheduled_at": local(10, 10).isoformat(),
        "unit_ids": [world.marketing, world.product],
        "host_id": world.ids["host"],
        "recorder_id": world.ids["rec"],
        "speaker_ids": [world.ids["spk"]],
        "attendee_ids": [world.ids["owner"]],
        **changes,
    }


async def refused(
    world: World, path: str, body: dict[str, Any], headers: dict[str, str]
) -> list[dict[str, Any]]:
    response = await world.client.post(path, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors: list[dict[str, Any]] = response.json()["errors"]
    return [{"loc": e["loc"], "msg": e["msg"]} for e in errors]


# ----------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("field", "change", "expected"),
    [
        ("host", {"host_id": "ghost-1"}, "ghost-1 is not a member"),
        ("recorder", {"recorder_id": "LEAVER"}, "LEAVER left on 2027-01-31"),
        ("speaker", {"speaker_ids": ["SPK", "ghost-2"]}, "ghost-2 is not a member"),
        ("attendee", {"attendee_ids": ["LEAVER"]}, "LEAVER left on 2027-01-31"),
        ("unit", {"unit_ids": ["u-nowhere"]}, "u-nowhere is not an org unit"),
    ],
)
async def test_a_meeting_naming_someone_who_is_not_a_member_is_refused(
    world: World, field: str, change: dict[str, Any], expected: str
) -> None:
    names = {"LEAVER": world.ids["leaver"], "SPK": world.ids["spk"]}
    change = {
        key: [names.get(v, v) for v in value]
        if isinstance(value, list)
        else names.get(value, value)
        for key, value in change.items()
    }
    [key] = change
    errors = await refused(world, "/collab/meetings", meeting_body(world, **change), HR)
    index = {"speaker": [1], "attendee": [0], "unit": [0]}.get(field, [])
    message = expected.replace("LEAVER", world.ids["leaver"])
    suffix = {
        "not a member": ": collab knows no member with this id",
        "not an org unit": ": collab knows no unit with this id",
        "left on": ", before the meeting on 2027-03-10",
    }
    [tail] = [t for k, t in suffix.items() if k in message]
    assert errors == [{"loc": ["body", key, *index], "msg": message + tail}]


async def test_the_monthly_meeting_checks_its_host(world: World) -> None:
    body = {
        "month": "2027-03",
        "scheduled_at": local(30, 14).isoformat(),
        "host_id": world.ids["leaver"],
        "recorder_id": world.ids["rec"],
    }
    errors = await refused(world, "/collab/meetings/monthly", body, HR)
    assert errors == [
        {
            "loc": ["body", "host_id"],
            "msg": f"{world.ids['leaver']} left on 2027-01-31, before the meeting on 2027-03-30",
        }
    ]


async def _meeting(world: World) -> str:
    world.at(local(8, 10))
    made = await post_ok(world.client, "/collab/meetings", meeting_body(world), headers=HR)
    return str(made["id"])


async def test_minutes_dated_before_the_meeting_are_refused(world: World) -> None:
    meeting = await _meeting(world)
    world.at(local(10, 9, 30))  # half an hour before it starts
    errors = await refused(world, f"/collab/meetings/{meeting}/minutes", {"minutes": "Agreed."}, HR)
    assert errors == [
        {
            "loc": ["body", "minutes"],
            "msg": "minutes are dated when they are recorded (2027-03-10T01:30:00+00:00), "
            "which is before the meeting starts (2027-03-10T02:00:00+00:00)",
        }
    ]


async def test_an_action_item_for_no_member_or_due_before_the_meeting_is_refused(
    world: World,
) -> None:
    meeting = await _meeting(world)
    world.at(local(10, 12))
    body = {
        "minutes": "Agreed.",
        "action_items": [
            {"title": "Specs", "owner_id": world.ids["spk"], "due_on": "2027-03-12"},
            {"title": "Ghost", "owner_id": "ghost-3", "due_on": "2027-03-12"},
            {"title": "Late", "owner_id": world.ids["owner"], "due_on": "2027-03-09"},
            {"title": "Gone", "owner_id": world.ids["leaver"], "due_on": "2027-03-12"},
        ],
    }
    errors = await refused(world, f"/collab/meetings/{meeting}/minutes", body, HR)
    assert errors == [
        {
            "loc": ["body", "action_items", 1, "owner_id"],
            "msg": "ghost-3 is not a member: collab knows no member with this id",
        },
        {
            "loc": ["body", "action_items", 3, "owner_id"],
            "msg": f"{world.ids['leaver']} left on 2027-01-31, before today, 2027-03-10",
        },
        {
            "loc": ["body", "action_items", 2, "due_on"],
            "msg": "due on 2027-03-09, before the meeting's day, 2027-03-10",
        },
    ]
    read = await world.client.get(f"/collab/meetings/{meeting}", headers=HR)
    assert (read.json()["minutes"], read.json()["action_items"]) == (None, [])


async def _retro(world: World, ended_on: str) -> str:
    made = await post_ok(
        world.client,
        "/collab/retrospectives",
        {
            "project": "Launch",
            "unit_id": world.marketing,
            "ended_on": ended_on,
            "facilitator_id": world.ids["host"],
        },
        headers=world.who("boss", ["manager"]),
    )
    return str(made["id"])


async def test_a_retro_facilitated_by_someone_who_left_is_refused(world: World) -> None:
    world.at(local(10, 12))
    body = {
        "project": "Launch",
        "unit_id": world.marketing,
        "ended_on": "2027-03-05",
        "facilitator_id": world.ids["leaver"],
    }
    errors = await refused(world, "/collab/retrospectives", body, world.who("boss", ["manager"]))
    assert errors == [
        {
            "loc": ["body", "facilitator_id"],
            "msg": f"{world.ids['leaver']} left on 2027-01-31, before today, 2027-03-10",
        }
    ]


async def test_a_retro_filed_before_its_project_ended_is_refused(world: World) -> None:
    world.at(local(10, 12))
    retro = await _retro(world, "2027-03-15")
    body = {"what_worked": "Stand-ups", "what_failed": "Specs late", "category": "launch"}
    errors = await refused(world, f"/collab/retrospectives/{retro}/file", body, world.who("host"))
    assert errors == [
        {
            "loc": ["path", "retro_id"],
            "msg": "the project ends on 2027-03-15 (the retrospective's ended_on): its "
            "retrospective is filed from that day on, not today (2027-03-10)",
        }
    ]


async def test_a_process_change_for_no_member_or_due_in_the_past_is_refused(
    world: World,
) -> None:
    world.at(local(10, 12))
    retro = await _retro(world, "2027-03-05")
    body = {
        "what_worked": "Stand-ups",
        "what_failed": "Specs late",
        "category": "launch",
        "process_changes": [
            {"title": "Ghost", "owner_id": "ghost-4", "due_on": "2027-04-01"},
            {"title": "Past", "owner_id": world.ids["owner"], "due_on": "2027-03-09"},
        ],
    }
    errors = await refused(world, f"/collab/retrospectives/{retro}/file", body, world.who("host"))
    assert errors == [
        {
            "loc": ["body", "process_changes", 0, "owner_id"],
            "msg": "ghost-4 is not a member: collab knows no member with this id",
        },
        {
            "loc": ["body", "process_changes", 1, "due_on"],
            "msg": "due on 2027-03-09, before the day it is filed, 2027-03-10",
        },
    ]


# ----------------------------------------------------------------------------- action items


async def test_a_persons_action_items_by_state_for_those_who_may_see_them(world: World) -> None:
    owner = world.ids["owner"]
    meeting = await _meeting(world)
    world.at(local(10, 12))
    minutes = await post_ok(
        world.client,
        f"/collab/meetings/{meeting}/minutes",
        {
            "minutes": "Agreed.",
            "action_items": [
                {"title": "Send the specs", "owner_id": owner, "due_on": "2027-03-12"},
                {"title": "Book the venue", "owner_id": owner, "due_on": "2027-03-20"},
                {"title": "Draft the copy", "owner_id": world.ids["spk"], "due_on": "2027-03-15"},
            ],
        },
        headers=HR,
        status=200,
    )
    by_title = {a["title"]: a["id"] for a in minutes["action_items"]}
    specs, venue = by_title["Send the specs"], by_title["Book the venue"]
    retro = await _retro(world, "2027-03-05")
    filed = await post_ok(
        world.client,
        f"/collab/retrospectives/{retro}/file",
        {
            "what_worked": "Stand-ups",
            "what_failed": "Specs late",
            "category": "launch",
            "process_changes": [
                {"title": "Specs ten days early", "owner_id": owner, "due_on": "2027-03-25"}
            ],
        },
        headers=world.who("host"),
        status=200,
    )
    [change] = (a["id"] for a in filed["action_items"])
    path = f"/collab/action-items/{specs}"
    etag = (await world.client.get(path, headers=world.who("owner"))).headers["etag"]
    world.at(local(11, 15))
    done = await world.client.patch(
        path, json={"status": "done"}, headers={**world.who("owner"), "If-Match": etag}
    )
    assert done.status_code == 200, done.text

    world.at(local(22, 10))  # the venue is overdue, the process change is not yet due

    async def listed(headers: dict[str, str], query: str) -> list[tuple[str, str, str]]:
        response = await world.client.get(f"/collab/action-items?{query}", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["next_cursor"] is None
        return [(a["id"], a["status"], a["due_on"]) for a in response.json()["items"]]

    mine = world.who("owner")
    assert await listed(mine, "state=open") == [
        (venue, "open", "2027-03-20"),
        (change, "open", "2027-03-25"),
    ]
    assert await listed(mine, "state=overdue") == [(venue, "open", "2027-03-20")]
    assert await listed(mine, "state=done") == [(specs, "done", "2027-03-12")]
    everything = [
        (specs, "done", "2027-03-12"),
        (venue, "open", "2027-03-20"),
        (change, "open", "2027-03-25"),
    ]
    assert await listed(mine, "") == everything
    assert await listed(world.who("boss"), f"owner_id={owner}") == everything  # their manager
    assert await listed(HR, f"owner_id={owner}&sort=-due_on") == everything[::-1]
    # A speaker of the meeting sees what its minutes show, not the retrospective's change.
    assert await listed(world.who("spk"), f"owner_id={owner}") == everything[:2]
    assert await listed(world.who("stranger"), f"owner_id={owner}") == []
    bad = await world.client.get("/collab/action-items?state=late", headers=mine)
    assert bad.status_code == 422
    assert [e["loc"] for e in bad.json()["errors"]] == [["query", "state"]]


# ----------------------------------------------------------------------------- tickets


async def test_remaining_business_hours_and_sla_flags_and_their_filters(world: World) -> None:
    requester = world.who("owner")
    pm = world.who("pm")

    async def opened(at: datetime, title: str) -> str:
        world.at(at)
        made = await post_ok(
            world.client,
            "/collab/tickets",
            {
                "title": title,
                "description": "For the launch page",
                "category": "product_info",
                "requester_unit_id": world.marketing,
                "owner_unit_id": world.product,
                "assignee_id": world.ids["pm"],
            },
            headers=requester,
        )
        return str(made["id"])

    a = await opened(local(8, 10), "A: running since Monday")
    b = await opened(local(9, 15), "B: running since Tuesday")
    c = await opened(local(8, 10), "C: waiting on the requester")
    world.at(local(11, 16))  # 33 business hours in: the response is late, the resolution at risk
    moved = await world.client.post(
        f"/collab/tickets/{c}/transition", json={"to": "waiting_on_requester"}, headers=pm
    )
    assert moved.status_code == 200, moved.text
    d = await opened(local(11, 9), "D: opened Thursday")

    async def sla_of(ticket: str) -> tuple[Any, ...]:
        body = (await world.client.get(f"/collab/tickets/{ticket}", headers=requester)).json()
        sla = body["sla"]
        return (
            sla["business_hours_used"],
            sla["response_remaining_hours"],
            sla["resolution_remaining_hours"],
            sla["response_at_risk"],
            sla["resolution_at_risk"],
            body["at_risk"],
            body["breached"],
        )

    world.at(local(9, 12))  # Tuesday noon: 8 + 3 hours on A
    assert await sla_of(a) == ("11.0000", "13.0000", "29.0000", False, False, False, False)
    world.at(local(10, 12))  # Wednesday noon: 20 hours, past 0.8 x 24 = 19.2
    assert await sla_of(a) == ("20.0000", "4.0000", "20.0000", True, False, True, False)
    world.at(local(10, 17))  # 25 hours: the response is breached, nothing left of it
    assert await sla_of(a) == ("25.0000", "0.0000", "15.0000", False, False, False, True)

    world.at(local(11, 17))  # Thursday 17:00
    assert await sla_of(a) == ("34.0000", "0.0000", "6.0000", False, True, True, True)
    assert await sla_of(b) == ("20.0000", "4.0000", "20.0000", True, False, True, False)
    assert await sla_of(c) == ("33.0000", None, "7.0000", False, True, True, True)
    assert await sla_of(d) == ("8.0000", "16.0000", "32.0000", False, False, False, False)

    async def filtered(query: str) -> list[str]:
        response = await world.client.get(
            f"/collab/tickets?unit_id={world.product}&{query}", headers=HR
        )
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()["items"]]

    assert await filtered("at_risk=true") == [a, b, c]
    assert await filtered("breached=true") == [a, c]
    assert await filtered("at_risk=false") == [d]
    assert await filtered("breached=false") == [b, d]
    assert await filtered("at_risk=true&breached=false") == [b]
    assert await filtered("") == [a, b, c, d]
    world.at(local(12, 15))  # Friday 15:00: A's resolution and B's response are breached too
    assert await sla_of(b) == ("27.0000", "0.0000", "13.0000", False, False, False, True)
    assert await filtered("at_risk=true") == [c]
    assert await filtered("breached=true") == [a, b, c]
