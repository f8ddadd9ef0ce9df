"""Check-ins, tasks and their quadrants, the weekly report, risk alerts with suggested
corrections, squads, mentors and leavers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from tests.builders import kpi, kpi_target, org
from tests.helpers import auth, post_ok

ADMIN = auth("admin-2", ["admin"])


_post = functools.partial(post_ok, headers=ADMIN)


async def step_1_a_growth_team_and_its_kpis(client: httpx.AsyncClient) -> dict[str, str]:
    """A team of a lead and a newcomer rep; deals (a count) and conversion (an average
    ratio). Returns the unit ids by key."""
    units = await (
        org(client, headers=ADMIN)
        .unit("company", "Co", kind="company")
        .unit("team", "Growth", parent="company")
        .member("lead", name="lead", unit="team", tier="backbone", hired_on="2026-01-05")
        .member("rep", name="rep", unit="team", tier="newcomer", hired_on="2026-01-05")
    )
    await kpi(client, "deals", name="Deals", unit="count", headers=ADMIN)
    await kpi(
        client,
        "conversion",
        name="Conversion rate",
        unit="ratio",
        aggregation="average",
        category="quality",
        headers=ADMIN,
    )
    return units


@dataclass
class RepGoals:
    """The rep's goals of Q1: deals, March's conversion rate, and an objective."""

    deals: dict[str, Any]
    conversion: dict[str, Any]
    objective: dict[str, Any]


async def step_2_the_rep_has_goals_for_the_quarter(client: httpx.AsyncClient) -> RepGoals:
    deals = await kpi_target(
        client,
        owner="rep",
        kpi="deals",
        period="2026-Q1",
        target="90",
        title="Q1 deals",
        description="Close 90 deals in Q1",
        headers=ADMIN,
    )
    conversion = await kpi_target(
        client,
        owner="rep",
        kpi="conversion",
        period="2026-03",
        target="0.20",
        title="Conversion",
        description="Convert 20% of leads",
        headers=ADMIN,
    )
    objective = await _post(
        client,
        "/goals/goals",
        {
            "kind": "objective",
            "title": "Win the east region",
            "description": "Become the first supplier in the east region",
            "owner_type": "member",
            "owner_id": "rep",
            "period": "2026-Q1",
        },
    )
    return RepGoals(deals, conversion, objective)


async def step_3_the_member_checks_in_once_a_month(
    client: httpx.AsyncClient, rep: dict[str, str], goals: RepGoals
) -> None:
    # Check-ins: the member writes their own, one a month inside the goal's period.
    check_in = await _post(
        client,
        f"/goals/goals/{goals.objective['id']}/check-ins",
        {
            "month": "2026-03",
            "progress": "0.40",
            "confidence": "low",
            "blockers": "No product samples yet",
        },
        headers=rep,
    )
    assert check_in["author_id"] == "rep"
    await _post(
        client,
        f"/goals/goals/{goals.objective['id']}/check-ins",
        {"month": "2026-03", "progress": "0.5", "confidence": "low"},
        headers=rep,
        status=409,
    )
    await _post(
        client,
        f"/goals/goals/{goals.objective['id']}/check-ins",
        {"month": "2026-05", "progress": "0.5", "confidence": "low"},
        headers=rep,
        status=422,
    )


async def step_4_actuals_to_mid_march(client: httpx.AsyncClient) -> None:
    # Actuals: 50 deals by mid-March (expected 90 x 74/90 of Q1 elapsed = 61.7%, we have 55.6%),
    # conversion 12% against 20% (a rate should be at target already).
    await _post(
        client,
        "/goals/actuals/bulk",
        {
            "items": [
                {
                    "owner_id": "rep",
                    "kpi": "deals",
                    "date": "2026-03-01",
                    "value": "50",
                    "idempotency_key": "deals-1",
                },
                {
                    "owner_id": "rep",
                    "kpi": "conversion",
                    "date": "2026-03-10",
                    "value": "0.12",
                    "idempotency_key": "conv-1",
                },
                {
                    "owner_id": "rep",
                    "kpi": "deals",
                    "date": "not a date",
                    "value": "1",
                    "idempotency_key": "deals-bad",
                },
            ]
        },
        status=200,
    )


async def step_5_risk_alerts_suggest_corrections(
    client: httpx.AsyncClient,
    set_today: Callable[[date], None],
    rep: dict[str, str],
    goals: RepGoals,
) -> dict[str, Any]:
    """Returns the conversion goal's alert."""
    set_today(date(2026, 3, 15))
    alerts = {
        a["goal_id"]: a
        for a in (await client.get("/goals/risk-alerts", headers=rep)).json()["items"]
    }
    # Q1 2026 has 90 days; on 15 March 74 have passed: 0.822222 of the period.
    assert set(alerts) == {goals.deals["id"], goals.conversion["id"], goals.objective["id"]}
    deals_alert = alerts[goals.deals["id"]]
    assert deals_alert["status"] == "off_track"  # 0.822222 - 50/90 = 0.266667 > 0.25
    assert Decimal(deals_alert["progress"]) == Decimal("0.555556")
    assert Decimal(deals_alert["expected"]) == Decimal("0.822222")
    assert deals_alert["progress_source"] == "measured"
    assert deals_alert["suggested_correction"].startswith(
        "deals 还差 40 count, 剩 17 天, 每天 2.35"
    )
    assert (
        "(40 count of deals remain in 17 days: 2.35 a day; re-plan"
        in deals_alert["suggested_correction"]
    )
    conversion_alert = alerts[goals.conversion["id"]]
    assert conversion_alert["status"] == "off_track"  # a rate: 1 - 0.12/0.20 = 0.4 > 0.25
    assert Decimal(conversion_alert["progress"]) == Decimal("0.6")
    assert (
        "conversion is at 0.12 against a target of 0.2 ratio"
        in conversion_alert["suggested_correction"]
    )
    objective_alert = alerts[goals.objective["id"]]
    assert objective_alert["status"] == "off_track"  # check-in 0.40 vs 0.822 elapsed
    assert Decimal(objective_alert["expected"]) == Decimal("0.822222")
    assert Decimal(objective_alert["progress"]) == Decimal("0.4")
    assert objective_alert["progress_source"] == "checked_in"  # not "no measured progress"
    return dict(conversion_alert)


