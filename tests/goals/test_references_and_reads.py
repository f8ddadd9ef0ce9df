"""Issue 16 in goals, through the gateway: KPIDefinitionChanged in the outbox at every
create and change of a KPI definition (a retired one too); references refused where they are
made, each a 422 naming the field and why (a goal's parent kind and period, a negative target
on a KPI that cannot be negative, by POST, PATCH, template or cascade, a retired KPI, mentors,
a promotion that skips a tier). The readable facts (templates,
a unit's figures, the team's weekly report, SMART fields) are in test_readable_facts.py."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.helpers import auth, post_ok

ADMIN = auth("refs-admin", ["admin"])
_post = functools.partial(post_ok, headers=ADMIN)
System = tuple[httpx.AsyncClient, Callable[[date], None]]
KPI_CHANGED = "goals.kpi-definition.changed"


def _database(client: httpx.AsyncClient) -> Any:
    app = client._transport.app  # type: ignore[attr-defined]
    return app.state.service_apps["goals"].state.database


async def _published(client: httpx.AsyncClient, code: str) -> list[dict[str, Any]]:
    """The KPIDefinitionChanged data in goals' outbox for ``code``, oldest first."""
    async with _database(client).sessions() as session:
        rows = await session.execute(
            text(
                "SELECT message_key, envelope FROM goals.outbox "
                "WHERE event_type = :type AND message_key = :code ORDER BY id"
            ),
            {"type": KPI_CHANGED, "code": code},
        )
        found = []
        for key, envelope in rows.all():
            assert (key, envelope["subject"], envelope["type"]) == (code, code, KPI_CHANGED)
            found.append(envelope["data"])
        return found


def _problem(response: httpx.Response, loc: list[str], *, status: int = 422) -> str:
    """The 422's message after asserting it names exactly ``loc``."""
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [loc], errors
    message: str = errors[0]["msg"]
    return message


