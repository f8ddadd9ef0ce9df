"""Issue 4's review story through the gateway: live scores from goals' actuals, then a
quarterly cycle for a team through every state, with self, manager, peer and customer
feedback and a calibration adjustment; closing publishes exactly one ReviewClosed per member
with the final score computed here by hand."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import text

from tests.builders import actual_item, actuals, indicator, kpi, kpi_target, org, scorecard
from tests.helpers import auth, post_ok
from tests.system import settled

HR = auth("hr-1", ["hr"])
_post = functools.partial(post_ok, headers=HR)
MONTHS = ["2026-01", "2026-02", "2026-03"]
# Revenue and leads per member and month; every target is 100000 revenue and 50 leads.
ACTUALS = {
    "s1": {"2026-01": ("110000", "50"), "2026-02": ("90000", "20"), "2026-03": ("130000", "60")},
    "s2": {"2026-01": ("80000", "40"), "2026-02": ("100000", "50"), "2026-03": ("100000", "25")},
    "lead": {"2026-01": ("100000", "50")},
}
LEADS_CURVE = {
    "points": [
        {"attainment": "0", "score": "0"},
        {"attainment": "1", "score": "100"},
    ],
    "floor": "0.5",
    "cap": "100",
}


async def step_1_a_sales_team_with_a_quarter_of_actuals(client: httpx.AsyncClient) -> str:
    """A team of a lead, s1 and s2, a sales scorecard of revenue and leads, monthly targets
    and the quarter's actuals; returns the team's id."""
    units = await (
        org(client, headers=HR)
        .unit("company", "Co", kind="company")
        .unit("team", "Sales", parent="company")
        .member("lead", unit="team", layer="management", manager=None)
        .member("s1", unit="team", manager="lead")
        .member("s2", unit="team", manager="lead")
    )
    for code in ("revenue", "leads"):
        await kpi(client, code, headers=HR)
    await scorecard(
        client,
        "sales",
        "Sales scorecard",
        indicator("revenue", "Revenue", weight="0.7"),
        indicator("leads", "Leads", category="process", weight="0.3", curve=LEADS_CURVE),
        headers=HR,
    )
    for member in ACTUALS:
        for month in MONTHS:
            for code, target in (("revenue", "100000"), ("leads", "50")):
                await kpi_target(
                    client, owner=member, kpi=code, period=month, target=target, headers=HR
                )
    items = [
        actual_item(member, code, f"{month}-15", value, f"{member}-{code}-{month}")
        for member, months in ACTUALS.items()
        for month, values in months.items()
        for code, value in zip(("revenue", "leads"), values, strict=True)
    ]
    await actuals(client, items, headers=HR)
    await settled(client)
    return units["team"]


def feedback(source: str, ability: str, attitude: str) -> dict[str, str]:
    return {"source": source, "ability": ability, "attitude": attitude}


def people(team: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The headers of s1, s2 and the lead."""
    return (
        auth("s1", ["member"], [team]),
        auth("s2", ["member"], [team]),
        auth("lead", ["manager"], [team]),
    )


