"""Issue 16 (performance): history is never rewritten, and settled months.

Through the gateway on one shared world: a March score keeps the template version it was
scored with after a newer template; a deliberate re-score records who, why, old and new;
calibration reasons survive a reopen; a cycle away from its target distribution closes only
with an acknowledgement; a month settles once every active member has a score, and a
second settle is a correction with a reason (``MonthSettled`` revision 2)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from performance.api.deps import today as performance_today
from tests.builders import kpi, org
from tests.helpers import auth, post_ok
from tests.system import settled

HR = auth("m-hr", ["hr"])
_post = functools.partial(post_ok, headers=HR)
TODAY = {"day": date(2026, 3, 20)}
REVENUE_CURVE = {
    "points": [{"attainment": "0", "score": "0"}, {"attainment": "1", "score": "100"}],
    "floor": "0",
    "cap": "150",
}


def _template(key: str, weight_revenue: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "name": f"Template {key}",
        "indicators": [
            {
                "code": "revenue",
                "name": "Revenue",
                "category": "result",
                "source": "kpi:revenue",
                "weight": weight_revenue,
                "curve": REVENUE_CURVE,
            },
            {
                "code": "leads",
                "name": "Leads",
                "category": "process",
                "source": "kpi:leads",
                "weight": str(1 - Decimal(weight_revenue)),
                "curve": REVENUE_CURVE,
            },
        ],
        **extra,
    }


async def _goal(client: httpx.AsyncClient, member: str, kpi: str, target: str) -> None:
    await _post(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": f"{kpi} 2026-03",
            "description": f"The {kpi} plan for March",
            "owner_type": "member",
            "owner_id": member,
            "period": "2026-03",
            "kpi": kpi,
            "target_value": target,
        },
    )


async def _actual(client: httpx.AsyncClient, member: str, kpi: str, value: str, key: str) -> None:
    await _post(
        client,
        "/goals/actuals/bulk",
        {
            "items": [
                {
                    "owner_id": member,
                    "kpi": kpi,
                    "date": "2026-03-15",
                    "value": value,
                    "idempotency_key": key,
                }
            ]
        },
        status=200,
    )


@pytest.fixture(scope="module")
async def world(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> dict[str, Any]:
    """Sales team: s1, s2, s3 (execution) hired in 2025, "new" hired in April 2026; d1, a
    manager at the company, whom no scorecard covers. March goals of 100 revenue and 100 leads
    for s1 and s2 with actuals; s3 has none yet."""
    client, _set_today = system
    app = client._transport.app  # type: ignore[attr-defined]
    performance_app = app.state.service_apps["performance"]
    performance_app.dependency_overrides[performance_today] = lambda: TODAY["day"]
    builder = org(client, headers=HR).unit("company", "Co", kind="company")
    builder.unit("team", "Sales", parent="company")
    for member, hired, layer, unit in (
        ("s1", "2025-05-01", "execution", "team"),
        ("s2", "2025-05-01", "execution", "team"),
        ("s3", "2025-05-01", "execution", "team"),
        ("new", "2026-04-10", "execution", "team"),
        ("d1", "2025-01-02", "management", "company"),
    ):
        builder.member(member, unit=unit, layer=layer, hired_on=hired)
    team = (await builder)["team"]
    for code in ("revenue", "leads"):
        await kpi(client, code, headers=HR)
    v1 = await _post(
        client,
        "/performance/scorecard-templates",
        _template("sales", "0.5", effective_from="2026-01", population={"layers": ["execution"]}),
    )
    for member, revenue, leads in (("s1", "80", "60"), ("s2", "100", "100")):
        for code, value in (("revenue", revenue), ("leads", leads)):
            await _goal(client, member, code, "100")
            await _actual(client, member, code, value, f"{member}-{code}")
    await settled(client)
    return {"client": client, "team": team, "v1": v1}


async def _score(client: httpx.AsyncClient, member: str, month: str = "2026-03") -> Any:
    response = await client.get(f"/performance/members/{member}/scores/{month}", headers=HR)
    assert response.status_code == 200, response.text
    return response.json()


async def _outbox(client: httpx.AsyncClient, event_type: str) -> list[dict[str, Any]]:
    app = client._transport.app  # type: ignore[attr-defined]
    database = app.state.service_apps["performance"].state.database
    async with database.sessions() as session:
        rows = await session.execute(
            text("SELECT envelope FROM performance.outbox WHERE event_type = :t ORDER BY id"),
            {"t": event_type},
        )
        return [row.envelope for row in rows]


async def test_a_month_settles_once_every_active_member_has_a_score(
    world: dict[str, Any],
) -> None:
    client = world["client"]
    v1 = world["v1"]
    settle = "/performance/months/2026-03/settle"

    TODAY["day"] = date(2026, 3, 31)
    early = await client.post(settle, headers=HR, json={"reason": None})
    assert early.status_code == 409, early.text
    assert "2026-03 is not over yet" in early.json()["detail"]

    TODAY["day"] = date(2026, 4, 2)
    member = await client.post(settle, headers=auth("s1", ["member"]), json={})
    assert member.status_code == 403
    missing = await client.post(settle, headers=HR, json={})
    assert missing.status_code == 409, missing.text
    # d1 is active in March too, but no scorecard covers a manager: nobody waits for d1.
    assert missing.json()["missing_member_ids"] == ["s3"]
    assert "no live score yet for s3 (" in missing.json()["detail"]
    assert (
        await client.get("/performance/months/2026-03/settlement", headers=HR)
    ).status_code == 404

    await _goal(client, "s3", "revenue", "100")
    await settled(client)
    first = await _post(client, settle, {}, status=201)
    assert first["revision"] == 1 and first["reason"] is None and first["settled_by"] == "m-hr"
    assert first["scores"] == [
        {"member_id": "s1", "score": "70.0000", "template_id": v1["id"], "template_version": 1},
        {"member_id": "s2", "score": "100.0000", "template_id": v1["id"], "template_version": 1},
        {"member_id": "s3", "score": "0.0000", "template_id": v1["id"], "template_version": 1},
    ]
    again = await client.post(settle, headers=HR, json={})
    assert again.status_code == 422, again.text
    assert again.json()["errors"][0]["loc"] == ["body", "reason"]

    await _actual(client, "s3", "revenue", "50", "s3-revenue")
    await settled(client)
    second = await _post(client, settle, {"reason": "s3's March revenue arrived late"})
    assert second["revision"] == 2
    assert second["reason"] == "s3's March revenue arrived late"
    assert second["scores"][2] == {
        "member_id": "s3",
        "score": "25.0000",
        "template_id": v1["id"],
        "template_version": 1,
    }
    shown = (await client.get("/performance/months/2026-03/settlement", headers=HR)).json()
    assert shown == second

    events = await _outbox(client, "performance.month.settled")
    assert [e["subject"] for e in events] == ["2026-03", "2026-03"]
    assert [e["data"] for e in events] == [first, second]
    assert events[1]["data"]["settled_at"].endswith("Z")


async def test_a_new_template_does_not_rewrite_a_past_month_until_rescored_on_purpose(
    world: dict[str, Any],
) -> None:
    client, v1 = world["client"], world["v1"]
    TODAY["day"] = date(2026, 4, 2)
    # A new version of "sales" and a more specific template for execution, both from April.
    v2 = await _post(client, "/performance/scorecard-templates", _template("sales", "0.8"))
    assert (v2["version"], v2["effective_from"]) == (2, "2026-04")
    specific = await _post(
        client,
        "/performance/scorecard-templates",
        _template("sales-exec", "0.2", population={"layers": ["execution"]}),
    )
    assert specific["effective_from"] == "2026-04"
    await settled(client)
    march = await _score(client, "s1")
    assert (march["score"], march["template_id"], march["template_version"]) == (
        "70.0000",
        v1["id"],
        1,
    )
    # A late March figure rescores March live, still with the version in effect for March.
    await _actual(client, "s1", "leads", "40", "s1-leads-late")
    await settled(client)
    march = await _score(client, "s1")
    assert (march["score"], march["template_id"], march["rescores"]) == ("90.0000", v1["id"], [])

    body = {
        "member_ids": ["s1"],
        "month": "2026-03",
        "template_id": v2["id"],
        "reason": "March is scored with the corrected weights",
    }
    own = await client.post("/performance/scores/rescore", headers=auth("s1", ["hr"]), json=body)
    assert own.status_code == 403 and own.json()["rule"] == "self-decision"
    unknown = await client.post(
        "/performance/scores/rescore", headers=HR, json={**body, "template_id": "nope"}
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["body", "template_id"]
    no_score = await client.post(
        "/performance/scores/rescore", headers=HR, json={**body, "member_ids": ["s1", "new"]}
    )
    assert no_score.status_code == 422
    assert no_score.json()["errors"][0]["loc"] == ["body", "member_ids", "1"]

    done = await _post(client, "/performance/scores/rescore", body, status=200)
    [record] = done["rescores"]
    assert {k: v for k, v in record.items() if k != "rescored_at"} == {
        "member_id": "s1",
        "month": "2026-03",
        "old_score": "90.0000",
        "new_score": "84.0000",
        "old_template_version": 1,
        "template_id": v2["id"],
        "template_version": 2,
        "reason": "March is scored with the corrected weights",
        "rescored_by": "m-hr",
    }
    await settled(client)
    march = await _score(client, "s1")
    assert (march["score"], march["template_id"], march["template_version"]) == (
        "84.0000",
        v2["id"],
        2,
    )
    assert march["rescores"] == [record]
    # s2's March is untouched by both new templates.
    s2 = await _score(client, "s2")
    assert (s2["score"], s2["template_version"], s2["rescores"]) == ("100.0000", 1, [])


async def test_closing_off_distribution_needs_an_acknowledgement_and_reasons_survive_reopen(
    world: dict[str, Any],
) -> None:
    """March results: s1 84 (re-scored), s2 100, s3 25: A, A, C on an A/C scale targeting
    90% A and 10% C; s1 calibrated to C gives A 33% and C 67%."""
    client = world["client"]
    cycle = (
        await _post(
            client,
            "/performance/review-cycles",
            {
                "name": "Sales March",
                "kind": "monthly",
                "period": "2026-03",
                "population": {"unit_ids": [world["team"]]},
                "weights": {"results": "1", "ability": "0", "attitude": "0"},
                "rating_scale": [
                    {"rating": "A", "min_score": "80"},
                    {"rating": "C", "min_score": "0"},
                ],
                "target_distribution": {"A": "0.9", "C": "0.1"},
            },
        )
    )["id"]
    advance = f"/performance/review-cycles/{cycle}/advance"
    for state in ("self_assessment", "manager_assessment", "calibration"):
        await _post(client, advance, {"to": state}, status=200)
    reviews = (await client.get(f"/performance/review-cycles/{cycle}/reviews", headers=HR)).json()[
        "items"
    ]
    assert [(r["member_id"], r["final_score"], r["rating"]) for r in reviews] == [
        ("s1", "84.0000", "A"),
        ("s2", "100.0000", "A"),
        ("s3", "25.0000", "C"),
    ]
    s1_review = reviews[0]["id"]
    calibration = "Missed the compliance training twice"
    await _post(
        client,
        f"/performance/reviews/{s1_review}/calibrations",
        {"rating": "C", "reason": calibration},
        status=200,
    )

    refused = await client.post(advance, headers=HR, json={"to": "closed"})
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["detail"] == (
        "the ratings are away from the target distribution by more than 5 percentage "
        "points: A at 33% against 90%, C at 67% against 10%; close with "
        "acknowledge_distribution and a reason to keep them"
    )
    assert problem["gaps"] == [
        {"rating": "A", "count": 1, "share": "0.330000", "target": "0.900000", "gap": "-0.570000"},
        {"rating": "C", "count": 2, "share": "0.670000", "target": "0.100000", "gap": "0.570000"},
    ]
    still = (await client.get(f"/performance/review-cycles/{cycle}", headers=HR)).json()
    assert (still["state"], still["distribution_acknowledgement"]) == ("calibration", None)

    why = "A weak March for the team: the C ratings stand"
    closed = await _post(
        client, advance, {"to": "closed", "acknowledge_distribution": {"reason": why}}, status=200
    )
    acknowledgement = closed["distribution_acknowledgement"]
    assert closed["state"] == "closed"
    assert {k: v for k, v in acknowledgement.items() if k != "acknowledged_at"} == {
        "acknowledged_by": "m-hr",
        "reason": why,
        "tolerance": "0.050000",
        "ratings": problem["gaps"],
    }
    shown = (await client.get(f"/performance/review-cycles/{cycle}", headers=HR)).json()
    assert shown["distribution_acknowledgement"] == acknowledgement

    reopen_reason = "s1's March revenue was booked twice"
    await _post(
        client,
        f"/performance/reviews/{s1_review}/reopen",
        {"reason": reopen_reason},
        status=200,
    )
    again = await _post(client, f"/performance/reviews/{s1_review}/close", {}, status=200)
    assert again["state"] == "closed" and again["calibrated_rating"] == "C"
    assert again["explanation"][-2:] == [
        f"rating calibrated from A to C: {calibration}",
        f"reopened: {reopen_reason}",
    ]
    assert sum(line.startswith("rating calibrated") for line in again["explanation"]) == 1
    await settled(client)
    closed_events = [
        e["data"]
        for e in await _outbox(client, "performance.review.closed")
        if e["data"]["review_id"] == s1_review
    ]
    assert [e["revision"] for e in closed_events] == [1, 2]
    assert closed_events[1]["explanation"] == again["explanation"]