async def test_every_kpi_create_and_change_is_published_once(system: System) -> None:
    client, _ = system
    orders = await _post(
        client, "/goals/kpi-definitions", {"code": "rr_orders", "name": "Orders", "unit": "n"}
    )
    rating = await _post(
        client,
        "/goals/kpi-definitions",
        {"code": "rr_rating", "name": "Rating", "unit": "pt", "aggregation": "average"},
    )
    assert (orders["non_negative"], orders["version"]) == (True, 1)
    assert (rating["non_negative"], rating["version"]) == (False, 1)
    first = {
        "code": "rr_orders",
        "name": "Orders",
        "unit": "n",
        "direction": "higher_is_better",
        "aggregation": "sum",
        "category": "result",
        "formula": None,
        "non_negative": True,
        "active": True,
        "version": 1,
    }
    assert await _published(client, "rr_orders") == [first]
    assert [e["non_negative"] for e in await _published(client, "rr_rating")] == [False]

    path = f"/goals/kpi-definitions/{orders['id']}"
    etag = (await client.get(path, headers=ADMIN)).headers["ETag"]
    assert etag == f'"{orders["id"]}.1"'
    missing = await client.patch(path, json={"name": "Orders won"}, headers=ADMIN)
    assert missing.status_code == 428, missing.text
    changed = await client.patch(
        path, json={"name": "Orders won", "unit": "orders"}, headers={**ADMIN, "If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["version"]) == ("Orders won", 2)
    assert changed.headers["ETag"] == f'"{orders["id"]}.2"'
    stale = await client.patch(path, json={"name": "x"}, headers={**ADMIN, "If-Match": etag})
    assert stale.status_code == 412, stale.text
    same = await client.patch(
        path, json={"name": "Orders won"}, headers={**ADMIN, "If-Match": changed.headers["ETag"]}
    )
    assert same.json()["version"] == 2  # nothing changed: no new version, no event
    # By code too, and the flag itself.
    off = await client.patch(
        "/goals/kpi-definitions/rr_orders",
        json={"non_negative": False},
        headers={**ADMIN, "If-Match": changed.headers["ETag"]},
    )
    assert (off.json()["non_negative"], off.json()["version"]) == (False, 3)
    assert await _published(client, "rr_orders") == [
        first,
        {**first, "name": "Orders won", "unit": "orders", "version": 2},
        {**first, "name": "Orders won", "unit": "orders", "non_negative": False, "version": 3},
    ]
    refused = await client.patch(
        path, json={"code": "x"}, headers={**ADMIN, "If-Match": off.headers["ETag"]}
    )
    assert refused.status_code == 422, refused.text
    member = auth("refs-member", ["member"])
    forbidden = await client.patch(
        path, json={"name": "y"}, headers={**member, "If-Match": off.headers["ETag"]}
    )
    assert forbidden.status_code == 403, forbidden.text
    assert len(await _published(client, "rr_orders")) == 3


async def _member(
    client: httpx.AsyncClient, member_id: str, unit: str, tier: str, left_on: str | None = None
) -> None:
    await _post(
        client,
        "/goals/members",
        {
            "id": member_id,
            "name": member_id,
            "home_unit_id": unit,
            "layer": "execution",
            "tier": tier,
            "hired_on": "2025-06-02",
        },
    )
    if left_on is not None:
        etag = (await client.get(f"/goals/members/{member_id}", headers=ADMIN)).headers["ETag"]
        left = await client.patch(
            f"/goals/members/{member_id}",
            json={"left_on": left_on, "leave_reason": "voluntary"},
            headers={**ADMIN, "If-Match": etag},
        )
        assert left.status_code == 200, left.text


@pytest.fixture(scope="module")
async def world(system: System) -> dict[str, str]:
    """A company with one team; a backbone lead, two newcomers, a backbone and a newcomer
    who left at the end of February; KPIs rr_sales (summed: non-negative by default) and
    rr_profit (may be negative)."""
    client, _ = system
    company = (await _post(client, "/goals/org-units", {"name": "RR", "kind": "company"}))["id"]
    team = (
        await _post(
            client, "/goals/org-units", {"name": "RR", "kind": "team", "parent_id": company}
        )
    )["id"]
    await _member(client, "rr-lead", team, "backbone")
    await _member(client, "rr-new", team, "newcomer")
    await _member(client, "rr-new2", team, "newcomer")
    await _member(client, "rr-new3", team, "newcomer")
    await _member(client, "rr-gone", team, "backbone", left_on="2026-02-28")
    await _member(client, "rr-newgone", team, "newcomer", left_on="2026-02-28")
    sales = await _post(
        client, "/goals/kpi-definitions", {"code": "rr_sales", "name": "Sales", "unit": "CNY"}
    )
    profit = await _post(
        client,
        "/goals/kpi-definitions",
        {"code": "rr_profit", "name": "Profit", "unit": "CNY", "non_negative": False},
    )
    assert (sales["non_negative"], profit["non_negative"]) == (True, False)
    return {"company": company, "team": team}


def _goal(kind: str, period: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "title": f"{kind} {period}",
        "description": f"The {kind} for {period}, in full",
        "owner_type": "member",
        "owner_id": "rr-new",
        "period": period,
    }
    if kind != "objective":
        body.update(kpi="rr_sales", target_value="100")
    return {**body, **fields}


async def test_a_goal_aligns_only_to_the_kinds_its_kind_allows(
    system: System, world: dict[str, str]
) -> None:
    client, _ = system
    objective = await _post(client, "/goals/goals", _goal("objective", "2026"))
    key_result = await _post(
        client, "/goals/goals", _goal("key_result", "2026-Q1", parent_id=objective["id"])
    )
    target = await _post(
        client, "/goals/goals", _goal("kpi_target", "2026-03", parent_id=key_result["id"])
    )
    under_key_result = await client.post(
        "/goals/goals",
        json=_goal("objective", "2026-Q1", parent_id=key_result["id"]),
        headers=ADMIN,
    )
    assert _problem(under_key_result, ["body", "parent_id"]) == (
        f"an objective aligns to an objective; goal {key_result['id']} is a key result"
    )
    under_target = await client.post(
        "/goals/goals",
        json=_goal("key_result", "2026-03", parent_id=target["id"]),
        headers=ADMIN,
    )
    assert _problem(under_target, ["body", "parent_id"]) == (
        f"a key result aligns to an objective; goal {target['id']} is a KPI target"
    )
    nowhere = await client.post(
        "/goals/goals", json=_goal("kpi_target", "2026-03", parent_id="no-such-goal"), headers=ADMIN
    )
    assert _problem(nowhere, ["body", "parent_id"]) == "goal no-such-goal does not exist"


async def test_a_childs_period_lies_within_its_parents(
    system: System, world: dict[str, str]
) -> None:
    client, _ = system
    quarterly = await _post(client, "/goals/goals", _goal("objective", "2026-Q2"))
    annual = await client.post(
        "/goals/goals", json=_goal("key_result", "2026", parent_id=quarterly["id"]), headers=ADMIN
    )
    assert _problem(annual, ["body", "period"]) == (
        f"2026 is not within the period of the parent goal {quarterly['id']} (2026-Q2)"
    )
    other_quarter = await client.post(
        "/goals/goals",
        json=_goal("key_result", "2026-07", parent_id=quarterly["id"]),
        headers=ADMIN,
    )
    assert _problem(other_quarter, ["body", "period"]) == (
        f"2026-07 is not within the period of the parent goal {quarterly['id']} (2026-Q2)"
    )
    inside = await _post(
        client, "/goals/goals", _goal("key_result", "2026-06", parent_id=quarterly["id"])
    )
    assert (inside["period"], inside["parent_id"]) == ("2026-06", quarterly["id"])


async def test_a_target_below_zero_is_refused_on_a_kpi_that_cannot_be_negative(
    system: System, world: dict[str, str]
) -> None:
    client, _ = system
    negative = await client.post(
        "/goals/goals", json=_goal("kpi_target", "2026-04", target_value="-5"), headers=ADMIN
    )
    assert _problem(negative, ["body", "target_value"]) == (
        "rr_sales cannot be negative: the target -5 is below zero"
    )
    loss = await _post(
        client,
        "/goals/goals",
        _goal("kpi_target", "2026-04", kpi="rr_profit", target_value="-5"),
    )
    assert loss["target_value"] == "-5.00"

    sales = await _post(client, "/goals/goals", _goal("kpi_target", "2026-04"))
    lowered = await client.patch(
        f"/goals/goals/{sales['id']}",
        json={"target_value": "-1", "reason": "Market collapsed"},
        headers={**ADMIN, "If-Match": f'"{sales["id"]}.1"'},
    )
    assert _problem(lowered, ["body", "target_value"]) == (
        "rr_sales cannot be negative: the target -1 is below zero"
    )
    template = await client.post(
        "/goals/goal-templates",
        json={"name": "RR", "items": [{"title": "Sales", "kpi": "rr_sales", "target_value": "-3"}]},
        headers=ADMIN,
    )
    assert _problem(template, ["body", "items", "0", "target_value"]) == (
        "rr_sales cannot be negative: the target -3 is below zero"
    )
    # A KPI with a negative target cannot be made non-negative until the target changes.
    profit = await client.get("/goals/kpi-definitions/rr_profit", headers=ADMIN)
    flag = await client.patch(
        "/goals/kpi-definitions/rr_profit",
        json={"non_negative": True},
        headers={**ADMIN, "If-Match": profit.headers["ETag"]},
    )
    assert _problem(flag, ["body", "non_negative"]) == (
        f"1 rr_profit target(s) are below zero (goal {loss['id']}); change them first"
    )
    assert len(await _published(client, "rr_profit")) == 1


async def test_mentors_are_for_newcomers_present_and_one_at_a_time(
    system: System, world: dict[str, str]
) -> None:
    client, _ = system

    async def refused(body: dict[str, Any], field: str) -> str:
        response = await client.post("/goals/mentorships", json=body, headers=ADMIN)
        return _problem(response, ["body", field])

    start = {"starts_on": "2026-01-05"}
    assert await refused(
        {"mentor_id": "rr-lead", "mentee_id": "rr-gone", **start}, "mentee_id"
    ) == ("only newcomers get a mentor; member rr-gone is backbone")
    assert await refused(
        {"mentor_id": "rr-lead", "mentee_id": "rr-newgone", **start}, "mentee_id"
    ) == (
        "the mentee rr-newgone leaves on 2026-02-28, before the mentorship ends "
        "(2026-01-05 to 2026-04-05)"
    )
    assert await refused(
        {"mentor_id": "rr-lead", "mentee_id": "rr-newgone", "starts_on": "2026-03-02"},
        "mentee_id",
    ) == (
        "the mentee rr-newgone left on 2026-02-28, before the mentorship starts "
        "(2026-03-02 to 2026-06-02)"
    )
    assert await refused({"mentor_id": "rr-gone", "mentee_id": "rr-new", **start}, "mentor_id") == (
        "the mentor rr-gone leaves on 2026-02-28, before the mentorship ends "
        "(2026-01-05 to 2026-04-05)"
    )
    assert await refused({"mentor_id": "rr-new2", "mentee_id": "rr-new", **start}, "mentor_id") == (
        "a mentor is not a newcomer; member rr-new2 is one"
    )
    first = await _post(
        client, "/goals/mentorships", {"mentor_id": "rr-lead", "mentee_id": "rr-new", **start}
    )
    assert (first["starts_on"], first["ends_on"]) == ("2026-01-05", "2026-04-05")
    assert await refused(
        {"mentor_id": "rr-lead", "mentee_id": "rr-new", "starts_on": "2026-04-04"}, "mentee_id"
    ) == (
        "member rr-new already has mentor rr-lead from 2026-01-05 to 2026-04-05, "
        "overlapping 2026-04-04 to 2026-07-04"
    )
    # The next one may start the day the first one ends.
    second = await _post(
        client,
        "/goals/mentorships",
        {"mentor_id": "rr-lead", "mentee_id": "rr-new", "starts_on": "2026-04-05", "months": 1},
    )
    assert (second["starts_on"], second["ends_on"]) == ("2026-04-05", "2026-05-05")
    mentorships = await client.get("/goals/members/rr-new/mentorships", headers=ADMIN)
    assert [m["id"] for m in mentorships.json()["items"]] == [first["id"], second["id"]]


async def test_a_promotion_that_skips_a_tier_needs_a_reason(
    system: System, world: dict[str, str]
) -> None:
    client, _ = system
    path = "/goals/members/rr-new3"
    etag = (await client.get(path, headers=ADMIN)).headers["ETag"]
    skipped = await client.patch(
        path, json={"tier": "management_reserve"}, headers={**ADMIN, "If-Match": etag}
    )
    assert _problem(skipped, ["body", "reason"]) == (
        "newcomer to management_reserve skips backbone: a promotion past the next tier needs "
        "a reason"
    )
    promoted = await client.patch(
        path,
        json={"tier": "management_reserve", "reason": "Led the launch squad alone"},
        headers={**ADMIN, "If-Match": etag},
    )
    assert promoted.status_code == 200, promoted.text
    member = promoted.json()
    assert (member["tier"], member["tier_reason"], member["version"]) == (
        "management_reserve",
        "Led the launch squad alone",
        2,
    )
    # One step needs no reason (and the last reason goes with the change).
    lead = await client.get("/goals/members/rr-lead", headers=ADMIN)
    step = await client.patch(
        "/goals/members/rr-lead",
        json={"tier": "management_reserve"},
        headers={**ADMIN, "If-Match": lead.headers["ETag"]},
    )
    assert (step.json()["tier"], step.json()["tier_reason"]) == ("management_reserve", None)


async def test_a_cascade_that_would_give_a_child_a_negative_target_is_refused(
    system: System, world: dict[str, str]
) -> None:
    client, _ = system
    # Last March rr-lead sold 300 and rr-new2 had 100 of returns: shares 300 and -100.
    for member, value in (("rr-lead", "300"), ("rr-new2", "-100")):
        await _post(
            client,
            "/goals/actuals",
            {
                "owner_id": member,
                "kpi": "rr_sales",
                "date": "2025-03-10",
                "value": value,
                "idempotency_key": f"rr-{member}-2025",
            },
        )
    parent = await _post(
        client,
        "/goals/goals",
        _goal("kpi_target", "2026-03", owner_type="unit", owner_id=world["team"]),
    )
    response = await client.post(
        f"/goals/goals/{parent['id']}/cascade",
        json={
            "mode": "last_year",
            "children": [
                {"owner_type": "member", "owner_id": "rr-lead"},
                {"owner_type": "member", "owner_id": "rr-new2"},
            ],
        },
        headers=ADMIN,
    )
    assert _problem(response, ["body", "children"]) == (
        "rr_sales cannot be negative: rr-new2's target for 2026-03 would be -50.00"
    )
    children = await client.get(f"/goals/goals?parent_id={parent['id']}", headers=ADMIN)
    assert children.json()["items"] == []  # nothing of the refused cascade was kept


async def test_a_retired_kpi_is_published_and_takes_no_new_goals(
    system: System, world: dict[str, str]
) -> None:
    client, _ = system
    kpi = await _post(
        client,
        "/goals/kpi-definitions",
        {"code": "rr_calls", "name": "Calls", "unit": "n", "direction": "lower_is_better"},
    )
    assert kpi["active"] is True
    retired = await client.patch(
        "/goals/kpi-definitions/rr_calls",
        json={"active": False},
        headers={**ADMIN, "If-Match": f'"{kpi["id"]}.1"'},
    )
    assert (retired.json()["active"], retired.json()["version"]) == (False, 2)
    assert [
        (e["active"], e["version"], e["direction"]) for e in await _published(client, "rr_calls")
    ] == [(True, 1, "lower_is_better"), (False, 2, "lower_is_better")]
    refused = await client.post(
        "/goals/goals", json=_goal("kpi_target", "2026-05", kpi="rr_calls"), headers=ADMIN
    )
    assert _problem(refused, ["body", "kpi"]) == (
        "measurable: kpi: the KPI 'rr_calls' is retired: no new goals on it"
    )
    template = await client.post(
        "/goals/goal-templates",
        json={"name": "RR", "items": [{"title": "Calls", "kpi": "rr_calls", "target_value": "3"}]},
        headers=ADMIN,
    )
    assert _problem(template, ["body", "items", "0", "kpi"]) == (
        "the KPI 'rr_calls' is retired: no new goals on it"
    )