async def step_6_the_member_records_a_correction(
    client: httpx.AsyncClient,
    rep: dict[str, str],
    goals: RepGoals,
    conversion_alert: dict[str, Any],
) -> None:
    correction = await _post(
        client,
        f"/goals/goals/{goals.conversion['id']}/corrections",
        {"action_taken": "Paired the rep with the lead on every demo"},
        headers=rep,
    )
    assert correction["status_at_time"] == "off_track"
    assert correction["suggested"] == conversion_alert["suggested_correction"]
    listed = (
        await client.get(f"/goals/goals/{goals.conversion['id']}/corrections", headers=rep)
    ).json()["items"]
    assert [c["action_taken"] for c in listed] == ["Paired the rep with the lead on every demo"]


async def step_7_tasks_by_quadrant_and_if_match(
    client: httpx.AsyncClient, rep: dict[str, str], goals: RepGoals
) -> None:
    # Tasks: quadrants, If-Match, the weekly report.
    def task(title: str, due: str, urgent: bool, important: bool) -> dict[str, Any]:
        return {
            "owner_id": "rep",
            "title": title,
            "due_on": due,
            "urgent": urgent,
            "important": important,
            "key_result_id": goals.deals["id"],
        }

    first = await _post(
        client, "/goals/tasks", task("Call back hot leads", "2026-03-13", True, True), headers=rep
    )
    second = await _post(
        client, "/goals/tasks", task("Plan April campaign", "2026-03-20", False, True), headers=rep
    )
    third = await _post(
        client, "/goals/tasks", task("Update CRM tags", "2026-03-11", True, False), headers=rep
    )
    assert [t["quadrant"] for t in (first, second, third)] == ["do_first", "schedule", "delegate"]
    read = await client.get(f"/goals/tasks/{third['id']}", headers=rep)
    done = await client.patch(
        f"/goals/tasks/{third['id']}",
        json={"status": "done"},
        headers={**rep, "If-Match": read.headers["etag"]},
    )
    assert done.status_code == 200
    stale = await client.patch(
        f"/goals/tasks/{third['id']}",
        json={"status": "todo"},
        headers={**rep, "If-Match": read.headers["etag"]},
    )
    assert stale.status_code == 412


async def step_8_the_weekly_report(
    client: httpx.AsyncClient,
    set_today: Callable[[date], None],
    rep: dict[str, str],
    ids: dict[str, str],
) -> None:
    report = (
        await client.get(f"/goals/members/rep/weekly-report?week_of={date.today()}", headers=rep)
    ).json()
    assert [t["title"] for t in report["done"]] == ["Update CRM tags"]
    report = (
        await client.get("/goals/members/rep/weekly-report?week_of=2026-03-09", headers=rep)
    ).json()
    assert report["week_start"] == "2026-03-09"
    assert [t["title"] for t in report["at_risk"]] == ["Call back hot leads"]
    assert [t["title"] for t in report["next"]] == ["Plan April campaign"]
    assert [c["month"] for c in report["check_ins"]] == ["2026-03"]
    lead = auth("lead", ["member"], [ids["team"]])
    assert (await client.get("/goals/members/rep/weekly-report", headers=lead)).status_code == 404
    set_today(date(2026, 3, 31))


