"""A review cycle is read by those it concerns (issue 12): HR and admins, managers whose
units hold a member of its population or a review in it, and members with a review in it.
To anyone else it does not exist: 404 on every cycle route, lists included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx
import pytest

from tests.helpers import auth, post_ok
from tests.security.review_org import HR_OPS, Org, advance, build_org

System = tuple[httpx.AsyncClient, Callable[[date], None]]


@pytest.fixture(scope="module")
async def org(system: System) -> Org:
    return await build_org(system[0])


async def _reads(client: httpx.AsyncClient, cycle: str, headers: dict[str, str]) -> list[int]:
    paths = ("", "/reviews", "/calibration")
    return [
        (await client.get(f"/performance/review-cycles/{cycle}{p}", headers=headers)).status_code
        for p in paths
    ]


async def test_a_cycle_is_read_by_those_it_concerns_only(system: System, org: Org) -> None:
    client, _ = system
    body = {
        "name": "Sales Q1",
        "kind": "quarterly",
        "period": "2026-Q1",
        "population": {"unit_ids": [org.units["sales"]]},
    }
    cycle = (await post_ok(client, "/performance/review-cycles", body, headers=HR_OPS))["id"]
    path = f"/performance/review-cycles/{cycle}"

    # A draft: its population is the sales team, whose managers see it; nobody has a review.
    for reader in (org.token("lead"), org.token("dir"), HR_OPS, auth("root", ["admin"])):
        assert (await client.get(path, headers=reader)).status_code == 200
    for outsider in ("s1", "o1", "olead", "hrhead"):
        assert (await client.get(path, headers=org.token(outsider))).status_code == 404, outsider

    await advance(client, cycle, "self_assessment")
    member = await client.get(path, headers=org.token("s1"))
    assert member.status_code == 200 and member.json()["min_peer_answers"] == 3
    listed = await client.get(f"{path}/reviews", headers=org.token("s1"))
    assert [r["member_id"] for r in listed.json()["items"]] == ["s1"]
    team = await client.get(f"{path}/reviews", headers=org.token("lead"))
    assert {r["member_id"] for r in team.json()["items"]} == {
        "lead",
        "s1",
        "s2",
        "s3",
        "s4",
        "s5",
        "leaver",
    }
    # The calibration view is HR's: members and managers who see the cycle are refused it.
    assert await _reads(client, cycle, org.token("lead")) == [200, 200, 403]
    assert await _reads(client, cycle, HR_OPS) == [200, 200, 200]

    for outsider in ("o1", "olead", "hrhead", "hr1"):
        headers = org.token(outsider)
        if outsider == "hr1":  # HR sees every cycle; as a plain member hr1 sees none here
            headers = auth("hr1", ["member"], [org.units["people"]])
        assert await _reads(client, cycle, headers) == [404, 404, 404], outsider
        moved = await advance(client, cycle, "manager_assessment", headers=headers)
        assert moved.status_code == 404, outsider
    # A stranger of no unit at all, and an id that is no member.
    for stranger in (auth("ghost", ["member"]), auth("ghost-lead", ["manager"], ["no-unit"])):
        assert await _reads(client, cycle, stranger) == [404, 404, 404]
    cycle_now = (await client.get(path, headers=HR_OPS)).json()
    assert cycle_now["state"] == "self_assessment"
