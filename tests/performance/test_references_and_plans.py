"""Issue 16 (performance): references checked where they are made (a 422 naming the field),
improvement and development plans readable and changed with If-Match, and a paged list of
review cycles. Through the gateway on one shared world."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from performance.api.deps import today as performance_today
from tests.helpers import auth, post_ok
from tests.system import settled

HR = auth("m-hr", ["hr"])
_post = functools.partial(post_ok, headers=HR)
TODAY = date(2026, 4, 2)


@pytest.fixture(scope="module")
async def world(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> dict[str, Any]:
    """A sales team led by "lead" with s1 and s2; a revenue and leads scorecard from
    January; s1's March score; a March cycle with a review each."""
    client, _set_today = system
    app = client._transport.app  # type: ignore[attr-defined]
    app.state.service_apps["performance"].dependency_overrides[performance_today] = lambda: TODAY
    company = (await _post(client, "/goals/org-units", {"name": "Co", "kind": "company"}))["id"]
    team = (
        await _post(
            client, "/goals/org-units", {"name": "Sales", "kind": "team", "parent_id": company}
        )
    )["id"]
    for member, layer, manager in (
        ("lead", "management", None),
        ("s1", "execution", "lead"),
        ("s2", "execution", "lead"),
    ):
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": f"Name of {member}",
                "home_unit_id": team,
                "layer": layer,
                "manager_id": manager,
                "hired_on": "2025-05-01",
            },
        )
    for code in ("revenue", "leads"):
        await _post(client, "/goals/kpi-definitions", {"code": code, "name": code, "unit": "x"})
    await _post(
        client,
        "/performance/scorecard-templates",
        {
            "key": "sales",
            "name": "Sales",
            "effective_from": "2026-01",
            "indicators": [
                {
                    "code": "revenue",
                    "name": "Revenue",
                    "category": "result",
                    "source": "kpi:revenue",
                    "weight": "0.7",
                },
                {
                    "code": "leads",
                    "name": "Leads",
                    "category": "process",
                    "source": "kpi:leads",
                    "weight": "0.3",
                },
            ],
        },
    )
    await _post(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "revenue 2026-03",
            "description": "The revenue plan for March",
            "owner_type": "member",
            "owner_id": "s1",
            "period": "2026-03",
            "kpi": "revenue",
            "target_value": "100",
        },
    )
    await settled(client)
    cycles = {}
    for name, kind, period in (("March", "monthly", "2026-03"), ("Q2", "quarterly", "2026-Q2")):
        cycles[name] = (
            await _post(
                client,
                "/performance/review-cycles",
                {
                    "name": name,
                    "kind": kind,
                    "period": period,
                    "population": {"unit_ids": [team]},
                },
            )
        )["id"]
    await _post(
        client,
        f"/performance/review-cycles/{cycles['March']}/advance",
        {"to": "self_assessment"},
        status=200,
    )
    listed = await client.get(f"/performance/review-cycles/{cycles['March']}/reviews", headers=HR)
    reviews = {r["member_id"]: r["id"] for r in listed.json()["items"]}
    return {
        "client": client,
        "team": team,
        "cycles": cycles,
        "reviews": reviews,
        "lead": auth("lead", ["manager"], [team]),
    }


async def _refused(response: httpx.Response, loc: list[str | int], msg: str) -> None:
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["loc"], error["msg"]) == (loc, msg)


def _plan(member: str, review: str | None) -> dict[str, Any]:
    return {
        "member_id": member,
        "review_id": review,
        "goals": ["Lift conversion to 20%"],
        "checkpoints": [{"due_on": "2026-05-15", "description": "Shadow two demos"}],
    }


async def test_references_are_checked_where_they_are_made(world: dict[str, Any]) -> None:
    client, reviews = world["client"], world["reviews"]
    path = "/performance/improvement-plans"
    await _refused(
        await client.post(path, headers=HR, json=_plan("s1", reviews["s2"])),
        ["body", "review_id"],
        f"review {reviews['s2']} is s2's review, not s1's",
    )
    await _refused(
        await client.post(path, headers=HR, json=_plan("s1", "no-such-review")),
        ["body", "review_id"],
        "review no-such-review does not exist",
    )
    await _refused(
        await client.post(path, headers=HR, json=_plan("ghost", None)),
        ["body", "member_id"],
        "ghost is not a member known to performance",
    )
    plan = await _post(client, path, _plan("s1", reviews["s1"]))
    assert (plan["member_id"], plan["review_id"], plan["version"]) == ("s1", reviews["s1"], 1)

    note = {"member_id": "s1", "method": "five_whys", "whys": ["Few leads"]}
    await _refused(
        await client.post(
            "/performance/root-causes", headers=HR, json={**note, "indicator": "nps"}
        ),
        ["body", "indicator"],
        "nps is not an indicator of s1's scorecard (its indicators: leads, revenue)",
    )
    made = await _post(client, "/performance/root-causes", {**note, "indicator": "leads"})
    assert made["indicator"] == "leads"

    training = {"member_id": "s1", "title": "Negotiation", "hours": "8"}
    await _refused(
        await client.post(
            "/performance/training-records",
            headers=HR,
            json={**training, "completed_on": "2026-04-03"},
        ),
        ["body", "completed_on"],
        "2026-04-03 is in the future (today is 2026-04-02)",
    )
    done = await _post(
        client, "/performance/training-records", {**training, "completed_on": "2026-04-02"}
    )
    assert done["completed_on"] == "2026-04-02"


