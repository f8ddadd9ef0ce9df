"""Collab's other records under concurrent writers on the real database: meeting materials
and minutes, action items and data grants under one ETag, unit calendars, retrospectives
filed twice at once, and copies of goals' members and org units arriving out of order. Each
ends with every accepted change kept and each version counting them, and nothing derived
left for the invariant checker to find."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from collab import verify
from collab.models import MemberCopy, OrgUnitCopy
from shared.events import Envelope
from tests.collab.conftest import Collab, know_members, running_collab
from tests.helpers import auth, post_ok

HR = auth("hr-r", ["hr"])
MEETING = {
    "title": "Marketing x Product weekly",
    "goal": "Agree the spring launch dates",
    "agenda": [{"item": "Launch dates"}],
    # Before the pinned clock (2027-03-01), so its minutes may be recorded.
    "scheduled_at": "2027-02-18T10:00:00+08:00",
    "host_id": "host-r",
    "recorder_id": "rec-r",
    "materials": [{"name": "Plan", "url": "https://drive.example.com/plan"}],
}


@pytest.fixture(scope="module")
async def collab(database_url: str) -> AsyncIterator[Collab]:
    async with running_collab(database_url, scheduler=False) as service:
        await know_members(service, "host-r", "rec-r", "spk-r", "f")
        yield service


async def _no_drift(collab: Collab) -> None:
    async with collab.db.sessions() as session:
        assert await verify.drift(session) == []


async def test_materials_added_at_once_are_all_kept(collab: Collab) -> None:
    meeting = await post_ok(collab.client, "/collab/meetings", MEETING, headers=HR)
    path = f"/collab/meetings/{meeting['id']}/materials"
    names = [f"Deck {n}" for n in range(6)]
    answers = await asyncio.gather(
        *(
            collab.client.post(
                path,
                json={"name": name, "url": f"https://drive.example.com/{n}"},
                headers=auth("rec-r", ["member"]),
            )
            for n, name in enumerate(names)
        )
    )
    assert [a.status_code for a in answers] == [200] * len(names)
    current = (await collab.client.get(f"/collab/meetings/{meeting['id']}", headers=HR)).json()
    assert sorted(m["name"] for m in current["materials"]) == sorted(["Plan", *names])


async def test_minutes_recorded_twice_at_once_are_recorded_once(collab: Collab) -> None:
    meeting = await post_ok(collab.client, "/collab/meetings", MEETING, headers=HR)
    path = f"/collab/meetings/{meeting['id']}"
    answers = await asyncio.gather(
        *(
            collab.client.post(
                f"{path}/minutes",
                json={
                    "minutes": f"Version {n}",
                    "action_items": [
                        {"title": f"Follow up {n}", "owner_id": "spk-r", "due_on": "2027-04-12"}
                    ],
                },
                headers=auth("rec-r", ["member"]),
            )
            for n in range(3)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    [winner] = [a.json() for a in answers if a.status_code == 200]
    current = (await collab.client.get(path, headers=HR)).json()
    assert current["minutes"] == winner["minutes"]
    assert [a["title"] for a in current["action_items"]] == [
        a["title"] for a in winner["action_items"]
    ]


async def test_an_action_item_changed_twice_under_one_etag_changes_once(collab: Collab) -> None:
    meeting = await post_ok(collab.client, "/collab/meetings", MEETING, headers=HR)
    minutes = await post_ok(
        collab.client,
        f"/collab/meetings/{meeting['id']}/minutes",
        {
            "minutes": "Agreed.",
            "action_items": [{"title": "Specs", "owner_id": "spk-r", "due_on": "2027-04-12"}],
        },
        headers=auth("rec-r", ["member"]),
        status=200,
    )
    path = f"/collab/action-items/{minutes['action_items'][0]['id']}"
    owner = auth("spk-r", ["member"])
    etag = (await collab.client.get(path, headers=owner)).headers["etag"]
    answers = await asyncio.gather(
        *(
            collab.client.patch(path, json={"status": "done"}, headers={**owner, "If-Match": etag})
            for _ in range(4)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 412, 412, 412]
    current = (await collab.client.get(path, headers=owner)).json()
    assert current["version"] == 2
    await _no_drift(collab)


async def test_calendars_set_at_once_count_every_change(collab: Collab) -> None:
    unit = f"prd-{uuid.uuid4().hex[:6]}"
    manager = auth("boss-r", ["manager"], [unit])
    answers = await asyncio.gather(
        *(
            collab.client.put(
                f"/collab/calendars/{unit}",
                json={"holidays": [f"2027-05-0{n + 1}"]},
                headers=manager,
            )
            for n in range(4)
        )
    )
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    assert sorted(a.json()["version"] for a in answers) == [1, 2, 3, 4]
    current = (await collab.client.get(f"/collab/calendars/{unit}", headers=manager)).json()
    assert current["version"] == 4


async def test_a_grant_changed_at_once_publishes_one_version_each(collab: Collab) -> None:
    grantor, grantee = f"prd-{uuid.uuid4().hex[:6]}", f"mkt-{uuid.uuid4().hex[:6]}"
    head = auth("head-r", ["manager"], [grantor])
    grant = await post_ok(
        collab.client,
        "/collab/data-grants",
        {
            "grantor_unit_id": grantor,
            "grantee_unit_id": grantee,
            "data_set": "kpi_figures",
            "valid_until": "2027-06-30",
        },
        headers=head,
    )
    path = f"/collab/data-grants/{grant['id']}"
    etag = (await collab.client.get(path, headers=head)).headers["etag"]
    moves = await asyncio.gather(
        *(
            collab.client.patch(
                path, json={"valid_until": f"2027-0{month}-30"}, headers={**head, "If-Match": etag}
            )
            for month in (7, 8, 9)
        )
    )
    assert sorted(a.status_code for a in moves) == [200, 412, 412]
    revokes = await asyncio.gather(
        *(collab.client.post(f"{path}/revoke", json={}, headers=head) for _ in range(2))
    )
    assert sorted(a.status_code for a in revokes) == [200, 409]
    published = await collab.events("collab.data-grant.changed", grant["id"])
    assert [e["version"] for e in published] == [1, 2, 3]
    assert [e["active"] for e in published] == [True, True, False]


async def test_a_retro_filed_twice_at_once_is_filed_once(collab: Collab) -> None:
    unit = f"mkt-{uuid.uuid4().hex[:6]}"
    retro = await post_ok(
        collab.client,
        "/collab/retrospectives",
        {
            "project": "Summer push",
            "unit_id": unit,
            "ended_on": "2027-02-20",
            "facilitator_id": "f",
        },
        headers=auth("mgr-r", ["manager"], [unit]),
    )
    answers = await asyncio.gather(
        *(
            collab.client.post(
                f"/collab/retrospectives/{retro['id']}/file",
                json={"what_worked": f"夏季推广 {n}", "what_failed": "Late", "category": "launch"},
                headers=auth("f", ["member"]),
            )
            for n in range(2)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    articles = await collab.client.get(
        "/collab/knowledge-articles", params={"q": "夏季推广"}, headers=HR
    )
    assert len(articles.json()["items"]) == 1
    await _no_drift(collab)


async def _deliver(collab: Collab, event_type: str, data: dict[str, Any]) -> None:
    processor = collab.app.state.runtime.processors[0]
    envelope = Envelope(
        source="goals", type=event_type, subject="copies", correlationid="test", data=data
    )
    await processor.handle(envelope.model_dump_json().encode())


async def test_copies_arriving_out_of_order_at_once_keep_the_newest(collab: Collab) -> None:
    member_id, unit_id = f"m-{uuid.uuid4().hex[:6]}", f"u-{uuid.uuid4().hex[:6]}"
    versions = list(range(1, 9))
    random.Random(11).shuffle(versions)
    await asyncio.gather(
        *(
            _deliver(
                collab,
                "goals.member.changed",
                {
                    "member_id": member_id,
                    "name": f"王芳 v{v}",
                    "home_unit_id": unit_id,
                    "manager_id": f"boss-v{v}",
                    "version": v,
                },
            )
            for v in versions
        ),
        *(
            _deliver(
                collab,
                "goals.org-unit.changed",
                {"unit_id": unit_id, "name": f"市场部 v{v}", "kind": "team", "version": v},
            )
            for v in versions
        ),
    )
    # And one redelivered late, on its own.
    await _deliver(
        collab,
        "goals.member.changed",
        {"member_id": member_id, "name": "old", "home_unit_id": unit_id, "version": 3},
    )
    async with collab.db.sessions() as session:
        member = await session.get(MemberCopy, member_id)
        unit = await session.get(OrgUnitCopy, unit_id)
        assert member is not None and unit is not None
        assert (member.source_version, member.manager_id) == (8, "boss-v8")
        assert (unit.source_version, unit.name) == (8, "市场部 v8")
        [member_copy] = [c for c in await verify.copies(session) if c.key == member_id]
    assert member_copy.path == f"/goals/members/{member_id}"
    assert member_copy.values == {
        "name": "王芳 v8",
        "home_unit_id": unit_id,
        "manager_id": "boss-v8",
        "version": "8",
    }
