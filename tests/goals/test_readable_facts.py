"""Issue 16's readable facts in goals, through the gateway: the goal templates as a page;
one KPI's figures for a period across a unit's members (and its sub-units'), each caller
seeing whom they may; the team weekly report for the unit's manager, HR and admins; SMART
findings that name their field."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.helpers import auth, post_ok
from tests.system import settled

ADMIN = auth("facts-admin", ["admin"])
HR = auth("facts-hr", ["hr"])
_post = functools.partial(post_ok, headers=ADMIN)
System = tuple[httpx.AsyncClient, Callable[[date], None]]


async def _get(client: httpx.AsyncClient, path: str, headers: dict[str, str] = ADMIN) -> Any:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _query_problem(response: httpx.Response, name: str) -> str:
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [["query", name]], errors
    message: str = errors[0]["msg"]
    return message


@pytest.fixture(scope="module")
async def world(system: System) -> dict[str, str]:
    """A department with teams North (rf-a1, rf-a2) and South (rf-b1, and rf-b2 who left in
    February), one member in the department itself (rf-d1); KPI rf_sales with March actuals
    for rf-a1 (100 + 50), rf-a2 (70), rf-b1 (30) and rf-d1 (5)."""
    client, _ = system
    company = (await _post(client, "/goals/org-units", {"name": "RF", "kind": "company"}))["id"]
    ids = {"company": company}
    ids["dept"] = (
        await _post(
            client, "/goals/org-units", {"name": "RF", "kind": "department", "parent_id": company}
        )
    )["id"]
    for name in ("north", "south"):
        ids[name] = (
            await _post(
                client, "/goals/org-units", {"name": name, "kind": "team", "parent_id": ids["dept"]}
            )
        )["id"]
    for member, unit in (
        ("rf-a1", "north"),
        ("rf-a2", "north"),
        ("rf-b1", "south"),
        ("rf-b2", "south"),
        ("rf-d1", "dept"),
    ):
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": member.upper(),
                "home_unit_id": ids[unit],
                "layer": "execution",
                "tier": "backbone",
                "hired_on": "2025-01-06",
            },
        )
    etag = (await client.get("/goals/members/rf-b2", headers=ADMIN)).headers["ETag"]
    left = await client.patch(
        "/goals/members/rf-b2",
        json={"left_on": "2026-02-27", "leave_reason": "voluntary"},
        headers={**ADMIN, "If-Match": etag},
    )
    assert left.status_code == 200, left.text
    await _post(client, "/goals/kpi-definitions", {"code": "rf_sales", "name": "S", "unit": "CNY"})
    for member, day, value in (
        ("rf-a1", 3, "100"),
        ("rf-a1", 9, "50"),
        ("rf-a2", 4, "70"),
        ("rf-b1", 5, "30"),
        ("rf-d1", 6, "5"),
    ):
        await _post(
            client,
            "/goals/actuals",
            {
                "owner_id": member,
                "kpi": "rf_sales",
                "date": f"2026-03-{day:02d}",
                "value": value,
                "idempotency_key": f"rf-{member}-{day}",
            },
        )
    await settled(client)
    return ids


async def test_goal_templates_are_a_page(system: System, world: dict[str, str]) -> None:
    client, _ = system
    made = []
    for name, target in (("Rep", "40"), ("Lead", "10"), ("Analyst", "2.5")):
        made.append(
            await _post(
                client,
                "/goals/goal-templates",
                {
                    "name": name,
                    "items": [{"title": name, "kpi": "rf_sales", "target_value": target}],
                },
            )
        )
    first = await _get(client, "/goals/goal-templates?limit=2")
    assert [t["name"] for t in first["items"]] == ["Rep", "Lead"]
    assert first["items"][0] == made[0]
    rest = await _get(client, f"/goals/goal-templates?limit=2&cursor={first['next_cursor']}")
    assert (rest["items"], rest["next_cursor"]) == ([made[2]], None)
    assert rest["items"][0]["items"][0]["target_value"] == "2.50"
    by_name = await _get(client, "/goals/goal-templates?sort=name")
    assert [t["name"] for t in by_name["items"]] == ["Analyst", "Lead", "Rep"]
    member = await client.get("/goals/goal-templates", headers=auth("rf-a1", ["member"]))
    assert member.status_code == 403, member.text


def _figures(items: list[dict[str, Any]]) -> list[tuple[str, str | None, int]]:
    return [(f["owner_id"], f["actual"], f["measurements"]) for f in items]


async def test_a_kpis_figures_across_a_units_members(system: System, world: dict[str, str]) -> None:
    client, _ = system
    base = f"/goals/figures?kpi=rf_sales&period=2026-03&unit_id={world['dept']}"
    direct = await _get(client, base)
    assert (_figures(direct["items"]), direct["next_cursor"]) == ([("rf-d1", "5.00", 1)], None)
    everyone = await _get(client, base + "&include_sub_units=true")
    assert _figures(everyone["items"]) == [
        ("rf-a1", "150.00", 2),
        ("rf-a2", "70.00", 1),
        ("rf-b1", "30.00", 1),
        ("rf-d1", "5.00", 1),
    ]
    assert everyone["items"][0] == {
        "owner_type": "member",
        "owner_id": "rf-a1",
        "kpi": "rf_sales",
        "period": "2026-03",
        "actual": "150.00",
        "target": None,
        "attainment": None,
        "measurements": 2,
    }
    paged = await _get(client, base + "&include_sub_units=true&limit=3&sort=-attainment")
    assert len(paged["items"]) == 3 and paged["next_cursor"] is not None
    quarter = await _get(
        client, f"/goals/figures?kpi=rf_sales&period=2026-Q1&unit_id={world['north']}"
    )
    assert _figures(quarter["items"]) == [("rf-a1", "150.00", 2), ("rf-a2", "70.00", 1)]

    # North's manager sees North's members only, even across the department; a member
    # of North sees themself; HR sees everyone.
    north_manager = auth("rf-a1", ["manager"], [world["north"]])
    managed = await _get(client, base + "&include_sub_units=true", north_manager)
    assert _figures(managed["items"]) == [("rf-a1", "150.00", 2), ("rf-a2", "70.00", 1)]
    own = await _get(
        client,
        f"/goals/figures?kpi=rf_sales&period=2026-03&unit_id={world['north']}",
        auth("rf-a2", ["member"]),
    )
    assert _figures(own["items"]) == [("rf-a2", "70.00", 1)]
    south = await client.get(
        f"/goals/figures?kpi=rf_sales&period=2026-03&unit_id={world['south']}",
        headers=auth("rf-a2", ["member"]),
    )
    assert south.status_code == 403, south.text
    assert len((await _get(client, base + "&include_sub_units=true", HR))["items"]) == 4

    no_kpi = await client.get(
        f"/goals/figures?period=2026-03&unit_id={world['dept']}", headers=ADMIN
    )
    assert _query_problem(no_kpi, "kpi") == "figures across a unit's members need the KPI's code"
    no_period = await client.get(
        f"/goals/figures?kpi=rf_sales&unit_id={world['dept']}", headers=ADMIN
    )
    assert _query_problem(no_period, "period") == "figures across a unit's members need a period"
    both = await client.get(base + "&owner_id=rf-a1", headers=ADMIN)
    assert _query_problem(both, "unit_id") == "give owner_id or unit_id, not both"
    neither = await client.get("/goals/figures?kpi=rf_sales", headers=ADMIN)
    assert _query_problem(neither, "owner_id") == "name the owner (owner_id) or the unit (unit_id)"
    unknown = await client.get(
        "/goals/figures?kpi=rf_sales&period=2026-03&unit_id=no-such-unit", headers=ADMIN
    )
    assert unknown.status_code == 404, unknown.text


async def test_the_team_weekly_report(system: System, world: dict[str, str]) -> None:
    client, _ = system
    # Tasks are completed now (the real clock), so the report is of this real week.
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())
    tasks: dict[str, dict[str, Any]] = {}
    for key, owner, due in (
        ("a1-done", "rf-a1", monday + timedelta(days=1)),
        ("a1-late", "rf-a1", monday - timedelta(days=3)),
        ("a1-next", "rf-a1", monday + timedelta(days=9)),
        ("a2-later", "rf-a2", monday + timedelta(days=30)),
        ("b1-due", "rf-b1", monday + timedelta(days=6)),
    ):
        tasks[key] = await _post(
            client, "/goals/tasks", {"owner_id": owner, "title": key, "due_on": due.isoformat()}
        )
    done = await client.patch(
        f"/goals/tasks/{tasks['a1-done']['id']}",
        json={"status": "done"},
        headers={**ADMIN, "If-Match": f'"{tasks["a1-done"]["id"]}.1"'},
    )
    assert done.status_code == 200, done.text

    def ids(found: list[dict[str, Any]]) -> list[str]:
        return [t["title"] for t in found]

    north = f"/goals/units/{world['north']}/weekly-report?week_of={today.isoformat()}"
    report = await _get(client, north, auth("rf-a1", ["manager"], [world["north"]]))
    assert (report["unit_id"], report["week_start"], report["week_end"]) == (
        world["north"],
        monday.isoformat(),
        (monday + timedelta(days=6)).isoformat(),
    )
    assert [
        (m["member_id"], m["name"], ids(m["done"]), ids(m["next"]), ids(m["at_risk"]))
        for m in report["members"]
    ] == [
        ("rf-a1", "RF-A1", ["a1-done"], ["a1-next"], ["a1-late"]),
        ("rf-a2", "RF-A2", [], [], []),
    ]
    assert report["members"][0]["done"][0]["status"] == "done"
    assert report["totals"] == {"members": 2, "done": 1, "next": 1, "at_risk": 1}

    # The department with its teams, for HR: rf-b2 left before the week and is not in it.
    whole = await _get(
        client,
        f"/goals/units/{world['dept']}/weekly-report?week_of={today.isoformat()}"
        "&include_sub_units=true",
        HR,
    )
    assert [m["member_id"] for m in whole["members"]] == ["rf-a1", "rf-a2", "rf-b1", "rf-d1"]
    assert whole["include_sub_units"] is True
    assert whole["totals"] == {"members": 4, "done": 1, "next": 1, "at_risk": 2}

    for headers in (auth("rf-b1", ["manager"], [world["south"]]), auth("rf-a2", ["member"])):
        refused = await client.get(north, headers=headers)
        assert refused.status_code == 403, refused.text
    missing = await client.get("/goals/units/no-such-unit/weekly-report", headers=ADMIN)
    assert missing.status_code == 404, missing.text


async def test_smart_findings_name_their_field(system: System, world: dict[str, str]) -> None:
    client, _ = system
    vague = {
        "kind": "key_result",
        "title": "More",
        "description": "More",
        "owner_type": "member",
        "owner_id": "rf-a1",
        "period": "2025-Q4",
    }
    report = (await client.post("/goals/smart-check", json=vague, headers=ADMIN)).json()
    assert report == {
        "errors": [
            {
                "criterion": "specific",
                "field": "description",
                "message": "description: describe the goal in at least 10 characters (it has 4)",
            },
            {
                "criterion": "measurable",
                "field": "kpi",
                "message": "kpi: a key result or KPI target needs a known KPI's code",
            },
            {
                "criterion": "measurable",
                "field": "target_value",
                "message": "target_value: set the value the goal measures against",
            },
        ],
        "warnings": [
            {
                "criterion": "time-bound",
                "field": "period",
                "message": "period: 2025-Q4 has already ended",
            },
            {
                "criterion": "relevant",
                "field": "parent_id",
                "message": (
                    "parent_id: align the goal to a parent goal; only company goals stand alone"
                ),
            },
        ],
    }
    refused = await client.post("/goals/goals", json=vague, headers=ADMIN)
    assert refused.status_code == 422, refused.text
    assert [(e["loc"], e["msg"]) for e in refused.json()["errors"]] == [
        (["body", "description"], f"specific: {report['errors'][0]['message']}"),
        (["body", "kpi"], f"measurable: {report['errors'][1]['message']}"),
        (["body", "target_value"], f"measurable: {report['errors'][2]['message']}"),
    ]
    unknown = await client.post(
        "/goals/smart-check",
        json={**vague, "description": "Sell more in the north", "kpi": "nope", "target_value": "1"},
        headers=ADMIN,
    )
    assert unknown.json()["errors"] == [
        {"criterion": "measurable", "field": "kpi", "message": "kpi: no KPI with code 'nope'"}
    ]
    # Achievable: far beyond the best recent month (rf-a1's March, 150).
    stretch = await client.post(
        "/goals/smart-check",
        json={
            **vague,
            "kind": "kpi_target",
            "description": "Sell far more in the north",
            "period": "2026-04",
            "kpi": "rf_sales",
            "target_value": "300",
        },
        headers=ADMIN,
    )
    assert stretch.json()["warnings"] == [
        {
            "criterion": "relevant",
            "field": "parent_id",
            "message": "parent_id: align the goal to a parent goal; only company goals stand alone",
        },
        {
            "criterion": "achievable",
            "field": "target_value",
            "message": (
                "target_value: 300 is 100% beyond the best of the last 4 month periods "
                "(150.000000); the margin is 30%"
            ),
        },
    ]
