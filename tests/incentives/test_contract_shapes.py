"""The API conventions on incentives' bodies: every collection a page (``limit``, ``cursor``,
``sort``), money a ``{"amount", "currency"}`` object in the resource's one currency, ratios
and amounts decimal strings read back at their stated scale (money 2 places, ratios 6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.incentives.desk import FINANCE, HR, PERIOD, Desk


def cny(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "CNY"}


def plan(**fields: Any) -> dict[str, Any]:
    """A plan for nobody (an unknown member), so no run or projection moves."""
    return {
        "name": "Shapes",
        "period": "2026-Q3",
        "currency": "CNY",
        "population": {"member_ids": ["nobody"]},
        "base_pay": cny("30000"),
        **fields,
    }


def error_locs(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    assert "errors" in response.json(), response.text
    return [error["loc"] for error in response.json()["errors"]]


async def pages(desk: Desk, path: str, headers: dict[str, str] = FINANCE) -> list[list[Any]]:
    """Every page of ``path``, following ``next_cursor`` to the end."""
    found: list[list[Any]] = []
    separator = "&" if "?" in path else "?"
    response = await desk.get(path, headers)
    while True:
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        found.append(body["items"])
        if body["next_cursor"] is None:
            return found
        response = await desk.client.get(
            f"/incentives{path}{separator}cursor={body['next_cursor']}", headers=headers
        )
        assert response.status_code == 200, response.text


async def test_ladders_page_by_key_default_first_and_sort_both_ways(desk: Desk) -> None:
    for key in ("c-ladder", "a-ladder", "b-ladder"):
        spec = {"points": [{"attainment": "1", "payout": "1"}]}
        created = await desk.post("/ladders", FINANCE, {"key": key, "name": key, "spec": spec})
        assert created.status_code == 201, created.text
    keys = [[ladder["key"] for ladder in page] for page in await pages(desk, "/ladders?limit=2")]
    assert keys == [["default", "a-ladder"], ["b-ladder", "c-ladder"]]
    descending = await pages(desk, "/ladders?limit=3&sort=-key")
    assert [[ladder["key"] for ladder in page] for page in descending] == [
        ["c-ladder", "b-ladder", "a-ladder"],
        ["default"],
    ]
    # A ladder's ratios come back at 6 places, as written with fewer.
    [a_ladder] = [item for item in descending[0] if item["key"] == "a-ladder"]
    assert a_ladder["spec"] == {
        "interpolation": "linear",
        "floor": "0.000000",
        "points": [{"attainment": "1.000000", "payout": "1.000000"}],
        "accelerator": None,
        "cap": None,
    }


async def test_plans_page_oldest_first_and_newest_first(desk: Desk) -> None:
    ids = []
    for name in ("Second", "Third"):
        created = await desk.post("/plans", FINANCE, plan(name=name))
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    [[first_plan]] = await pages(desk, "/plans?period=2026-Q2")
    oldest = await pages(desk, "/plans?limit=2")
    assert [[p["id"] for p in page] for page in oldest] == [[first_plan["id"], ids[0]], [ids[1]]]
    newest = await pages(desk, "/plans?limit=2&sort=-created_at")
    assert [[p["id"] for p in page] for page in newest] == [[ids[1], ids[0]], [first_plan["id"]]]
    by_name = await pages(desk, "/plans?sort=name")
    assert [p["name"] for p in by_name[0]] == ["Reps 2026-Q2 execution", "Second", "Third"]


async def test_a_sort_or_cursor_it_cannot_use_is_a_422_naming_it(desk: Desk) -> None:
    for path in ("/plans?sort=salary", "/payout-runs?sort=-amount", "/ladders?sort=key,key"):
        response = await desk.client.get(f"/incentives{path}", headers=FINANCE)
        assert error_locs(response) == [["query", "sort"]], path
    spec = {"points": [{"attainment": "1", "payout": "1"}]}
    created = await desk.post("/ladders", FINANCE, {"key": "flat", "name": "Flat", "spec": spec})
    assert created.status_code == 201, created.text
    first = (await desk.get("/ladders?limit=1")).json()
    assert first["next_cursor"] is not None
    other_sort = await desk.client.get(
        f"/incentives/ladders?sort=name&cursor={first['next_cursor']}", headers=FINANCE
    )
    assert error_locs(other_sort) == [["query", "cursor"]]
    too_many = await desk.client.get("/incentives/plans?limit=201", headers=FINANCE)
    assert error_locs(too_many) == [["query", "limit"]]


async def test_amounts_and_ratios_read_back_at_their_scale(desk: Desk) -> None:
    created = await desk.post(
        "/plans",
        FINANCE,
        plan(
            performance_pay=cny("9000.5"),
            target_bonus=cny("20000"),
            bonus_kpis=[{"kpi": "revenue", "weight": "0.6"}, {"kpi": "leads", "weight": "0.4"}],
            rating_multipliers={"A": "1.2", "B": "1"},
            commission={"tiers": [{"from": cny("0"), "rate": "0.02"}]},
        ),
    )
    assert created.status_code == 201, created.text
    body = created.json()
    [terms] = body["terms"]
    assert (terms["base_pay"], terms["performance_pay"], terms["target_bonus"]) == (
        cny("30000.00"),
        cny("9000.50"),
        cny("20000.00"),
    )
    assert [k["weight"] for k in body["bonus_kpis"]] == ["0.600000", "0.400000"]
    assert body["bonus_kpis"][0]["ladder"]["cap"] == "2.000000"
    assert body["rating_multipliers"] == {"A": "1.200000", "B": "1.000000"}
    assert body["commission"] == {"tiers": [{"from": cny("0.00"), "rate": "0.020000"}]}
    assert (await desk.get(f"/plans/{body['id']}")).json() == body


async def test_a_json_number_or_too_many_places_is_a_422_naming_the_field(desk: Desk) -> None:
    cases = [
        (plan(base_pay={"amount": 30000, "currency": "CNY"}), ["body", "base_pay", "amount"]),
        (plan(base_pay="30000.00"), ["body", "base_pay"]),
        (plan(base_pay=cny("30000.005")), ["body", "base_pay", "amount"]),
        (plan(base_pay=cny("-1.00")), ["body", "base_pay", "amount"]),
        (
            plan(bonus_kpis=[{"kpi": "revenue", "weight": 1}]),
            ["body", "bonus_kpis", 0, "weight"],
        ),
        (
            plan(bonus_kpis=[{"kpi": "revenue", "weight": "0.9999999"}]),
            ["body", "bonus_kpis", 0, "weight"],
        ),
        (plan(rating_multipliers={"A": 1.2}), ["body", "rating_multipliers", "A"]),
    ]
    for body, loc in cases:
        assert error_locs(await desk.post("/plans", FINANCE, body)) == [loc], body
    what_if = {"member_id": "s1", "period": PERIOD, "attainments": {"revenue": 1.2}}
    assert error_locs(await desk.post("/what-if", FINANCE, what_if)) == [
        ["body", "attainments", "revenue"]
    ]


async def test_money_in_another_currency_than_the_resources_is_a_422(desk: Desk) -> None:
    usd = {"amount": "100.00", "currency": "USD"}
    assert error_locs(await desk.post("/plans", FINANCE, plan(target_bonus=usd))) == [
        ["body", "target_bonus", "currency"]
    ]
    tiers = {"tiers": [{"from": cny("0"), "rate": "0.02"}, {"from": usd, "rate": "0.03"}]}
    assert error_locs(await desk.post("/plans", FINANCE, plan(commission=tiers))) == [
        ["body", "commission", "tiers", 1, "from", "currency"]
    ]
    [existing] = (await desk.get("/plans")).json()["items"]
    change = {"effective_from": "2026-05-01", "base_pay": usd, "reason": "paid in dollars"}
    response = await desk.client.post(
        f"/incentives/plans/{existing['id']}/terms",
        json=change,
        headers={**FINANCE, "If-Match": f'"{existing["id"]}.{existing["version"]}"'},
    )
    assert error_locs(response) == [["body", "base_pay", "currency"]]
    project = {
        "name": "Dollars",
        "currency": "CNY",
        "awards": [{"member_id": "s1", "amount": cny("10")}, {"member_id": "s2", "amount": usd}],
    }
    assert error_locs(await desk.post("/projects", HR, project)) == [
        ["body", "awards", 1, "amount", "currency"]
    ]


async def test_a_run_pages_its_lines_and_totals_money_by_currency(desk: Desk) -> None:
    adjustment = {
        "member_id": "s1",
        "period": PERIOD,
        "amount": cny("-12.5"),
        "reason": "A credit note",
    }
    added = await desk.post("/adjustments", FINANCE, adjustment)
    assert added.status_code == 201, added.text
    assert (added.json()["amount"], added.json()["currency"]) == (cny("-12.50"), "CNY")
    run_id, etag = await desk.draft_run()
    run = (await desk.get(f"/payout-runs/{run_id}")).json()
    # Six members on base pay (no review, no figures yet: 0 performance pay and bonus).
    assert run["totals"] == [cny("179987.50")]
    assert {m["member_id"]: m["total"] for m in run["member_totals"]} == {
        "adm-1": cny("30000.00"),
        "fin-paid": cny("30000.00"),
        "fin-paid-2": cny("30000.00"),
        "mk1": cny("30000.00"),
        "s1": cny("29987.50"),
        "s2": cny("30000.00"),
    }
    [everything] = await pages(desk, f"/payout-runs/{run_id}/lines?limit=200")
    assert len(everything) == run["lines"] == 6 * 3 + 1
    paged = await pages(desk, f"/payout-runs/{run_id}/lines?limit=4")
    assert [len(page) for page in paged] == [4, 4, 4, 4, 3]
    assert [line for page in paged for line in page] == everything
    assert [line["member_id"] for line in everything[:3]] == ["adm-1"] * 3
    [s1_lines] = await pages(desk, f"/payout-runs/{run_id}/lines?member_id=s1&sort=amount")
    assert [(line["rule"], line["amount"]) for line in s1_lines] == [
        ("adjustment", cny("-12.50")),
        ("performance_pay", cny("0.00")),
        ("kpi_bonus", cny("0.00")),
        ("base_pay", cny("30000.00")),
    ]
    assert sum(Decimal(line["amount"]["amount"]) for line in everything) == Decimal("179987.50")

    approved = await desk.approve(run_id, FINANCE, etag)
    assert approved.status_code == 200, approved.text
    [event] = await desk.events("incentives.payout.approved")
    assert event["totals"] == [cny("179987.50")]
    assert {m["member_id"]: m["total"] for m in event["member_totals"]} == {
        m["member_id"]: m["total"] for m in run["member_totals"]
    }
    bonuses = {e["member_id"]: e for e in await desk.events("incentives.bonus.calculated")}
    assert bonuses["s1"]["total"] == cny("29987.50")
    assert bonuses["s1"]["lines"][-1] == {
        "rule": "adjustment",
        "amount": cny("-12.50"),
        "tier": None,
    }
    [[listed]] = await pages(desk, "/payout-runs?state=approved")
    assert (listed["id"], listed["totals"]) == (run_id, [cny("179987.50")])
    [[by_period]] = await pages(desk, f"/payout-runs?period={PERIOD}")
    assert by_period["id"] == run_id
    assert (await desk.get("/payout-runs?period=2026-Q3")).json()["items"] == []
    assert (await desk.get("/payout-runs?state=draft")).json() == {
        "items": [],
        "next_cursor": None,
    }


async def test_projects_and_adjustments_page_with_their_sorts(desk: Desk) -> None:
    for member_id, amount in (("s2", "300"), ("s1", "100"), ("mk1", "200")):
        body = {
            "name": f"For {member_id}",
            "awards": [{"member_id": member_id, "amount": cny(amount)}],
        }
        created = await desk.post("/projects", HR, body)
        assert created.status_code == 201, created.text
        assert created.json()["awards"] == [{"member_id": member_id, "amount": cny(f"{amount}.00")}]
        adjustment = {
            "member_id": member_id,
            "period": PERIOD,
            "amount": cny(amount),
            "reason": "x",
        }
        assert (await desk.post("/adjustments", FINANCE, adjustment)).status_code == 201
    projects = await pages(desk, "/projects?limit=2&sort=name")
    assert [[p["name"] for p in page] for page in projects] == [
        ["For mk1", "For s1"],
        ["For s2"],
    ]
    assert [p["state"] for page in projects for p in page] == ["proposed"] * 3
    assert (await desk.get("/projects?state=approved")).json()["items"] == []
    adjustments = await pages(desk, "/adjustments?limit=2&sort=-amount")
    assert [[(a["member_id"], a["amount"]) for a in page] for page in adjustments] == [
        [("s2", cny("300.00")), ("mk1", cny("200.00"))],
        [("s1", cny("100.00"))],
    ]
    oldest = await pages(desk, "/adjustments")
    assert [a["member_id"] for a in oldest[0]] == ["s2", "s1", "mk1"]