async def test_plans_are_read_and_changed_with_if_match(world: dict[str, Any]) -> None:
    client, lead = world["client"], world["lead"]
    s1, s2 = auth("s1", ["member"]), auth("s2", ["member"])
    created = await client.post(
        "/performance/improvement-plans", headers=lead, json=_plan("s1", None)
    )
    assert created.status_code == 201, created.text
    plan_id, etag = created.json()["id"], created.headers["ETag"]
    path = f"/performance/improvement-plans/{plan_id}"
    own = await client.get(path, headers=s1)
    assert own.status_code == 200 and own.headers["ETag"] == etag
    assert own.json()["goals"] == ["Lift conversion to 20%"]
    assert (await client.get(path, headers=s2)).status_code == 404
    assert (await client.get(path, headers=lead)).status_code == 200
    patch = {"checkpoints": [{"due_on": "2026-05-15", "description": "Shadow", "done": True}]}
    assert (await client.patch(path, headers=lead, json=patch)).status_code == 428
    stale = await client.patch(path, headers={**lead, "If-Match": '"stale"'}, json=patch)
    assert stale.status_code == 412
    changed = await client.patch(path, headers={**lead, "If-Match": etag}, json=patch)
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2 and changed.json()["checkpoints"][0]["done"] is True
    assert changed.headers["ETag"] != etag

    body = {
        "member_id": "s1",
        "year": 2026,
        "objectives": [{"skill": "Negotiation", "action": "Key-account course"}],
    }
    first = await client.post("/performance/development-plans", headers=lead, json=body)
    assert first.status_code == 201, first.text
    dev_id, dev_etag = first.json()["id"], first.headers["ETag"]
    dev_path = f"/performance/development-plans/{dev_id}"
    second = await client.post("/performance/development-plans", headers=lead, json=body)
    assert second.status_code == 409
    assert second.json()["detail"] == (
        f"s1 already has the development plan {dev_id} for 2026; change that one: "
        f"PATCH {dev_path} with If-Match"
    )
    assert second.json()["existing"] == dev_path
    read = await client.get(dev_path, headers=s1)
    assert read.status_code == 200 and read.headers["ETag"] == dev_etag
    assert read.json() == {**body, "id": dev_id, "version": 1}
    assert (await client.get(dev_path, headers=s2)).status_code == 404
    new = {"objectives": [{"skill": "Negotiation", "action": "Lead two renewals"}]}
    own_change = await client.patch(dev_path, headers={**s1, "If-Match": dev_etag}, json=new)
    assert own_change.status_code == 403
    assert (await client.patch(dev_path, headers=lead, json=new)).status_code == 428
    patched = await client.patch(dev_path, headers={**lead, "If-Match": dev_etag}, json=new)
    assert patched.status_code == 200, patched.text
    assert patched.json() == {**body, **new, "id": dev_id, "version": 2}
    again = await client.patch(dev_path, headers={**lead, "If-Match": dev_etag}, json=new)
    assert again.status_code == 412


async def test_review_cycles_are_listed_paged_and_filtered(world: dict[str, Any]) -> None:
    client, cycles = world["client"], world["cycles"]

    async def names(query: str, headers: dict[str, str] = HR) -> list[str]:
        response = await client.get(f"/performance/review-cycles{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [c["name"] for c in response.json()["items"]]

    assert await names("") == ["March", "Q2"]
    assert await names("?period=2026-03") == ["March"]
    assert await names("?state=draft") == ["Q2"]
    assert await names("?kind=quarterly&state=draft") == ["Q2"]
    assert await names("?sort=-name") == ["Q2", "March"]
    # s1 takes part in March only; the team's manager sees both.
    assert await names("", auth("s1", ["member"])) == ["March"]
    assert await names("", world["lead"]) == ["March", "Q2"]
    first = (await client.get("/performance/review-cycles?limit=1", headers=HR)).json()
    assert [c["id"] for c in first["items"]] == [cycles["March"]]
    rest = (
        await client.get(
            f"/performance/review-cycles?limit=1&cursor={first['next_cursor']}", headers=HR
        )
    ).json()
    assert ([c["id"] for c in rest["items"]], rest["next_cursor"]) == ([cycles["Q2"]], None)
    bad = await client.get("/performance/review-cycles?state=open", headers=HR)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "state"]
