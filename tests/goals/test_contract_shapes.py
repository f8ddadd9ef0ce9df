"""The shapes every goals answer keeps (docs/api.md): each collection is a page followed by
``next_cursor`` to its end, sortable by ``sort``; KPI values are decimal strings at the KPI's
own scale (``scale`` places, 2 unless its definition says otherwise), ratios at 6 places;
a JSON number, or more places than the scale, is a 422 naming the field."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from tests.helpers import auth, post_ok

ADMIN = auth("admin-shapes", ["admin"])
_post = functools.partial(post_ok, headers=ADMIN)
System = tuple[httpx.AsyncClient, Callable[[date], None]]


async def _world(client: httpx.AsyncClient, tag: str) -> dict[str, str]:
    """A company, a team, two members (``{tag}-rep`` and ``{tag}-lead``) and three KPIs:
    ``{tag}_visits`` (scale 0), ``{tag}_revenue`` (the default, 2) and ``{tag}_rate`` (4)."""
    company = (await _post(client, "/goals/org-units", {"name": tag, "kind": "company"}))["id"]
    team = (
        await _post(client, "/goals/org-units", {"name": tag, "kind": "team", "parent_id": company})
    )["id"]
    for member in (f"{tag}-rep", f"{tag}-lead"):
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": member,
                "home_unit_id": team,
                "layer": "execution",
                # The rep is a newcomer: only newcomers get a mentor.
                "tier": "newcomer" if member == f"{tag}-rep" else "backbone",
                "hired_on": "2025-01-06",
            },
        )
    for code, scale in ((f"{tag}_visits", 0), (f"{tag}_revenue", None), (f"{tag}_rate", 4)):
        body: dict[str, Any] = {"code": code, "name": code, "unit": "n"}
        if scale is not None:
            body["scale"] = scale
        kpi = await _post(client, "/goals/kpi-definitions", body)
        assert kpi["scale"] == (2 if scale is None else scale)
    return {"company": company, "team": team, "rep": f"{tag}-rep", "lead": f"{tag}-lead"}


def _actual(tag: str, kpi: str, day: int, value: Any) -> dict[str, Any]:
    return {
        "owner_id": f"{tag}-rep",
        "kpi": f"{tag}_{kpi}",
        "date": f"2026-03-{day:02d}",
        "value": value,
        "idempotency_key": f"{tag}-{kpi}-{day}",
    }


async def _pages(
    client: httpx.AsyncClient, path: str, params: dict[str, str]
) -> list[list[dict[str, Any]]]:
    """Every page of ``path``, following ``next_cursor`` until it is null."""
    pages, cursor = [], None
    while True:
        response = await client.get(
            path, params=params | ({"cursor": cursor} if cursor else {}), headers=ADMIN
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def _locs(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["errors"]]


async def test_actuals_are_pages_followed_to_the_end_in_the_order_asked(system: System) -> None:
    client, _ = system
    await _world(client, "pg")
    for day, value in ((3, "30"), (1, "10"), (5, "50"), (2, "20"), (4, "40")):
        await _post(client, "/goals/actuals", _actual("pg", "revenue", day, value))
    params = {"owner_id": "pg-rep", "period": "2026-03", "limit": "2"}

    pages = await _pages(client, "/goals/actuals", params)
    assert [[(m["date"], m["value"]) for m in page] for page in pages] == [
        [("2026-03-01", "10.00"), ("2026-03-02", "20.00")],
        [("2026-03-03", "30.00"), ("2026-03-04", "40.00")],
        [("2026-03-05", "50.00")],
    ]
    newest_first = await _pages(client, "/goals/actuals", params | {"sort": "-date"})
    assert [m["date"][-2:] for page in newest_first for m in page] == ["05", "04", "03", "02", "01"]
    by_value = await _pages(client, "/goals/actuals", params | {"sort": "-value", "limit": "5"})
    assert [[m["value"] for m in page] for page in by_value] == [
        ["50.00", "40.00", "30.00", "20.00", "10.00"]
    ]

    bad_sort = await client.get("/goals/actuals", params=params | {"sort": "colour"}, headers=ADMIN)
    assert _locs(bad_sort) == [["query", "sort"]]
    first = (await client.get("/goals/actuals", params=params, headers=ADMIN)).json()
    other_sort = await client.get(
        "/goals/actuals",
        params=params | {"sort": "-date", "cursor": first["next_cursor"]},
        headers=ADMIN,
    )
    assert _locs(other_sort) == [["query", "cursor"]]
    too_many = await client.get("/goals/actuals", params=params | {"limit": "201"}, headers=ADMIN)
    assert _locs(too_many) == [["query", "limit"]]


async def test_kpi_definitions_are_a_page_sorted_by_code(system: System) -> None:
    client, _ = system
    await _world(client, "kd")
    pages = await _pages(client, "/goals/kpi-definitions", {"limit": "2"})
    assert all(len(page) == 2 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 2
    codes = [k["code"] for page in pages for k in page]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert [c for c in codes if c.startswith("kd_")] == ["kd_rate", "kd_revenue", "kd_visits"]
    by_name = await _pages(client, "/goals/kpi-definitions", {"limit": "200", "sort": "-name"})
    names = [k["name"] for k in by_name[0]]
    assert len(by_name) == 1 and names == sorted(names, reverse=True)


async def test_values_are_written_at_the_kpi_scale_and_read_back_at_it(system: System) -> None:
    client, _ = system
    await _world(client, "sc")
    visits = await _post(client, "/goals/actuals", _actual("sc", "visits", 2, "7"))
    revenue = await _post(client, "/goals/actuals", _actual("sc", "revenue", 2, "3.5"))
    rate = await _post(client, "/goals/actuals", _actual("sc", "rate", 2, "0.125"))
    assert (visits["value"], revenue["value"], rate["value"]) == ("7", "3.50", "0.1250")

    goal = await _post(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "March revenue",
            "description": "March revenue for the shapes test",
            "owner_type": "member",
            "owner_id": "sc-rep",
            "period": "2026-03",
            "kpi": "sc_revenue",
            "target_value": "14",
            "weight": "2",
        },
    )
    assert (goal["target_value"], goal["weight"]) == ("14.00", "2.000000")
    [figure] = (
        await client.get(
            "/goals/figures",
            params={"owner_id": "sc-rep", "period": "2026-03", "kpi": "sc_revenue"},
            headers=ADMIN,
        )
    ).json()["items"]
    assert (figure["actual"], figure["target"], figure["attainment"]) == (
        "3.50",
        "14.00",
        "0.250000",
    )
    progress = (await client.get(f"/goals/goals/{goal['id']}/progress", headers=ADMIN)).json()
    assert (progress["actual"], progress["target"], progress["attainment"]) == (
        "3.50",
        "14.00",
        "0.250000",
    )

    # More places than the KPI's scale: a 422 naming the field, and nothing stored.
    for kpi, value in (("visits", "7.5"), ("revenue", "3.505"), ("rate", "0.12345")):
        refused = await client.post(
            "/goals/actuals", json=_actual("sc", kpi, 9, value), headers=ADMIN
        )
        assert _locs(refused) == [["body", "value"]], (kpi, value)
    refused_visit = await client.post(
        "/goals/actuals", json=_actual("sc", "visits", 9, "7.5"), headers=ADMIN
    )
    assert refused_visit.json()["errors"][0]["msg"] == (
        "value: sc_visits values have at most 0 decimal places"
    )
    beyond_any = await client.post(
        "/goals/actuals", json=_actual("sc", "rate", 9, "0.1234567"), headers=ADMIN
    )
    assert _locs(beyond_any) == [["body", "value"]]
    fine_target = await client.patch(
        f"/goals/goals/{goal['id']}",
        json={"target_value": "14.001", "reason": "Too fine a target"},
        headers={**ADMIN, "If-Match": f'"{goal["id"]}.1"'},
    )
    assert _locs(fine_target) == [["body", "target_value"]]
    correction = await client.post(
        f"/goals/actuals/{revenue['id']}/corrections",
        json={"value": "3.555", "reason": "Too fine", "idempotency_key": "sc-fix"},
        headers=ADMIN,
    )
    assert _locs(correction) == [["body", "value"]]
    bulk = await _post(
        client,
        "/goals/actuals/bulk",
        {"items": [_actual("sc", "visits", 10, "1"), _actual("sc", "visits", 11, "1.5")]},
        status=200,
    )
    assert (bulk["accepted"], bulk["errors"]) == (
        1,
        [{"row": 2, "errors": ["value: sc_visits values have at most 0 decimal places"]}],
    )
    stored = await _pages(
        client, "/goals/actuals", {"owner_id": "sc-rep", "period": "2026-03", "kpi": "sc_visits"}
    )
    assert [(m["date"], m["value"]) for m in stored[0]] == [
        ("2026-03-02", "7"),
        ("2026-03-10", "1"),
    ]
    wrong_scale = await client.post(
        "/goals/kpi-definitions",
        json={"code": "sc_fine", "name": "Fine", "unit": "n", "scale": 7},
        headers=ADMIN,
    )
    assert _locs(wrong_scale) == [["body", "scale"]]


async def test_a_json_number_where_a_decimal_goes_is_a_422_naming_the_field(
    system: System,
) -> None:
    client, _ = system
    await _world(client, "nu")
    number_value = await client.post(
        "/goals/actuals", json=_actual("nu", "revenue", 2, 18500), headers=ADMIN
    )
    assert _locs(number_value) == [["body", "value"]]
    goal_body = {
        "kind": "kpi_target",
        "title": "March revenue",
        "description": "March revenue for the numbers test",
        "owner_type": "member",
        "owner_id": "nu-rep",
        "period": "2026-03",
        "kpi": "nu_revenue",
    }
    number_target = await client.post(
        "/goals/goals", json={**goal_body, "target_value": 1000}, headers=ADMIN
    )
    assert _locs(number_target) == [["body", "target_value"]]
    number_weight = await client.post(
        "/goals/goals", json={**goal_body, "target_value": "1000", "weight": 1.5}, headers=ADMIN
    )
    assert _locs(number_weight) == [["body", "weight"]]
    objective = await _post(
        client,
        "/goals/goals",
        {
            "kind": "objective",
            "title": "Win the quarter",
            "description": "The quarter's objective for the numbers test",
            "owner_type": "member",
            "owner_id": "nu-rep",
            "period": "2026-Q1",
        },
    )
    number_progress = await client.post(
        f"/goals/goals/{objective['id']}/check-ins",
        json={"month": "2026-03", "progress": 0.5, "confidence": "low"},
        headers=ADMIN,
    )
    assert _locs(number_progress) == [["body", "progress"]]
    check_in = await _post(
        client,
        f"/goals/goals/{objective['id']}/check-ins",
        {"month": "2026-03", "progress": "0.5", "confidence": "low"},
    )
    assert check_in["progress"] == "0.500000"


async def test_every_goal_collection_is_a_page(system: System) -> None:
    client, _ = system
    ids = await _world(client, "co")
    await _post(
        client,
        "/goals/mentorships",
        {"mentor_id": "co-lead", "mentee_id": "co-rep", "starts_on": "2026-01-05"},
    )
    for title, due in (("Second", "2026-03-20"), ("First", "2026-03-10"), ("Third", "2026-03-30")):
        await _post(client, "/goals/tasks", {"owner_id": "co-rep", "title": title, "due_on": due})
    goal = await _post(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "Q1 visits",
            "description": "Visits in the first quarter",
            "owner_type": "member",
            "owner_id": "co-rep",
            "period": "2026-Q1",
            "kpi": "co_visits",
            "target_value": "100",
        },
    )
    assert goal["target_value"] == "100"
    adjusted = await client.patch(
        f"/goals/goals/{goal['id']}",
        json={"target_value": "90", "reason": "Smaller territory"},
        headers={**ADMIN, "If-Match": f'"{goal["id"]}.1"'},
    )
    assert adjusted.status_code == 200, adjusted.text
    await _post(
        client, f"/goals/goals/{goal['id']}/corrections", {"action_taken": "Doubled the calls"}
    )

    tasks = await _pages(client, "/goals/members/co-rep/tasks", {"limit": "2"})
    assert [[t["title"] for t in page] for page in tasks] == [["First", "Second"], ["Third"]]
    by_title = await _pages(client, "/goals/members/co-rep/tasks", {"sort": "-title"})
    assert [t["title"] for t in by_title[0]] == ["Third", "Second", "First"]
    [[mentorship]] = await _pages(client, "/goals/members/co-rep/mentorships", {})
    assert (mentorship["mentor_id"], mentorship["ends_on"]) == ("co-lead", "2026-04-05")
    [[adjustment]] = await _pages(client, f"/goals/goals/{goal['id']}/adjustments", {})
    assert (adjustment["old_value"], adjustment["new_value"]) == ("100", "90")
    [[correction]] = await _pages(client, f"/goals/goals/{goal['id']}/corrections", {})
    assert correction["action_taken"] == "Doubled the calls"
    [check_ins] = await _pages(client, f"/goals/goals/{goal['id']}/check-ins", {})
    assert check_ins == []
    alerts = await _pages(client, "/goals/risk-alerts", {"period": "2026-Q1", "limit": "200"})
    assert goal["id"] in {a["goal_id"] for a in alerts[0]}
    assert all(isinstance(a["expected"], str) for a in alerts[0])
    units = await _pages(client, "/goals/org-units", {"parent_id": ids["company"]})
    assert [u["id"] for page in units for u in page] == [ids["team"]]
    for path in (
        "/goals/members/co-rep/tasks",
        "/goals/members/co-rep/mentorships",
        f"/goals/goals/{goal['id']}/adjustments",
        f"/goals/goals/{goal['id']}/corrections",
        f"/goals/goals/{goal['id']}/check-ins",
        "/goals/risk-alerts",
        "/goals/kpi-definitions",
    ):
        bad = await client.get(path, params={"sort": "nope"}, headers=ADMIN)
        assert _locs(bad) == [["query", "sort"]], path


async def test_the_document_states_the_shapes(system: System) -> None:
    client, _ = system
    app = client._transport.app  # type: ignore[attr-defined]
    document = app.state.service_apps["goals"].openapi()
    csv = document["paths"]["/goals/actuals/csv"]["post"]["requestBody"]
    assert csv["required"] is True and list(csv["content"]) == ["text/csv"]
    assert csv["content"]["text/csv"]["schema"] == {"type": "string"}
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        answer = get["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer.get("type") != "array", path
        names = {p["name"] for p in get.get("parameters", [])}
        assert "limit" not in names or {"cursor", "limit"} <= names, path
    kpi = document["components"]["schemas"]["KpiCreate"]["properties"]["scale"]
    assert (kpi["minimum"], kpi["maximum"], kpi["default"]) == (0, 6, 2)
