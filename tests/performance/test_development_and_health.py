"""Diagnosis against the team median, improvement plans, training, promotion readiness,
anonymous pulse surveys and team health, all computed by hand here."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy import inspect

from performance.api.deps import today as performance_today
from performance.models import PulseAnswer
from tests.builders import actual, indicator, kpi, kpi_target, leave, org, scorecard
from tests.helpers import auth, post_ok
from tests.system import settled

HR = auth("hr-9", ["hr"])
_post = functools.partial(post_ok, headers=HR)
LEADS = {
    "s1": {"2026-02": "50", "2026-03": "60"},
    "s2": {"2026-02": "20", "2026-03": "25"},
    "s3": {"2026-02": "50", "2026-03": "40"},
}


async def step_1_a_sales_team_scored_on_leads(client: httpx.AsyncClient) -> dict[str, str]:
    """Marketing and product departments, a sales team of a lead and three members in
    marketing, scored on leads against a monthly plan of 50. Returns the unit ids by key."""
    builder = (
        org(client, headers=HR)
        .unit("marketing", "Marketing", kind="department")
        .unit("product", "Product", kind="department")
        .unit("team", "Sales", parent="marketing")
        .member("lead", name="lead", unit="team", layer="management", manager=None)
    )
    for member in ("s1", "s2", "s3"):
        builder.member(member, name=member, unit="team", manager="lead")
    units = await builder
    await kpi(client, "leads", name="Leads", unit="count", headers=HR)
    await scorecard(
        client,
        "leads-only",
        "Leads",
        indicator("leads", "Leads", category="process"),
        headers=HR,
    )
    for member, months in LEADS.items():
        for month, value in months.items():
            await kpi_target(
                client,
                owner=member,
                kpi="leads",
                period=month,
                target="50",
                title="Leads",
                description="Monthly leads plan",
                headers=HR,
            )
            await actual(
                client,
                owner=member,
                kpi="leads",
                day=f"{month}-20",
                value=value,
                key=f"{member}-{month}",
                headers=HR,
            )
    await settled(client)
    return units


async def step_2_a_trailing_member_is_diagnosed(
    client: httpx.AsyncClient, units: dict[str, str]
) -> None:
    team = units["team"]
    lead = auth("lead", ["manager"], [team])
    # s2 scores 40 and 50 against team medians of 100 and 80: trailing since February.
    await _post(
        client,
        "/performance/root-causes",
        {
            "member_id": "s2",
            "indicator": "leads",
            "method": "five_whys",
            "whys": ["Few leads", "Few events attended", "No event budget this quarter"],
        },
        headers=lead,
    )
    await _post(
        client,
        "/performance/root-causes",
        {"member_id": "s2", "indicator": "leads", "method": "fishbone", "fishbone": {}},
        headers=lead,
        status=422,
    )
    diagnosis = (await client.get("/performance/members/s2/diagnosis/2026-03", headers=lead)).json()
    assert diagnosis["team_size"] == 4
    assert [
        (t["indicator"], Decimal(t["points"]), Decimal(t["team_median"]), t["trailing_since"])
        for t in diagnosis["trailing"]
    ] == [("leads", Decimal(50), Decimal(80), "2026-02")]
    assert diagnosis["notes"][0]["whys"][-1] == "No event budget this quarter"
    assert (await client.get("/performance/members/s1/diagnosis/2026-03", headers=lead)).json()[
        "trailing"
    ] == []
    s2 = auth("s2", ["member"], [team])
    assert (
        await client.get("/performance/members/s1/diagnosis/2026-03", headers=s2)
    ).status_code == 404


async def step_3_an_improvement_plan_is_kept_and_closed(
    client: httpx.AsyncClient, units: dict[str, str]
) -> None:
    team = units["team"]
    lead = auth("lead", ["manager"], [team])
    s2 = auth("s2", ["member"], [team])
    plan = await client.post(
        "/performance/improvement-plans",
        headers=lead,
        json={
            "member_id": "s2",
            "goals": ["Back to 50 leads a month"],
            "checkpoints": [{"due_on": "2026-05-15", "description": "Join two trade shows"}],
        },
    )
    assert plan.status_code == 201, plan.text
    done = await client.patch(
        f"/performance/improvement-plans/{plan.json()['id']}",
        headers={**lead, "If-Match": plan.headers["etag"]},
        json={
            "checkpoints": [
                {"due_on": "2026-05-15", "description": "Join two trade shows", "done": True}
            ],
            "outcome": "completed",
            "outcome_note": "52 in May",
        },
    )
    assert done.status_code == 200, done.text
    assert done.json()["checkpoints"][0]["done"] is True
    closed = await client.patch(
        f"/performance/improvement-plans/{plan.json()['id']}",
        headers={**lead, "If-Match": done.headers["etag"]},
        json={"outcome": "failed"},
    )
    assert closed.status_code == 409
    await _post(
        client,
        "/performance/improvement-plans",
        {
            "member_id": "s1",
            "goals": ["x"],
            "checkpoints": [{"due_on": "2026-05-15", "description": "y"}],
        },
        headers=s2,
        status=403,
    )
    # Nobody keeps development records about themselves, whatever their roles.
    for who, headers in (("hr-9", HR), ("lead", lead)):
        own = await client.post(
            "/performance/improvement-plans",
            json={
                "member_id": who,
                "goals": ["x"],
                "checkpoints": [{"due_on": "2026-05-15", "description": "y"}],
            },
            headers=headers,
        )
        assert own.status_code == 403, own.text
        assert own.json()["type"].endswith("/self-decision")


async def step_4_training_development_and_promotion_readiness(
    client: httpx.AsyncClient, units: dict[str, str]
) -> None:
    team = units["team"]
    lead = auth("lead", ["manager"], [team])
    # Training in 2026: s1 24 + 20 hours, s2 8; coverage 2 of 4, 52 / 4 = 13 hours a member.
    for member, title, hours in (
        ("s1", "Key accounts", "24"),
        ("s1", "Negotiation", "20"),
        ("s2", "CRM basics", "8"),
    ):
        await _post(
            client,
            "/performance/training-records",
            {"member_id": member, "title": title, "hours": hours, "completed_on": "2026-03-10"},
            headers=lead,
        )
    summary = (
        await client.get(f"/performance/units/{team}/training?year=2026", headers=lead)
    ).json()
    assert (
        summary["members"],
        summary["trained"],
        Decimal(summary["coverage"]),
        Decimal(summary["hours_per_member"]),
        summary["members_below_hours"],
    ) == (4, 2, Decimal("0.5"), Decimal(13), ["lead", "s2", "s3"])
    await _post(
        client,
        "/performance/development-plans",
        {
            "member_id": "s1",
            "year": 2026,
            "objectives": [{"skill": "Negotiation", "action": "Lead two renewals"}],
        },
        headers=lead,
    )

    readiness = (
        await client.get("/performance/members/s1/promotion-readiness", headers=lead)
    ).json()
    assert (readiness["tier"], readiness["next_tier"], readiness["ready"]) == (
        "newcomer",
        "backbone",
        False,
    )
    assert {c["name"]: c["met"] for c in readiness["criteria"]} == {
        "tenure": True,
        "reviews": False,
        "training": True,
    }


async def step_5_an_anonymous_pulse(client: httpx.AsyncClient, units: dict[str, str]) -> None:
    team = units["team"]
    # An anonymous pulse: 5, 3 and 4 -> two of three satisfied.
    survey = await _post(
        client,
        "/performance/pulse-surveys",
        {
            "unit_id": team,
            "question": "How satisfied are you this month?",
            "opens_on": "2026-04-01",
            "closes_on": "2026-04-30",
        },
    )
    for member, score in (("s1", 5), ("s2", 3), ("s3", 4)):
        answered = await client.post(
            f"/performance/pulse-surveys/{survey['id']}/answers",
            json={"score": score},
            headers=auth(member, ["member"], [team]),
        )
        assert answered.status_code == 204, answered.text
    twice = await client.post(
        f"/performance/pulse-surveys/{survey['id']}/answers",
        json={"score": 1},
        headers=auth("s1", ["member"], [team]),
    )
    assert twice.status_code == 409
    assert {c.key for c in inspect(PulseAnswer).columns} == {"id", "survey_id", "score", "comment"}


async def step_6_team_health_counts_a_leaver_and_its_readers(
    client: httpx.AsyncClient, units: dict[str, str]
) -> None:
    team = units["team"]
    lead = auth("lead", ["manager"], [team])
    s2 = auth("s2", ["member"], [team])
    marketing, product = units["marketing"], units["product"]
    # s3 leaves by choice at the end of June.
    await leave(client, "s3", on="2026-06-30", reason="voluntary", headers=HR)
    await settled(client)
    health = (await client.get(f"/performance/units/{team}/health?year=2026", headers=lead)).json()
    # Average 2026 scores: s1 (100+120)/2 = 110, s3 90, s2 45; the top 30% of 4 is 1: s1.
    assert (
        Decimal(health["satisfaction"]),
        health["answers"],
        health["core_members"],
        Decimal(health["core_retention"]),
        health["headcount_at_start"],
        health["voluntary_leavers"],
        Decimal(health["voluntary_attrition"]),
    ) == (Decimal("0.67"), 3, ["s1"], Decimal(1), 4, 1, Decimal("0.25"))
    assert (
        await client.get(f"/performance/units/{team}/health?year=2026", headers=s2)
    ).status_code == 403
    # A manager's scope is the subtree of his units: the marketing head reads the team's
    # health and training, the product head does not.
    head = auth("mkt-head", ["manager"], [marketing])
    other = auth("product-head", ["manager"], [product])
    above = await client.get(f"/performance/units/{team}/health?year=2026", headers=head)
    assert (above.status_code, above.json()["answers"]) == (200, 3)
    for path in (
        f"/performance/units/{team}/health?year=2026",
        f"/performance/units/{team}/training?year=2026",
    ):
        assert (await client.get(path, headers=head)).status_code == 200, path
        assert (await client.get(path, headers=other)).status_code == 403, path


async def test_development_and_team_health(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _set_today = system
    app = client._transport.app  # type: ignore[attr-defined]
    app.state.service_apps["performance"].dependency_overrides[performance_today] = lambda: date(
        2026, 4, 30
    )
    units = await step_1_a_sales_team_scored_on_leads(client)
    await step_2_a_trailing_member_is_diagnosed(client, units)
    await step_3_an_improvement_plan_is_kept_and_closed(client, units)
    await step_4_training_development_and_promotion_readiness(client, units)
    await step_5_an_anonymous_pulse(client, units)
    await step_6_team_health_counts_a_leaver_and_its_readers(client, units)