async def test_check_ins_tasks_weekly_report_and_risk(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, set_today = system
    ids = await step_1_a_growth_team_and_its_kpis(client)
    rep = auth("rep", ["member"], [ids["team"]])
    goals = await step_2_the_rep_has_goals_for_the_quarter(client)
    await step_3_the_member_checks_in_once_a_month(client, rep, goals)
    await step_4_actuals_to_mid_march(client)
    conversion_alert = await step_5_risk_alerts_suggest_corrections(client, set_today, rep, goals)
    await step_6_the_member_records_a_correction(client, rep, goals, conversion_alert)
    await step_7_tasks_by_quadrant_and_if_match(client, rep, goals)
    await step_8_the_weekly_report(client, set_today, rep, ids)


async def test_squads_mentors_and_leavers(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _set_today = system
    units = (await client.get("/goals/org-units?limit=200", headers=ADMIN)).json()["items"]
    team = next(u["id"] for u in units if u["name"] == "Growth")
    squad = await _post(
        client,
        "/goals/org-units",
        {
            "name": "新品突击队 Launch squad",
            "kind": "squad",
            "parent_id": team,
            "starts_on": "2026-03-01",
            "ends_on": "2026-05-31",
        },
    )
    await _post(
        client,
        "/goals/org-units",
        {"name": "Bad", "kind": "team", "starts_on": "2026-03-01"},
        status=422,
    )
    membership = await _post(
        client, f"/goals/org-units/{squad['id']}/members", {"member_id": "rep", "role": "business"}
    )
    assert membership == {"squad_id": squad["id"], "member_id": "rep", "role": "business"}
    assert (await client.get("/goals/members/rep", headers=ADMIN)).json()["home_unit_id"] == team

    mentorship = await _post(
        client,
        "/goals/mentorships",
        {"mentor_id": "lead", "mentee_id": "rep", "starts_on": "2026-01-31"},
    )
    assert mentorship["ends_on"] == "2026-04-30"  # three months, clamped to the month's end

    read = await client.get("/goals/members/rep", headers=ADMIN)
    half = await client.patch(
        "/goals/members/rep",
        json={"left_on": "2026-06-30"},
        headers={**ADMIN, "If-Match": read.headers["etag"]},
    )
    assert half.status_code == 422
    left = await client.patch(
        "/goals/members/rep",
        json={"left_on": "2026-06-30", "leave_reason": "voluntary", "leave_note": "moved city"},
        headers={**ADMIN, "If-Match": read.headers["etag"]},
    )
    assert left.status_code == 200, left.text
    assert (left.json()["left_on"], left.json()["leave_reason"]) == ("2026-06-30", "voluntary")


async def test_cascade_by_last_years_shares(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _set_today = system
    units = (await client.get("/goals/org-units?limit=200", headers=ADMIN)).json()["items"]
    team = next(u["id"] for u in units if u["name"] == "Growth")
    await _post(
        client,
        "/goals/actuals/bulk",
        {
            "items": [
                {
                    "owner_id": "lead",
                    "kpi": "deals",
                    "date": "2025-03-03",
                    "value": "10",
                    "idempotency_key": "ly-lead",
                },
                {
                    "owner_id": "rep",
                    "kpi": "deals",
                    "date": "2025-03-04",
                    "value": "30",
                    "idempotency_key": "ly-rep",
                },
            ]
        },
        status=200,
    )
    parent = await _post(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "Team deals March",
            "description": "Team deals in March",
            "owner_type": "unit",
            "owner_id": team,
            "period": "2026-03",
            "kpi": "deals",
            "target_value": "100",
        },
    )
    children = await _post(
        client,
        f"/goals/goals/{parent['id']}/cascade",
        {
            "mode": "last_year",
            "children": [
                {"owner_type": "member", "owner_id": "lead"},
                {"owner_type": "member", "owner_id": "rep"},
            ],
        },
    )
    # Last March: 10 and 30 deals, so a quarter and three quarters of this March's 100.
    assert [
        (c["owner_id"], Decimal(c["target_value"]), Decimal(c["weight"])) for c in children
    ] == [("lead", Decimal(25), Decimal(10)), ("rep", Decimal(75), Decimal(30))]
    again = await client.post(
        f"/goals/goals/{parent['id']}/cascade",
        headers=ADMIN,
        json={"children": [{"owner_type": "member", "owner_id": "rep"}]},
    )
    assert again.status_code == 409  # rep already has a deals target for March
