"""Issue 3's story through the gateway: a marketing department of 12, four KPIs and a
formula, an annual target cascaded to quarters, months, teams and members, a month of
actuals uploaded twice by CSV, and the exact attainment and roll-ups computed by hand."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.builders import kpi, org
from tests.helpers import auth, post_ok

ADMIN = auth("hr-admin", ["admin"])
TEAMS = {"promotion": "市场推广 Promotion", "sales": "销售 Sales", "service": "客户服务 Service"}
PREFIX = {"promotion": "p", "sales": "s", "service": "c"}  # member ids: p1..p4, s1..s4, c1..c4

# March 2026, by hand. Revenue per member (two rows for p1 and s1), spend, cost, leads.
REVENUE = {
    "p1": ["40000", "40000"],
    "p2": ["75000"],
    "p3": ["60000"],
    "p4": ["30000"],
    "s1": ["60000", "70000"],
    "s2": ["100000"],
    "s3": ["125000"],
    "s4": ["90000"],
    "c1": ["50000"],
    "c2": ["45000"],
    "c3": ["55000"],
}  # c4 recorded nothing
SPEND = {"s1": "26000", "p1": "20000"}
ACQUISITION_COST = {"s1": ["180", "220"], "s2": ["250"]}
LEADS = {"p1": "120", "p2": "80"}


def D(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def csv_upload() -> str:
    lines = ["owner_id,kpi,date,value,source,idempotency_key"]
    for member, values in REVENUE.items():
        for i, value in enumerate(values):
            lines.append(f"{member},revenue,2026-03-{5 + 10 * i:02d},{value},crm,rev-{member}-{i}")
    for member, value in SPEND.items():
        lines.append(f"{member},spend,2026-03-10,{value},finance,spend-{member}")
    for member, values in ACQUISITION_COST.items():
        for i, value in enumerate(values):
            lines.append(f"{member},acquisition_cost,2026-03-{12 + i},{value},crm,cac-{member}-{i}")
    for member, value in LEADS.items():
        lines.append(f"{member},leads,2026-03-15,{value},crm,leads-{member}")
    lines.append("s3,revenue,2026-03-31,abc,crm,bad-value")  # row 22
    lines.append("s3,reach,2026-03-31,5,crm,bad-kpi")  # row 23
    return "\n".join(lines) + "\n"


_post = functools.partial(post_ok, headers=ADMIN)


async def step_1_a_marketing_department_and_its_kpis(client: httpx.AsyncClient) -> dict[str, str]:
    """The company, its marketing department of three teams of four (the first of each its
    lead), the KPIs and a formula; a formula that refers to itself or to an unknown KPI is
    refused. Returns the unit ids by key."""
    department = (
        org(client, headers=ADMIN)
        .unit("company", "星火集团 Spark Group", kind="company")
        .unit("marketing", "市场部 Marketing", kind="department", parent="company")
    )
    for team, name in TEAMS.items():
        department.unit(team, name, parent="marketing")
    for team in TEAMS:
        lead = f"{PREFIX[team]}1"
        for n in range(1, 5):
            department.member(
                f"{PREFIX[team]}{n}",
                name=f"Member {PREFIX[team]}{n}",
                unit=team,
                layer="management" if n == 1 else "execution",
                tier="backbone" if n == 1 else "newcomer",
                hired_on="2025-01-06",
                manager=None if n == 1 else lead,
            )
    ids = await department
    await kpi(client, "revenue", name="Revenue", unit="CNY", headers=ADMIN)
    await kpi(client, "leads", name="Leads", unit="count", category="process", headers=ADMIN)
    await kpi(
        client,
        "spend",
        name="Marketing spend",
        unit="CNY",
        direction="lower_is_better",
        headers=ADMIN,
    )
    await kpi(
        client,
        "acquisition_cost",
        name="Customer acquisition cost",
        unit="CNY",
        direction="lower_is_better",
        aggregation="average",
        headers=ADMIN,
    )
    await kpi(
        client,
        "roi",
        name="Return on spend",
        unit="ratio",
        formula="revenue / spend",
        scale=6,
        headers=ADMIN,
    )
    cycle = await client.post(
        "/goals/kpi-definitions",
        headers=ADMIN,
        json={"code": "loop", "name": "Loop", "unit": "x", "formula": "loop + revenue"},
    )
    assert cycle.status_code == 422
    assert "refers back to itself" in cycle.json()["detail"]
    unknown = await client.post(
        "/goals/kpi-definitions",
        headers=ADMIN,
        json={"code": "margin", "name": "Margin", "unit": "x", "formula": "profit / revenue"},
    )
    assert unknown.status_code == 422
    return ids


def _goal(
    title: str,
    owner_type: str,
    owner_id: str,
    period: str,
    kpi: str,
    target: str,
    parent_id: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": "kpi_target",
        "title": title,
        "description": f"{title}: the plan's number",
        "owner_type": owner_type,
        "owner_id": owner_id,
        "period": period,
        "kpi": kpi,
        "target_value": target,
        "parent_id": parent_id,
    }


async def _cascade(
    client: httpx.AsyncClient, goal_id: str, body: dict[str, Any]
) -> list[dict[str, Any]]:
    created: list[dict[str, Any]] = await _post(client, f"/goals/goals/{goal_id}/cascade", body)
    return created


async def _progress(
    client: httpx.AsyncClient, goal_id: str, headers: dict[str, str] = ADMIN
) -> dict[str, Any]:
    response = await client.get(f"/goals/goals/{goal_id}/progress", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Cascade:
    """The revenue goals of 2026, from the company's down to each member's March."""

    company: dict[str, Any]
    department: dict[str, Any]
    quarters: list[dict[str, Any]]
    march: dict[str, Any]
    team_goal: dict[str, dict[str, Any]]
    member_goal: dict[str, dict[str, Any]]


async def step_2_the_annual_target_cascades_to_members(
    client: httpx.AsyncClient, ids: dict[str, str]
) -> Cascade:
    """The year to quarters, Q1 to months, March to the teams by weight and to members."""
    company = await _post(
        client,
        "/goals/goals",
        _goal("Company revenue 2026", "company", ids["company"], "2026", "revenue", "12000000"),
    )
    department = await _post(
        client,
        "/goals/goals",
        _goal(
            "Marketing revenue 2026",
            "unit",
            ids["marketing"],
            "2026",
            "revenue",
            "12000000",
            parent_id=company["id"],
        ),
    )
    assert department["smart_warnings"] == []

    quarters = await _cascade(client, department["id"], {"by_period": True})
    assert [(g["period"], D(g["target_value"])) for g in quarters] == [
        (f"2026-Q{q}", Decimal(3000000)) for q in range(1, 5)
    ]
    months = await _cascade(client, quarters[0]["id"], {"by_period": True})
    assert [(g["period"], D(g["target_value"])) for g in months] == [
        ("2026-01", Decimal(1000000)),
        ("2026-02", Decimal(1000000)),
        ("2026-03", Decimal(1000000)),
    ]
    march = months[2]
    teams = await _cascade(
        client,
        march["id"],
        {
            "mode": "weights",
            "children": [
                {"owner_type": "unit", "owner_id": ids["promotion"], "weight": "3"},
                {"owner_type": "unit", "owner_id": ids["sales"], "weight": "5"},
                {"owner_type": "unit", "owner_id": ids["service"], "weight": "2"},
            ],
        },
    )
    assert [D(g["target_value"]) for g in teams] == [
        Decimal(300000),
        Decimal(500000),
        Decimal(200000),
    ]
    team_goal = dict(zip(TEAMS, teams, strict=True))
    member_goal: dict[str, dict[str, Any]] = {}
    for team, goal in team_goal.items():
        children = await _cascade(
            client,
            goal["id"],
            {
                "children": [
                    {"owner_type": "member", "owner_id": f"{PREFIX[team]}{n}"} for n in range(1, 5)
                ]
            },
        )
        for n, child in enumerate(children, start=1):
            member_goal[f"{PREFIX[team]}{n}"] = child
    assert D(member_goal["s1"]["target_value"]) == Decimal(125000)
    assert D(member_goal["p1"]["target_value"]) == Decimal(75000)
    assert D(member_goal["c1"]["target_value"]) == Decimal(50000)
    for member in ("s1", "s2"):
        await _post(
            client,
            "/goals/goals",
            _goal("Acquisition cost", "member", member, "2026-03", "acquisition_cost", "200"),
        )
    return Cascade(company, department, quarters, march, team_goal, member_goal)


async def step_3_a_month_of_actuals_is_uploaded_twice(client: httpx.AsyncClient) -> None:
    # A month of actuals by CSV, twice.
    upload = csv_upload()
    headers = {**ADMIN, "content-type": "text/csv"}
    first = await client.post("/goals/actuals/csv", content=upload.encode(), headers=headers)
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["rows"], report["accepted"], report["duplicates"], report["rejected"]) == (
        22,
        20,
        0,
        2,
    )
    assert [e["row"] for e in report["errors"]] == [22, 23]
    assert "value" in report["errors"][0]["errors"][0]
    assert "no KPI with code 'reach'" in report["errors"][1]["errors"][0]
    assert report["figures_changed"] > 0
    second = (
        await client.post("/goals/actuals/csv", content=upload.encode(), headers=headers)
    ).json()
    assert (
        second["rows"],
        second["accepted"],
        second["duplicates"],
        second["rejected"],
        second["figures_changed"],
    ) == (22, 0, 20, 2, 0)


async def step_4_members_march_figures(client: httpx.AsyncClient, goals: Cascade) -> None:
    # Members' March figures.
    figures = {
        (f["kpi"]): f
        for f in (
            await client.get("/goals/figures?owner_id=s1&period=2026-03", headers=ADMIN)
        ).json()["items"]
    }
    assert D(figures["revenue"]["actual"]) == Decimal(130000), figures
    assert D(figures["revenue"]["target"]) == Decimal(125000), figures
    assert D(figures["revenue"]["attainment"]) == Decimal("1.04")
    assert figures["revenue"]["measurements"] == 2
    assert D(figures["roi"]["actual"]) == Decimal(5)
    assert D(figures["acquisition_cost"]["actual"]) == Decimal(200)
    assert D(figures["acquisition_cost"]["attainment"]) == Decimal(1)
    s2_cost = {
        f["kpi"]: f
        for f in (
            await client.get("/goals/figures?owner_id=s2&period=2026-03", headers=ADMIN)
        ).json()["items"]
    }["acquisition_cost"]
    assert D(s2_cost["attainment"]) == Decimal("0.8")  # lower is better: 200 / 250

    expected_member = {
        "p1": "1.066667",
        "p2": "1",
        "p3": "0.8",
        "p4": "0.4",
        "s1": "1.04",
        "s2": "0.8",
        "s3": "1",
        "s4": "0.72",
        "c1": "1",
        "c2": "0.9",
        "c3": "1.1",
    }
    for member, attainment in expected_member.items():
        progress = await _progress(client, goals.member_goal[member]["id"])
        assert D(progress["attainment"]) == Decimal(attainment), member
    assert (await _progress(client, goals.member_goal["c4"]["id"]))["attainment"] is None


async def step_5_teams_roll_up_their_members(client: httpx.AsyncClient, goals: Cascade) -> None:
    # Teams: own attainment (subtree actual / target) and roll-up of the members (weight 1).
    sales = await _progress(client, goals.team_goal["sales"]["id"])
    assert D(sales["actual"]) == Decimal(445000)
    assert D(sales["attainment"]) == Decimal("0.89")
    assert D(sales["rolled_up_progress"]) == Decimal("0.89")  # (1.04+0.8+1+0.72)/4
    promotion = await _progress(client, goals.team_goal["promotion"]["id"])
    assert D(promotion["attainment"]) == Decimal("0.816667")  # 245000 / 300000
    assert D(promotion["rolled_up_progress"]) == Decimal("0.816667")
    service = await _progress(client, goals.team_goal["service"]["id"])
    assert D(service["attainment"]) == Decimal("0.75")  # 150000 / 200000
    assert D(service["rolled_up_progress"]) == Decimal("0.75")  # c4 counts as 0


async def step_6_the_department_and_the_company(
    client: httpx.AsyncClient, ids: dict[str, str], goals: Cascade
) -> None:
    # The department in March, Q1 and the year; the company.
    dept_march = await _progress(client, goals.march["id"])
    assert D(dept_march["actual"]) == Decimal(840000)
    assert D(dept_march["attainment"]) == Decimal("0.84")
    assert D(dept_march["rolled_up_progress"]) == Decimal("0.84")  # (3x.816667+5x.89+2x.75)/10
    assert sorted(
        (c["owner_id"], D(c["weight"]), D(c["attainment"])) for c in dept_march["children"]
    ) == sorted(
        [
            (ids["promotion"], Decimal(3), Decimal("0.816667")),
            (ids["sales"], Decimal(5), Decimal("0.89")),
            (ids["service"], Decimal(2), Decimal("0.75")),
        ]
    )
    # The teams own the month's children: the org axis, the headline.
    assert (dept_march["progress_source"], dept_march["progress_axis"]) == ("rolled_up", "org")
    assert any(
        "(org roll-up) = sum(weight x progress)" in line for line in dept_march["explanation"]
    )
    q1 = await _progress(client, goals.quarters[0]["id"])
    assert D(q1["attainment"]) == Decimal("0.28")
    assert D(q1["rolled_up_progress"]) == Decimal("0.28")  # (0 + 0 + 0.84) / 3
    assert (q1["progress_axis"], D(q1["time_axis"]["progress"])) == ("time", Decimal("0.28"))
    year = await _progress(client, goals.department["id"])
    assert D(year["attainment"]) == Decimal("0.07")
    company_progress = await _progress(client, goals.company["id"])
    assert D(company_progress["actual"]) == Decimal(840000)
    assert D(company_progress["attainment"]) == Decimal("0.07")
    roi = {
        f["kpi"]: f
        for f in (
            await client.get(
                f"/goals/figures?owner_type=unit&owner_id={ids['marketing']}&period=2026-03",
                headers=ADMIN,
            )
        ).json()["items"]
    }["roi"]
    assert D(roi["actual"]) == Decimal("18.260870")  # 840000 / 46000


async def step_7_a_target_is_adjusted_with_a_reason(
    client: httpx.AsyncClient, goals: Cascade
) -> str:
    """Returns the adjusted goal's ETag."""
    # Target adjustment: If-Match, reason, history, 412 when stale.
    read = await client.get(f"/goals/goals/{goals.march['id']}", headers=ADMIN)
    etag = read.headers["etag"]
    no_match = await client.patch(
        f"/goals/goals/{goals.march['id']}",
        headers=ADMIN,
        json={"target_value": "1100000", "reason": "New launch"},
    )
    assert no_match.status_code == 428
    no_reason = await client.patch(
        f"/goals/goals/{goals.march['id']}",
        headers={**ADMIN, "If-Match": etag},
        json={"target_value": "1100000"},
    )
    assert no_reason.status_code == 422
    adjusted = await client.patch(
        f"/goals/goals/{goals.march['id']}",
        headers={**ADMIN, "If-Match": etag},
        json={"target_value": "1100000", "reason": "New launch"},
    )
    assert adjusted.status_code == 200, adjusted.text
    assert adjusted.headers["etag"] != etag
    stale = await client.patch(
        f"/goals/goals/{goals.march['id']}",
        headers={**ADMIN, "If-Match": etag},
        json={"target_value": "900000", "reason": "Stale edit"},
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    history = (
        await client.get(f"/goals/goals/{goals.march['id']}/adjustments", headers=ADMIN)
    ).json()["items"]
    assert [
        (D(h["old_value"]), D(h["new_value"]), h["reason"], h["adjusted_by"], h["restated"])
        for h in history
    ] == [(Decimal(1000000), Decimal(1100000), "New launch", "hr-admin", False)]
    assert D((await _progress(client, goals.march["id"]))["attainment"]) == Decimal("0.763636")
    return str(adjusted.headers["etag"])


async def step_8_an_ended_month_changes_only_by_restatement(
    client: httpx.AsyncClient, set_today: Callable[[date], None], goals: Cascade, etag: str
) -> None:
    # Once March has ended, its reported attainment changes only by an explicit restatement.
    set_today(date(2026, 4, 15))
    refused = await client.patch(
        f"/goals/goals/{goals.march['id']}",
        headers={**ADMIN, "If-Match": etag},
        json={"target_value": "1000000", "reason": "Back to plan"},
    )
    assert refused.status_code == 409
    restated = await client.patch(
        f"/goals/goals/{goals.march['id']}",
        headers={**ADMIN, "If-Match": etag},
        json={"target_value": "1000000", "reason": "Back to plan", "restate": True},
    )
    assert restated.status_code == 200, restated.text
    history = (
        await client.get(f"/goals/goals/{goals.march['id']}/adjustments", headers=ADMIN)
    ).json()["items"]
    assert history[-1]["restated"] is True


async def step_9_smart_checks_warn_and_refuse(client: httpx.AsyncClient, goals: Cascade) -> None:
    # SMART: a stretch far beyond the best recent month is a stored warning, no description
    # is an error.
    stretch = _goal(
        "April revenue",
        "member",
        "s1",
        "2026-04",
        "revenue",
        "500000",
        parent_id=goals.quarters[1]["id"],  # April lies in the department's Q2, not in March
    )
    report_smart = (await client.post("/goals/smart-check", json=stretch, headers=ADMIN)).json()
    assert report_smart["errors"] == []
    assert [w["criterion"] for w in report_smart["warnings"]] == ["achievable"]
    created = await _post(client, "/goals/goals", stretch)
    assert [w["criterion"] for w in created["smart_warnings"]] == ["achievable"]
    vague = await client.post("/goals/goals", headers=ADMIN, json={**stretch, "description": None})
    assert vague.status_code == 422
    assert any("specific" in e["msg"] for e in vague.json()["errors"])


async def step_10_a_template_assigns_goals_in_bulk(
    client: httpx.AsyncClient, set_today: Callable[[date], None], goals: Cascade
) -> None:
    # Bulk assignment from a template.
    template = await _post(
        client,
        "/goals/goal-templates",
        {
            "name": "Service rep standard",
            "items": [
                {
                    "title": "Leads",
                    "kpi": "leads",
                    "target_value": "40",
                    "description": "Qualified leads handed to sales",
                }
            ],
        },
    )
    assigned = await _post(
        client,
        f"/goals/goal-templates/{template['id']}/apply",
        {"member_ids": ["c2", "c3"], "period": "2026-04", "parent_id": goals.quarters[1]["id"]},
    )
    assert [(g["owner_id"], g["kpi"], D(g["target_value"])) for g in assigned] == [
        ("c2", "leads", Decimal(40)),
        ("c3", "leads", Decimal(40)),
    ]
    set_today(date(2026, 3, 31))


async def test_a_marketing_department_quarter(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, set_today = system
    ids = await step_1_a_marketing_department_and_its_kpis(client)
    goals = await step_2_the_annual_target_cascades_to_members(client, ids)
    await step_3_a_month_of_actuals_is_uploaded_twice(client)
    await step_4_members_march_figures(client, goals)
    await step_5_teams_roll_up_their_members(client, goals)
    await step_6_the_department_and_the_company(client, ids, goals)
    etag = await step_7_a_target_is_adjusted_with_a_reason(client, goals)
    await step_8_an_ended_month_changes_only_by_restatement(client, set_today, goals, etag)
    await step_9_smart_checks_warn_and_refuse(client, goals)
    await step_10_a_template_assigns_goals_in_bulk(client, set_today, goals)


async def test_members_see_their_own_goals_and_managers_their_units(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _set_today = system
    goals = (
        await client.get("/goals/goals?owner_type=member&period=2026-03&limit=200", headers=ADMIN)
    ).json()["items"]
    by_owner = {g["owner_id"]: g for g in goals if g["kpi"] == "revenue"}
    units = {
        u["name"]: u["id"]
        for u in (await client.get("/goals/org-units?limit=200", headers=ADMIN)).json()["items"]
    }
    s2 = auth("s2", ["member"], [units[TEAMS["sales"]]])
    own = await client.get(f"/goals/goals/{by_owner['s2']['id']}", headers=s2)
    assert own.status_code == 200
    other = await client.get(f"/goals/goals/{by_owner['s1']['id']}", headers=s2)
    assert other.status_code == 404
    assert (await client.get("/goals/goals?owner_id=s1", headers=s2)).status_code == 403
    assert (
        await client.get(f"/goals/goals/{by_owner['s1']['id']}/progress", headers=s2)
    ).status_code == 404
    assert (await client.get("/goals/figures?owner_id=s1", headers=s2)).status_code == 403
    visible = (await client.get("/goals/goals?period=2026-03&limit=200", headers=s2)).json()[
        "items"
    ]
    assert {g["owner_id"] for g in visible if g["owner_type"] == "member"} == {"s2"}

    lead = auth("s1", ["manager"], [units[TEAMS["sales"]]])
    assert (
        await client.get(f"/goals/goals/{by_owner['s2']['id']}", headers=lead)
    ).status_code == 200
    assert (
        await client.get(f"/goals/goals/{by_owner['p2']['id']}", headers=lead)
    ).status_code == 404
    assert (await client.get("/goals/members/s4", headers=lead)).status_code == 200
    assert (await client.get("/goals/members/p4", headers=lead)).status_code == 404
    # A member cannot record another member's actuals, nor define KPIs.
    refused = await client.post(
        "/goals/actuals",
        headers=s2,
        json={
            "owner_id": "s3",
            "kpi": "revenue",
            "date": "2026-03-30",
            "value": "1",
            "idempotency_key": "s2-for-s3",
        },
    )
    assert refused.status_code == 422
    assert "may not record" in refused.text
    assert (
        await client.post(
            "/goals/kpi-definitions", headers=s2, json={"code": "mine", "name": "Mine", "unit": "x"}
        )
    ).status_code == 403


@pytest.mark.parametrize("kpi", ["revenue"])
async def test_single_actuals_count_once_and_corrections_keep_history(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
    kpi: str,
) -> None:
    client, _set_today = system
    body = {
        "owner_id": "s4",
        "kpi": kpi,
        "date": "2026-03-28",
        "value": "10000",
        "source": "crm",
        "idempotency_key": "deal-s4-late",
    }
    first = await client.post("/goals/actuals", json=body, headers=ADMIN)
    assert first.status_code == 201, first.text
    again = await client.post("/goals/actuals", json=body, headers=ADMIN)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    changed = await client.post("/goals/actuals", json={**body, "value": "20000"}, headers=ADMIN)
    assert changed.status_code == 422
    figures = {
        f["kpi"]: f
        for f in (
            await client.get("/goals/figures?owner_id=s4&period=2026-03", headers=ADMIN)
        ).json()["items"]
    }
    assert D(figures["revenue"]["actual"]) == Decimal(100000)  # 90000 + 10000
    correction = await client.post(
        f"/goals/actuals/{first.json()['id']}/corrections",
        headers=ADMIN,
        json={"value": "5000", "reason": "Partial refund", "idempotency_key": "deal-s4-late-fix"},
    )
    assert correction.status_code == 201, correction.text
    assert correction.json()["corrects_id"] == first.json()["id"]
    figures = {
        f["kpi"]: f
        for f in (
            await client.get("/goals/figures?owner_id=s4&period=2026-03", headers=ADMIN)
        ).json()["items"]
    }
    assert D(figures["revenue"]["actual"]) == Decimal(95000)
    history = (
        await client.get("/goals/actuals?owner_id=s4&period=2026-03&kpi=revenue", headers=ADMIN)
    ).json()["items"]
    assert [(D(m["value"]), m["superseded"], m["reason"]) for m in history] == [
        (Decimal(90000), False, None),
        (Decimal(10000), True, None),
        (Decimal(5000), False, "Partial refund"),
    ]
