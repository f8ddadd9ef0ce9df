"""Issue 5's payout story through the gateway, in one process: plans with ladders and
commission tiers, live projections from goals' actuals, what-if, deals and refunds, a
mid-period change, a project bonus, a quarterly review that produces the payout run,
approval, the payroll CSV, a correction as an adjustment in the next run, and the month's
stars. Every amount is computed here by hand."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import text

from incentives import verify as incentives_verify
from shared.verify import check_copies
from tests.builders import (
    actual_item,
    actuals,
    indicator,
    kpi,
    kpi_target,
    org,
    scorecard,
)
from tests.builders import plan as incentive_plan
from tests.helpers import auth, post_ok
from tests.system import settled

D = Decimal
HR = auth("hr-1", ["hr"])
FINANCE = auth("fin-1", ["finance"])
FINANCE_2 = auth("fin-2", ["finance"])
_hr = functools.partial(post_ok, headers=HR)
_finance = functools.partial(post_ok, headers=FINANCE)

# Monthly revenue (target 100,000 a month) and leads; s2 joins on 2026-02-01.
REVENUE = {
    "s1": {"2026-01": "110000", "2026-02": "90000", "2026-03": "130000"},
    "s2": {"2026-02": "100000", "2026-03": "140000"},
}
LEADS = {"s1": {"2026-01": "50", "2026-02": "40", "2026-03": "30"}, "s2": {"2026-03": "79"}}
# Quarter targets: s1 330,000 / 300,000 = 110% revenue, 120 / 150 = 80% leads;
# s2 240,000 / 200,000 = 120% revenue, 79 / 100 = 79% leads (under the 80% floor).
QUARTER_TARGETS = {"s1": ("300000", "150"), "s2": ("200000", "100")}


async def _goal(client: httpx.AsyncClient, member: str, code: str, period: str, value: str) -> None:
    await kpi_target(client, owner=member, kpi=code, period=period, target=value, headers=HR)


async def step_1_a_sales_team_with_targets_and_actuals(client: httpx.AsyncClient) -> str:
    """A sales team (a lead, s1, s2 from February), revenue and leads with monthly and
    quarter targets, and the quarter's actuals; returns the team's id."""
    units = await (
        org(client, headers=HR)
        .unit("company", "Co", kind="company")
        .unit("team", "销售 Sales", parent="company")
        .member("lead", unit="team", layer="management", manager=None)
        .member("s1", unit="team", manager="lead")
        .member("s2", unit="team", manager="lead", hired_on="2026-02-01")
    )
    for code in ("revenue", "leads"):
        await kpi(client, code, headers=HR)
    await scorecard(client, "sales", "Sales scorecard", indicator("revenue", "Revenue"), headers=HR)
    for member, months in REVENUE.items():
        for month in months:
            await _goal(client, member, "revenue", month, "100000")
        revenue_target, leads_target = QUARTER_TARGETS[member]
        await _goal(client, member, "revenue", "2026-Q1", revenue_target)
        await _goal(client, member, "leads", "2026-Q1", leads_target)
    items = [
        actual_item(member, kpi_code, f"{month}-15", value, f"{member}-{kpi_code}-{month}")
        for kpi_code, table in (("revenue", REVENUE), ("leads", LEADS))
        for member, months in table.items()
        for month, value in months.items()
    ]
    await actuals(client, items, headers=HR)
    await settled(client)
    return units["team"]


def cny(amount: str) -> dict[str, str]:
    """``amount`` as a Money body in CNY."""
    return {"amount": amount, "currency": "CNY"}


def amount_of(money: dict[str, str]) -> Decimal:
    """The amount of a Money body, which must be CNY."""
    assert money["currency"] == "CNY", money
    return D(money["amount"])


async def _get(client: httpx.AsyncClient, path: str, headers: dict[str, str] = FINANCE) -> Any:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _amounts(lines: list[dict[str, Any]]) -> list[tuple[str, str | None, Decimal]]:
    return [(line["rule"], line["inputs"].get("kpi"), amount_of(line["amount"])) for line in lines]


async def _count(client: httpx.AsyncClient, event_type: str) -> int:
    app = client._transport.app  # type: ignore[attr-defined]
    database = app.state.service_apps["incentives"].state.database
    async with database.sessions() as session:
        found = await session.scalar(
            text('SELECT count(*) FROM "incentives".outbox WHERE event_type = :t'),
            {"t": event_type},
        )
    return int(found or 0)


async def step_2_finance_sets_the_plans(client: httpx.AsyncClient, team: str) -> str:
    """The team's plan (ladders, commission tiers), the lead's own plan; a bad plan and a
    member's plan are refused."""
    plan = await incentive_plan(
        client,
        "Sales Q1",
        period="2026-Q1",
        population={"unit_id": team},
        base_pay="30000",
        performance_pay="9000",
        target_bonus="20000",
        bonus_kpis=[
            {"kpi": "revenue", "weight": "0.6"},
            {"kpi": "leads", "weight": "0.4", "ladder": "default"},
        ],
        commission=[("0", "0.02"), ("100000", "0.03")],
        headers=FINANCE,
    )
    assert plan["currency"] == "CNY"
    assert plan["bonus_kpis"][0]["ladder"]["floor"] == "0.800000"
    assert plan["terms"][0]["base_pay"] == {"amount": "30000.00", "currency": "CNY"}
    assert plan["commission"]["tiers"][1] == {
        "from": {"amount": "100000.00", "currency": "CNY"},
        "rate": "0.030000",
    }
    # The lead has a plan of their own: more specific than the team's.
    await incentive_plan(
        client,
        "Team lead Q1",
        period="2026-Q1",
        population={"member_ids": ["lead"]},
        base_pay="45000",
        performance_pay="15000",
        headers=FINANCE,
    )
    bad = await client.post(
        "/incentives/plans",
        headers=FINANCE,
        json={
            "name": "Bad",
            "period": "2026-Q1",
            "bonus_kpis": [{"kpi": "revenue", "weight": "0.5"}],
        },
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    await settled(client)
    as_member = await client.post(
        "/incentives/plans",
        headers=auth("s1", ["member"], [team]),
        json={"name": "Mine", "period": "2026-Q1", "base_pay": cny("999999")},
    )
    assert as_member.status_code == 403
    return str(plan["id"])


async def step_3_the_live_projection_follows_the_figures(client: httpx.AsyncClient) -> Any:
    """Returns the revision of s1's projection."""
    # The live projection at the current figures: performance pay at target until a review
    # closes. s1: 30000 + 9000 + 20000 x 0.6 x 125% + 20000 x 0.4 x 50% = 58000.
    [projection] = (await _get(client, "/incentives/members/s1/projection"))["items"]
    assert projection["total"] == {"amount": "58000.00", "currency": "CNY"}
    assert _amounts(projection["lines"]) == [
        ("base_pay", None, D("30000.00")),
        ("performance_pay", None, D("9000.00")),
        ("kpi_bonus", "revenue", D("15000.00")),
        ("kpi_bonus", "leads", D("4000.00")),
    ]
    revenue_line = projection["lines"][2]
    assert revenue_line["tier"] == "100% to 120% (linear 100% to 150%)"
    assert D(revenue_line["inputs"]["attainment"]) == D("1.1")
    assert len(revenue_line["inputs"]["events"]) == 1  # the KPIUpdated behind it
    [s2_projection] = (await _get(client, "/incentives/members/s2/projection"))["items"]
    s2_leads = s2_projection["lines"][3]
    assert (s2_leads["tier"], s2_leads["amount"]) == (
        "below the floor of 80%: nothing",
        {"amount": "0.00", "currency": "CNY"},
    )
    return projection["revision"]


async def step_4_a_what_if_stores_nothing(client: httpx.AsyncClient, revision: Any) -> None:
    # What-if: nothing stored, the projection unchanged.
    what_if = await _finance(
        client,
        "/incentives/what-if",
        {
            "member_id": "s1",
            "period": "2026-Q1",
            "attainments": {"revenue": "1.2", "leads": "2.5"},
            "rating": "S",
        },
        status=200,
    )
    # 30000 + 9000 x 1.5 + 20000 x 0.6 x 150% + 20000 x 0.4 x 200% (the cap) = 77500.
    assert what_if["total"] == {"amount": "77500.00", "currency": "CNY"}
    assert what_if["lines"][3]["tier"] == "capped at 200%"
    assert [
        p["revision"] for p in (await _get(client, "/incentives/members/s1/projection"))["items"]
    ] == [revision]


async def step_5_deals_and_a_refund_earn_commission(client: httpx.AsyncClient) -> None:
    # Deals and a refund: tiers on the quarter's cumulative revenue; the refund reverses
    # at the rate that paid it (the top of deal d2 was paid at 3%).
    deal = {"member_id": "s1"}
    first = await _finance(
        client,
        "/incentives/revenue",
        {**deal, "id": "d1", "amount": cny("80000"), "closed_on": "2026-01-20"},
    )
    second = await _finance(
        client,
        "/incentives/revenue",
        {**deal, "id": "d2", "amount": cny("40000"), "closed_on": "2026-02-10"},
    )
    assert (first["commission"], second["commission"]) == (cny("1600.00"), cny("1000.00"))
    assert second["cumulative_before"] == cny("80000.00")
    assert [(s["revenue"], s["rate"]) for s in second["slices"]] == [
        (cny("20000.00"), "0.020000"),
        (cny("20000.00"), "0.030000"),
    ]
    again = await _finance(
        client,
        "/incentives/revenue",
        {**deal, "id": "d2", "amount": cny("40000"), "closed_on": "2026-02-10"},
        status=200,
    )
    assert again["commission"] == second["commission"]
    refund = await _finance(
        client,
        "/incentives/revenue",
        {
            **deal,
            "id": "r1",
            "kind": "refund",
            "deal_id": "d2",
            "amount": cny("15000"),
            "closed_on": "2026-03-02",
        },
    )
    assert refund["commission"] == cny("-450.00")  # 15000 at 3%, not at today's 2%
    too_much = await client.post(
        "/incentives/revenue",
        headers=FINANCE,
        json={
            **deal,
            "id": "r2",
            "kind": "refund",
            "deal_id": "d2",
            "amount": cny("30000"),
            "closed_on": "2026-03-03",
        },
    )
    assert too_much.status_code == 409, too_much.text
    await settled(client)
    [projection] = (await _get(client, "/incentives/members/s1/projection"))["items"]
    assert amount_of(projection["total"]) == D("58000.00") + 1600 + 1000 - 450


async def step_6_the_target_bonus_changes_from_march(
    client: httpx.AsyncClient, plan_id: str
) -> None:
    # From March 1 the target bonus is 26000 (If-Match the plan's ETag).
    etag = (await client.get(f"/incentives/plans/{plan_id}", headers=FINANCE)).headers["ETag"]
    change = {
        "effective_from": "2026-03-01",
        "target_bonus": cny("26000"),
        "reason": "新品上市 launch",
    }
    stale = await client.post(
        f"/incentives/plans/{plan_id}/terms",
        headers={**FINANCE, "If-Match": '"stale"'},
        json=change,
    )
    assert stale.status_code == 412
    changed = await client.post(
        f"/incentives/plans/{plan_id}/terms", headers={**FINANCE, "If-Match": etag}, json=change
    )
    assert changed.status_code == 200, changed.text
    assert [t["target_bonus"] for t in changed.json()["terms"]] == [
        cny("20000.00"),
        cny("26000.00"),
    ]
    await settled(client)


async def step_7_a_project_bonus_is_marked_and_approved(
    client: httpx.AsyncClient, team: str
) -> None:
    # A special project: a manager marks it successful, another person (finance) approves.
    project = await post_ok(
        client,
        "/incentives/projects",
        {"name": "Big account 大客户", "awards": [{"member_id": "s1", "amount": cny("5000")}]},
        headers=auth("lead", ["manager"], [team]),
    )
    early = await client.post(f"/incentives/projects/{project['id']}/approve", headers=FINANCE)
    assert early.status_code == 409
    await post_ok(
        client,
        f"/incentives/projects/{project['id']}/success",
        {"note": "Signed the account"},
        headers=auth("lead", ["manager"], [team]),
        status=200,
    )
    approved = await _finance(
        client, f"/incentives/projects/{project['id']}/approve", {}, status=200
    )
    assert approved["state"] == "approved"


async def step_8_the_quarterly_review_makes_the_payout_run(
    client: httpx.AsyncClient, team: str
) -> tuple[dict[str, Any], list[tuple[str, str | None, Decimal]]]:
    """Returns the run and the lines s1 is paid, by hand."""
    # The quarterly review: ratings set in calibration; closing makes the payout run.
    cycle = (
        await _hr(
            client,
            "/performance/review-cycles",
            {
                "name": "Sales Q1 2026",
                "kind": "quarterly",
                "period": "2026-Q1",
                "population": {"unit_ids": [team]},
            },
        )
    )["id"]
    for state in ("self_assessment", "manager_assessment", "calibration"):
        await _hr(client, f"/performance/review-cycles/{cycle}/advance", {"to": state}, status=200)
    reviews = (await _get(client, f"/performance/review-cycles/{cycle}/reviews", HR))["items"]
    ratings = {"s1": "A", "s2": "B", "lead": "B"}
    for review in reviews:
        await _hr(
            client,
            f"/performance/reviews/{review['id']}/calibrations",
            {"rating": ratings[review["member_id"]], "reason": "Calibrated in the Q1 meeting"},
            status=200,
        )
    assert await _get(client, "/incentives/payout-runs") == {"items": [], "next_cursor": None}
    await _hr(
        client,
        f"/performance/review-cycles/{cycle}/advance",
        {"to": "closed", "acknowledge_distribution": {"reason": "A team of a few reps"}},
        status=200,
    )
    await settled(client)

    [run] = (await _get(client, "/incentives/payout-runs"))["items"]
    assert (run["period"], run["state"]) == ("2026-Q1", "draft")
    # By hand. Q1 has 90 days; from March 1 (31 days) the target bonus is 26000.
    # s1 (all 90 days): bonus target 20000 x 59/90 + 26000 x 31/90 = 22066.67
    #   base 30000; performance 9000 x 1.2 (A) = 10800; revenue 22066.67 x 0.6 x 125% = 16550;
    #   leads 22066.67 x 0.4 x 50% = 4413.33; commission 1600 + 1000 - 450; project 5000.
    # s2 (joined Feb 1: 28 days of February, 31 of March): base 30000 x 59/90 = 19666.67;
    #   performance 9000 x 59/90 x 1.0 (B) = 5900; bonus target 20000 x 28/90 + 26000 x
    #   31/90 = 15177.78, revenue x 0.6 x 150% = 13660; leads at 79%: 0.
    # lead (own plan): 45000 + 15000 x 1.0 (B) = 60000.
    bonus_target = D(20000) * 59 / 90 + D(26000) * 31 / 90
    s1_lines = [
        ("base_pay", None, D("30000.00")),
        ("performance_pay", None, D("10800.00")),
        ("kpi_bonus", "revenue", (bonus_target * D("0.75")).quantize(D("0.01"))),
        ("kpi_bonus", "leads", (bonus_target * D("0.2")).quantize(D("0.01"))),
        ("commission", None, D("1600.00")),
        ("commission", None, D("1000.00")),
        ("commission_reversal", None, D("-450.00")),
        ("project_bonus", None, D("5000.00")),
    ]
    assert [amount for *_rest, amount in s1_lines[2:4]] == [D("16550.00"), D("4413.33")]
    totals = {m["member_id"]: amount_of(m["total"]) for m in run["member_totals"]}
    assert totals == {
        "s1": D("68913.33"),
        "s2": D("19666.67") + D("5900.00") + D("13660.00"),
        "lead": D("60000.00"),
    }
    assert run["totals"] == [cny(str(D("68913.33") + D("39226.67") + D("60000.00")))]
    return run, s1_lines


async def step_9_statements_are_read_by_whom_they_concern(
    client: httpx.AsyncClient,
    team: str,
    run: dict[str, Any],
    s1_lines: list[tuple[str, str | None, Decimal]],
) -> None:
    # Statements: the member, their manager, finance and HR; never another member.
    statement = await _get(
        client, "/incentives/members/s1/statements/2026-Q1", auth("s1", ["member"], [team])
    )
    assert statement["rounding"] == "half up to the cent, once per line"
    [in_run] = statement["runs"]
    assert _amounts(in_run["lines"]) == s1_lines
    performance_line = in_run["lines"][1]
    assert performance_line["tier"] == "rating A: x1.20"
    assert performance_line["inputs"]["rating"] == "A"
    assert len(performance_line["inputs"]["events"]) == 1  # the ReviewClosed behind it
    assert in_run["lines"][6]["tier"] == "15000.00 at 3%"
    # The inputs a line records carry money as Money too.
    assert in_run["lines"][0]["inputs"]["segments"][0]["base_pay"] == cny("30000.00")
    d2_inputs = in_run["lines"][5]["inputs"]
    assert (d2_inputs["amount"], d2_inputs["cumulative_before"]) == (
        cny("40000.00"),
        cny("80000.00"),
    )
    assert [s["commission"] for s in d2_inputs["slices"]] == [cny("400.00"), cny("600.00")]
    for reader in (auth("lead", ["manager"], [team]), HR, FINANCE):
        await _get(client, "/incentives/members/s2/statements/2026-Q1", reader)
    for path in (
        "/incentives/members/s1/statements/2026-Q1",
        "/incentives/members/s1/projection",
    ):
        response = await client.get(path, headers=auth("s2", ["member"], [team]))
        assert response.status_code == 404, path
    outsider = auth("other-lead", ["manager"], ["some-other-unit"])
    response = await client.get("/incentives/members/s1/statements/2026-Q1", headers=outsider)
    assert response.status_code == 404
    assert (await client.get("/incentives/payout-runs", headers=auth("s1"))).status_code == 200
    assert (
        await client.get("/incentives/payout-runs", headers=auth("s1", ["member"]))
    ).status_code == 403


async def step_10_finance_approves_once_and_exports(
    client: httpx.AsyncClient, run: dict[str, Any]
) -> None:
    # Approval: If-Match the run as reviewed; once, then immutable.
    response = await client.get(f"/incentives/payout-runs/{run['id']}", headers=FINANCE)
    run_etag = response.headers["ETag"]
    assert (
        await client.post(f"/incentives/payout-runs/{run['id']}/export", headers=FINANCE)
    ).status_code == 409
    as_hr = await client.post(f"/incentives/payout-runs/{run['id']}/approve", headers=HR)
    assert as_hr.status_code == 403
    approved_run = await client.post(
        f"/incentives/payout-runs/{run['id']}/approve", headers={**FINANCE_2, "If-Match": run_etag}
    )
    assert approved_run.status_code == 200, approved_run.text
    assert approved_run.json()["state"] == "approved"
    twice = await client.post(f"/incentives/payout-runs/{run['id']}/approve", headers=FINANCE)
    assert twice.status_code == 409
    recalculated = await client.post(
        f"/incentives/payout-runs/{run['id']}/recalculate", headers=FINANCE
    )
    assert recalculated.status_code == 409
    await settled(client)
    assert await _count(client, "incentives.payout.approved") == 1

    exported = await client.post(f"/incentives/payout-runs/{run['id']}/export", headers=FINANCE)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = {r["member_id"]: r for r in csv.DictReader(io.StringIO(exported.text))}
    assert rows["s1"]["commission"] == "2150.00"
    assert rows["s1"]["project_bonus"] == "5000.00"
    assert rows["s1"]["total"] == "68913.33"
    assert rows["s2"]["base_pay"] == "19666.67"
    assert (await _get(client, f"/incentives/payout-runs/{run['id']}"))["state"] == "exported"


async def step_11_a_later_refund_is_an_adjustment_in_the_next_run(
    client: httpx.AsyncClient,
) -> None:
    deal = {"member_id": "s1"}
    # A refund after approval does not touch the approved run: it becomes an adjustment,
    # with its reason, paid in the next run.
    await _finance(
        client,
        "/incentives/revenue",
        {
            **deal,
            "id": "r3",
            "kind": "credit_note",
            "deal_id": "d1",
            "amount": cny("10000"),
            "closed_on": "2026-03-20",
        },
    )
    await settled(client)
    [adjustment] = (await _get(client, "/incentives/adjustments?member_id=s1"))["items"]
    assert (adjustment["amount"], adjustment["period"]) == (cny("-200.00"), "2026-Q1")
    assert adjustment["reason"].startswith("credit_note r3 recorded")
    assert [
        m["total"]
        for m in (await _get(client, "/incentives/payout-runs"))["items"][0]["member_totals"]
        if m["member_id"] == "s1"
    ] == [cny("68913.33")]
    next_run = await _finance(client, "/incentives/payout-runs", {"period": "2026-Q2"})
    assert [(m["member_id"], m["total"]) for m in next_run["member_totals"]] == [
        ("s1", cny("-200.00"))
    ]
    lines = (await _get(client, f"/incentives/payout-runs/{next_run['id']}/lines"))["items"]
    assert [(line["rule"], line["explanation"][:27]) for line in lines] == [
        ("adjustment", "correction for 2026-Q1: cre")
    ]


async def step_12_the_months_stars(client: httpx.AsyncClient, team: str) -> None:
    # The month's stars: the top 10% (rounded up) of members active the whole month, from
    # performance's settlement of the month (none yet: 409). Performance settles a month
    # once every member active in it has a score: the lead's monthly goals (no figures) give
    # them 0 points. In February s2 (100 points) beats s1 (90) and the lead (0); in March s1
    # and s2 both score 120 (the curve's cap) and share the star. s2 joined on Feb 1, so is
    # eligible in both.
    unsettled = await client.post("/incentives/stars", headers=HR, json={"month": "2026-02"})
    assert unsettled.status_code == 409, unsettled.text
    for month in ("2026-01", "2026-02", "2026-03"):
        await _goal(client, "lead", "revenue", month, "100000")
    await settled(client)
    for month in ("2026-01", "2026-02", "2026-03"):
        await _hr(client, f"/performance/months/{month}/settle", {})
    await settled(client)
    february = await _hr(client, "/incentives/stars", {"month": "2026-02"})
    assert [(s["member_id"], s["rank"]) for s in february["stars"]] == [("s2", 1)]
    assert february["eligible"] == 3
    assert [(m["member_id"], m["score"], m["eligible"]) for m in february["members"]] == [
        ("lead", "0.0000", True),
        ("s1", "90.0000", True),
        ("s2", "100.0000", True),
    ]
    march = await _hr(client, "/incentives/stars", {"month": "2026-03"})
    assert [(s["member_id"], s["score"], s["rank"]) for s in march["stars"]] == [
        ("s1", "120.0000", 1),
        ("s2", "120.0000", 1),
    ]
    again_stars = await client.post("/incentives/stars", headers=HR, json={"month": "2026-03"})
    assert again_stars.status_code == 409
    january = await client.post("/incentives/stars", headers=HR, json={"month": "2026-01"})
    assert january.status_code == 201
    assert [s["member_id"] for s in january.json()["stars"]] == ["s1"]  # s2 not yet hired
    assert (
        await client.post("/incentives/stars", headers=FINANCE, json={"month": "2026-04"})
    ).status_code == 403
    await settled(client)
    assert await _count(client, "incentives.star.awarded") == 1 + 2 + 1
    listed = await _get(client, "/incentives/stars", auth("s2", ["member"], [team]))
    assert [a["month"] for a in listed["items"]] == ["2026-01", "2026-02", "2026-03"]


async def step_13_every_amount_and_copy_is_consistent(client: httpx.AsyncClient) -> None:
    # The invariant checker finds every derived amount consistent with its inputs, and every
    # copy incentives keeps (figures, KPI definitions, members, scores, reviews) what its
    # owner's API says.
    app = client._transport.app  # type: ignore[attr-defined]
    database = app.state.service_apps["incentives"].state.database
    async with database.sessions() as session:
        drifted = await incentives_verify.drift(session)
        copies = await incentives_verify.copies(session)
    assert drifted == []
    assert {c.kind for c in copies} == {
        "kpi-figure",
        "kpi-definition",
        "member",
        "score",
        "review",
    }
    assert await check_copies(client, copies, headers=auth("verify", ["admin"])) == []


async def test_a_quarter_is_paid_exactly_as_the_plan_says(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _set_today = system
    team = await step_1_a_sales_team_with_targets_and_actuals(client)
    plan_id = await step_2_finance_sets_the_plans(client, team)
    revision = await step_3_the_live_projection_follows_the_figures(client)
    await step_4_a_what_if_stores_nothing(client, revision)
    await step_5_deals_and_a_refund_earn_commission(client)
    await step_6_the_target_bonus_changes_from_march(client, plan_id)
    await step_7_a_project_bonus_is_marked_and_approved(client, team)
    run, s1_lines = await step_8_the_quarterly_review_makes_the_payout_run(client, team)
    await step_9_statements_are_read_by_whom_they_concern(client, team, run, s1_lines)
    await step_10_finance_approves_once_and_exports(client, run)
    await step_11_a_later_refund_is_an_adjustment_in_the_next_run(client)
    await step_12_the_months_stars(client, team)
    await step_13_every_amount_and_copy_is_consistent(client)