async def _score(
    client: httpx.AsyncClient, member: str, month: str, headers: dict[str, str] = HR
) -> dict[str, Any]:
    response = await client.get(f"/performance/members/{member}/scores/{month}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _advance(client: httpx.AsyncClient, cycle: str, to: str) -> None:
    await _post(client, f"/performance/review-cycles/{cycle}/advance", {"to": to}, status=200)


async def _review_of(client: httpx.AsyncClient, cycle: str, member: str) -> dict[str, Any]:
    reviews = (await client.get(f"/performance/review-cycles/{cycle}/reviews", headers=HR)).json()
    review: dict[str, Any] = next(r for r in reviews["items"] if r["member_id"] == member)
    return review


async def step_2_live_scores_follow_the_actuals(client: httpx.AsyncClient, team: str) -> None:
    # Live scores: 0.7 x revenue points + 0.3 x leads points (leads below 50% score 0).
    s1_march = await _score(client, "s1", "2026-03")
    assert Decimal(s1_march["score"]) == Decimal(114), s1_march  # 0.7 x 120 capped + 0.3 x 100
    lines = {line["code"]: line for line in s1_march["indicators"]}
    assert Decimal(lines["revenue"]["input"]) == Decimal("1.3")
    assert Decimal(lines["revenue"]["points"]) == Decimal(120)
    assert Decimal(lines["revenue"]["contribution"]) == Decimal(84)
    assert len(lines["revenue"]["events"]) >= 1
    assert s1_march["template_key"] == "sales"
    assert Decimal((await _score(client, "s1", "2026-01"))["score"]) == Decimal(107)
    assert Decimal((await _score(client, "s1", "2026-02"))["score"]) == Decimal(63)
    assert [Decimal((await _score(client, "s2", m))["score"]) for m in MONTHS] == [
        Decimal(80),
        Decimal(100),
        Decimal(85),
    ]
    assert [Decimal((await _score(client, "lead", m))["score"]) for m in MONTHS] == [
        Decimal(100),
        Decimal(0),
        Decimal(0),
    ]
    s2 = auth("s2", ["member"], [team])
    assert (
        await client.get("/performance/members/s1/scores/2026-03", headers=s2)
    ).status_code == 404


async def step_3_hr_opens_a_quarterly_cycle(client: httpx.AsyncClient, team: str) -> str:
    """Returns the cycle's id."""
    cycle = (
        await _post(
            client,
            "/performance/review-cycles",
            {
                "name": "Sales Q1 2026",
                "kind": "quarterly",
                "period": "2026-Q1",
                "population": {"unit_ids": [team]},
                # Two reps rate each other: each reviewee sees their one peer's rating.
                "min_peer_answers": 1,
            },
        )
    )["id"]
    bad = await client.post(
        "/performance/review-cycles",
        headers=HR,
        json={"name": "Bad", "kind": "quarterly", "period": "2026-03"},
    )
    assert bad.status_code == 422
    skipped = await client.post(
        f"/performance/review-cycles/{cycle}/advance", headers=HR, json={"to": "calibration"}
    )
    assert skipped.status_code == 409
    return str(cycle)


async def step_4_everyone_assesses_themselves(
    client: httpx.AsyncClient, team: str, cycle: str
) -> dict[str, str]:
    """Returns each member's review id."""
    await _advance(client, cycle, "self_assessment")
    s1, s2, lead = people(team)
    reviews = {m: (await _review_of(client, cycle, m))["id"] for m in ("s1", "s2", "lead")}

    await _post(
        client,
        f"/performance/reviews/{reviews['s1']}/feedback",
        feedback("self", "5", "4"),
        headers=s1,
    )
    await _post(
        client,
        f"/performance/reviews/{reviews['s2']}/feedback",
        feedback("self", "3", "4"),
        headers=s2,
    )
    await _post(
        client,
        f"/performance/reviews/{reviews['lead']}/feedback",
        feedback("self", "4", "4"),
        headers=lead,
    )
    return reviews


async def step_5_peers_by_nomination_and_a_customer(
    client: httpx.AsyncClient, team: str, reviews: dict[str, str]
) -> None:
    s1, s2, lead = people(team)
    # Peers by nomination: s1 proposes s2 and the lead approves; the lead adds s1 for s2.
    proposed = await _post(
        client, f"/performance/reviews/{reviews['s1']}/nominations", {"member_id": "s2"}, headers=s1
    )
    assert proposed["state"] == "proposed"
    approved = await _post(
        client,
        f"/performance/reviews/{reviews['s1']}/nominations/{proposed['id']}/approve",
        {},
        headers=lead,
        status=200,
    )
    assert approved["state"] == "approved"
    added = await _post(
        client,
        f"/performance/reviews/{reviews['s2']}/nominations",
        {"member_id": "s1"},
        headers=lead,
    )
    assert added["state"] == "approved"
    await _post(
        client,
        f"/performance/reviews/{reviews['s1']}/feedback",
        feedback("peer", "4", "5"),
        headers=s2,
    )
    await _post(
        client,
        f"/performance/reviews/{reviews['s2']}/feedback",
        feedback("peer", "4", "4"),
        headers=s1,
    )
    await _post(
        client,
        f"/performance/reviews/{reviews['s1']}/feedback",
        feedback("self", "1", "1"),
        headers=s2,
        status=403,
    )
    await _post(
        client,
        f"/performance/reviews/{reviews['s1']}/feedback",
        feedback("manager", "4", "4"),
        headers=lead,
        status=409,
    )  # not yet
    invite = await _post(
        client,
        f"/performance/reviews/{reviews['s1']}/customer-invites",
        {"customer_name": "Acme Trading"},
        headers=lead,
    )
    answer = {"ability": "5", "attitude": "5", "comment": "Answers within the hour"}
    used = await client.post(invite["path"], json=answer)  # no account, no token
    assert used.status_code == 204
    assert (await client.post(invite["path"], json=answer)).status_code == 404  # single use


async def step_6_the_manager_assesses(
    client: httpx.AsyncClient, team: str, cycle: str, reviews: dict[str, str]
) -> None:
    _s1, s2, lead = people(team)
    await _advance(client, cycle, "manager_assessment")
    await _post(
        client,
        f"/performance/reviews/{reviews['s1']}/feedback",
        feedback("manager", "4", "4"),
        headers=lead,
    )
    await _post(
        client,
        f"/performance/reviews/{reviews['s2']}/feedback",
        feedback("manager", "3", "3"),
        headers=lead,
    )
    await _post(
        client,
        f"/performance/reviews/{reviews['s2']}/feedback",
        feedback("self", "5", "5"),
        headers=s2,
        status=409,
    )  # self-assessment is over


async def step_7_calibration_shows_the_scores_by_hand(
    client: httpx.AsyncClient, cycle: str, reviews: dict[str, str]
) -> None:
    await _advance(client, cycle, "calibration")
    # By hand (results = average of the three monthly scores; 360 ratings x 20, weighted
    # self 0.1, manager 0.5, peer 0.2, customer 0.2 over the sources that answered):
    # s1: results (107+63+114)/3 = 94.67; ability .1x100+.5x80+.2x80+.2x100 = 86;
    #     attitude .1x80+.5x80+.2x100+.2x100 = 88; final .6x94.67+.2x86+.2x88 = 91.60 -> S
    # s2: results (80+100+85)/3 = 88.33; ability (.1x60+.5x60+.2x80)/.8 = 65;
    #     attitude (.1x80+.5x60+.2x80)/.8 = 67.50; final 52.998+13+13.5 = 79.50 -> B
    # lead: results (100+0+0)/3 = 33.33; ability 80; attitude 80; final 52.00 -> D
    expected = {
        "s1": ("94.67", "86.00", "88.00", "91.60", "S"),
        "s2": ("88.33", "65.00", "67.50", "79.50", "B"),
        "lead": ("33.33", "80.00", "80.00", "52.00", "D"),
    }
    for member, (results, ability, attitude, final, rating) in expected.items():
        review = await _review_of(client, cycle, member)
        assert (
            Decimal(review["results_score"]),
            Decimal(review["ability_score"]),
            Decimal(review["attitude_score"]),
            Decimal(review["final_score"]),
            review["rating"],
        ) == (Decimal(results), Decimal(ability), Decimal(attitude), Decimal(final), rating), member
    view = (await client.get(f"/performance/review-cycles/{cycle}/calibration", headers=HR)).json()
    assert {r["rating"]: r["count"] for r in view["ratings"]} == {
        "S": 1,
        "A": 0,
        "B": 1,
        "C": 0,
        "D": 1,
    }
    calibrated = await _post(
        client,
        f"/performance/reviews/{reviews['s2']}/calibrations",
        {"rating": "A", "reason": "Carried the biggest account through the launch"},
        status=200,
    )
    assert calibrated["calibrated_rating"] == "A"
    assert calibrated["explanation"][-1].startswith("rating calibrated from B to A")


async def step_8_closing_publishes_one_review_closed_each(
    client: httpx.AsyncClient, cycle: str
) -> None:
    # Three reviews cannot follow the default target distribution: closing needs a reason.
    advance = f"/performance/review-cycles/{cycle}/advance"
    refused = await client.post(advance, headers=HR, json={"to": "closed"})
    assert refused.status_code == 409, refused.text
    await _post(
        client,
        advance,
        {"to": "closed", "acknowledge_distribution": {"reason": "A team of three"}},
        status=200,
    )
    await settled(client)
    closed = await _review_closed_events(client)
    assert sorted(
        (e["member_id"], e["final_score"], e["rating"], e["revision"]) for e in closed
    ) == [("lead", "52.0000", "D", 1), ("s1", "91.6000", "S", 1), ("s2", "79.5000", "A", 1)]


async def step_9_what_the_reviewee_sees(
    client: httpx.AsyncClient, team: str, cycle: str, reviews: dict[str, str]
) -> None:
    s1, s2, lead = people(team)
    # What the reviewee sees: scores and feedback, but no peer's name; another's: nothing.
    mine = (await client.get(f"/performance/reviews/{reviews['s1']}", headers=s1)).json()
    peers = [f for f in mine["feedback"] if f["source"] == "peer"]
    assert peers and all(f["author"] is None for f in peers)
    assert "s2" not in str(mine)
    customers = [f["author"] for f in mine["feedback"] if f["source"] == "customer"]
    assert customers == ["Acme Trading"]
    as_manager = (await client.get(f"/performance/reviews/{reviews['s1']}", headers=lead)).json()
    assert [f["author"] for f in as_manager["feedback"] if f["source"] == "peer"] == ["s2"]
    assert (
        await client.get(f"/performance/reviews/{reviews['s1']}", headers=s2)
    ).status_code == 404
    assert [
        r["member_id"]
        for r in (
            await client.get(f"/performance/review-cycles/{cycle}/reviews", headers=s2)
        ).json()["items"]
    ] == ["s2"]


async def step_10_a_closed_review_changes_only_by_a_reopen(
    client: httpx.AsyncClient, team: str, reviews: dict[str, str]
) -> None:
    s1 = auth("s1", ["member"], [team])
    # A closed review changes only through a recorded reopen, published as a correction.
    await _post(
        client,
        f"/performance/reviews/{reviews['s2']}/feedback",
        feedback("peer", "5", "5"),
        headers=s1,
        status=409,
    )
    reopened = await _post(
        client,
        f"/performance/reviews/{reviews['s2']}/reopen",
        {"reason": "Manager rating entered on the wrong scale"},
        status=200,
    )
    assert reopened["state"] == "reopened"
    again = await _post(client, f"/performance/reviews/{reviews['s2']}/close", {}, status=200)
    assert (again["state"], again["revision"], again["calibrated_rating"]) == ("closed", 2, "A")
    closed = await _review_closed_events(client)
    s2_events = [e for e in closed if e["member_id"] == "s2"]
    assert [(e["revision"], e["correction"]) for e in s2_events] == [(1, False), (2, True)]


async def test_a_quarterly_review_for_a_team(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _set_today = system
    team = await step_1_a_sales_team_with_a_quarter_of_actuals(client)
    await step_2_live_scores_follow_the_actuals(client, team)
    cycle = await step_3_hr_opens_a_quarterly_cycle(client, team)
    reviews = await step_4_everyone_assesses_themselves(client, team, cycle)
    await step_5_peers_by_nomination_and_a_customer(client, team, reviews)
    await step_6_the_manager_assesses(client, team, cycle, reviews)
    await step_7_calibration_shows_the_scores_by_hand(client, cycle, reviews)
    await step_8_closing_publishes_one_review_closed_each(client, cycle)
    await step_9_what_the_reviewee_sees(client, team, cycle, reviews)
    await step_10_a_closed_review_changes_only_by_a_reopen(client, team, reviews)


async def _review_closed_events(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """The ReviewClosed events in performance's outbox, in the order they were written."""
    app = client._transport.app  # type: ignore[attr-defined]
    database = app.state.service_apps["performance"].state.database
    async with database.sessions() as session:
        rows = await session.execute(
            text(
                "SELECT envelope FROM performance.outbox WHERE event_type = "
                "'performance.review.closed' ORDER BY id"
            )
        )
        return [row.envelope["data"] for row in rows]
