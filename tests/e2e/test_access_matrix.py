"""Who may read and write what, as a table: every role (the member themself, a peer, their
manager, a manager of another unit, HR, finance, an admin, a user of a partner unit) against
every route family of every service, on the quarter's data, every service its own process.
A member never sees another member's pay, review or peer names; a bad token is 401
everywhere."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest

from deploy.demo import MONTHS, Story
from deploy.demo_talent import talent
from shared.auth import mint_token
from shared.settings import ServiceSettings
from tests.cluster import Cluster, verified
from tests.conftest import TEST_JWT_SECRET
from tests.helpers import unsigned_token

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

ROLES = ("self", "peer", "manager", "other_manager", "hr", "finance", "admin", "partner")
OK, DENIED = "ok", "denied"  # ok: a 2xx; denied: 403, or 404 where existence is private


@dataclass(frozen=True)
class Route:
    family: str
    method: str
    path: str
    allowed: frozenset[str]
    body: Callable[[dict[str, str]], Any] | None = None
    hides: bool = True  # denied as 404 (existence is private) rather than 403


def _allowed(*roles: str) -> frozenset[str]:
    return frozenset(roles)


# Paths use {s1}, {review_s1}, {run}, {ticket}, {sales}, {product} from the story's ids.
ROUTES = [
    Route("goals: org tree", "GET", "/goals/org-units", _allowed(*ROLES)),
    Route(
        "goals: change the org",
        "POST",
        "/goals/org-units",
        _allowed("hr", "admin"),
        body=lambda ids: {"name": "New team", "kind": "team", "parent_id": ids["sales"]},
        hides=False,
    ),
    Route(
        "goals: a member's figures",
        "GET",
        "/goals/figures?owner_id={s1}&period=2026-03",
        _allowed("self", "manager", "hr", "admin"),
        hides=False,
    ),
    Route(
        "performance: a member's score",
        "GET",
        "/performance/members/{s1}/scores/2026-03",
        _allowed("self", "manager", "hr", "admin"),
    ),
    Route(
        "performance: a member's review",
        "GET",
        "/performance/reviews/{review_s1}",
        _allowed("self", "manager", "hr", "admin"),
    ),
    Route(
        "performance: open a review cycle",
        "POST",
        "/performance/review-cycles",
        _allowed("hr", "admin"),
        body=lambda ids: {"name": "Q2", "kind": "quarterly", "period": "2026-Q2"},
        hides=False,
    ),
    Route(
        "incentives: a member's statement",
        "GET",
        "/incentives/members/{s1}/statements/2026-Q1",
        _allowed("self", "manager", "hr", "finance", "admin"),
    ),
    Route(
        "incentives: a member's projection",
        "GET",
        "/incentives/members/{s1}/projection",
        _allowed("self", "manager", "hr", "finance", "admin"),
    ),
    Route(
        "incentives: what-if for a member",
        "POST",
        "/incentives/what-if",
        _allowed("self", "manager", "hr", "finance", "admin"),
        body=lambda ids: {"member_id": ids["s1"], "period": "2026-Q1", "attainments": {}},
    ),
    Route(
        "incentives: payout runs",
        "GET",
        "/incentives/payout-runs",
        _allowed("hr", "finance", "admin"),
        hides=False,
    ),
    Route(
        "incentives: a run's lines",
        "GET",
        "/incentives/payout-runs/{run}/lines",
        _allowed("hr", "finance", "admin"),
        hides=False,
    ),
    Route(
        "incentives: make a plan",
        "POST",
        "/incentives/plans",
        _allowed("finance", "admin"),
        body=lambda ids: {
            "name": "Q2",
            "period": "2026-Q2",
            "base_pay": {"amount": "1", "currency": "CNY"},
        },
        hides=False,
    ),
    Route("incentives: the stars", "GET", "/incentives/stars", _allowed(*ROLES)),
    Route(
        "collab: a ticket between product and sales",
        "GET",
        "/collab/tickets/{ticket}",
        # sales owns it (the reps and their lead), product asked (its head and p1)
        _allowed("self", "peer", "manager", "other_manager", "partner", "hr", "admin"),
    ),
    Route(
        "collab: open a ticket from sales",
        "POST",
        "/collab/tickets",
        # HR and admins may act for any unit; product's people not for sales
        _allowed("self", "peer", "manager", "hr", "admin"),
        body=lambda ids: {
            "title": "Need the spring catalogue",
            "description": "For the campaign",
            "category": "product_info",
            "requester_unit_id": ids["sales"],
            "owner_unit_id": ids["product"],
        },
        hides=False,
    ),
    # Talent (issue 17): a job description is for everyone; a candidate and the requisition
    # for HR and the hiring manager; composition for HR only; assessments like reviews.
    Route("goals: positions", "GET", "/goals/positions", _allowed(*ROLES)),
    Route(
        "goals: a requisition",
        "GET",
        "/goals/requisitions/{requisition}",
        _allowed("manager", "hr", "admin"),
    ),
    Route(
        "goals: a candidate",
        "GET",
        "/goals/candidates/{hired}",
        _allowed("manager", "hr", "admin"),
    ),
    Route(
        "goals: team composition",
        "GET",
        "/goals/units/{marketing}/composition",
        _allowed("hr", "admin"),
        hides=False,
    ),
    Route(
        "performance: a member's competency assessment",
        "GET",
        "/performance/competency-assessments/{assessment_s1}",
        _allowed("self", "manager", "hr", "admin"),
    ),
    Route(
        "performance: a unit's competencies",
        "GET",
        "/performance/units/{sales}/competencies",
        _allowed("manager", "hr", "admin"),
        hides=False,
    ),
    Route(
        "performance: its copy of a member",
        "GET",
        "/performance/members/{s1}",
        _allowed("self", "manager", "hr", "admin"),
    ),
    Route(
        "incentives: its copy of a member",
        "GET",
        "/incentives/members/{s1}",
        _allowed("self", "manager", "hr", "finance", "admin"),
    ),
]


def _tokens(story: Story) -> dict[str, dict[str, str]]:
    product = story.ids["product"]
    return {
        "self": story.rep("s1"),
        "peer": story.rep("s2"),
        "manager": story.lead,
        "other_manager": story.as_("product-head", ["manager"], [product]),
        "hr": story.hr,
        "finance": story.finance,
        "admin": story.admin,
        "partner": story.partner,
    }


async def test_every_role_against_every_route_family(cluster: Cluster) -> None:
    settings = ServiceSettings(environment="test", jwt_secret=TEST_JWT_SECRET)
    async with httpx.AsyncClient(base_url=cluster.gateway, timeout=60) as client:
        story = Story(client, settings)
        await story.organisation()
        await story.targets()
        for month in MONTHS:
            await story.actuals(month)
        await story.figures_settled()
        tickets = await story.tickets()
        review = await story.review()
        run = await story.payout_run()
        await talent(story)
        ids = {
            **story.ids,
            "s1": story.member("s1"),
            "review_s1": review["reviews"][story.member("s1")],
            "run": run["id"],
            "ticket": tickets["s2"]["id"],
        }
        tokens = _tokens(story)

        wrong: list[str] = []
        for route in ROUTES:
            path = route.path.format(**ids)
            for role in ROLES:
                body = route.body(ids) if route.body else None
                response = await client.request(route.method, path, json=body, headers=tokens[role])
                status = response.status_code
                if role in route.allowed:
                    verdict = OK if 200 <= status < 300 else f"got {status}"
                else:
                    denied = (404,) if route.hides else (403,)
                    verdict = DENIED if status in denied else f"got {status}"
                if verdict not in (OK, DENIED):
                    wrong.append(f"{route.family} as {role}: {verdict} {response.text[:160]}")
        assert wrong == [], "\n".join(wrong)

        # What a member sees of their own review: never a peer's name, and with one peer
        # answer of the three the cycle asks for, no peer rating either; the lead sees it.
        review_path = f"/performance/reviews/{ids['review_s1']}"
        mine = (await client.get(review_path, headers=tokens["self"])).json()
        assert (mine["peer_answers"], mine["peer_ratings_withheld"]) == (1, True)
        assert [f for f in mine["feedback"] if f["source"] == "peer"] == []
        assert story.member("s2") not in str(mine)
        leads = (await client.get(review_path, headers=tokens["manager"])).json()
        assert [f["source"] for f in leads["feedback"]].count("peer") == 1
        assert leads["peer_ratings_withheld"] is False
    await verified(cluster)


@pytest.mark.parametrize("kind", ["missing", "expired", "wrongly signed", "alg none"])
async def test_a_bad_token_is_401_on_every_route_family(cluster: Cluster, kind: str) -> None:
    settings = ServiceSettings(environment="test", jwt_secret=TEST_JWT_SECRET)
    bad: dict[str, str] = {}
    if kind == "expired":
        token = mint_token(settings, member_id="x", roles=["admin"], ttl=timedelta(seconds=-60))
        bad = {"Authorization": f"Bearer {token}"}
    elif kind == "wrongly signed":
        other = ServiceSettings(environment="test", jwt_secret="another-secret-0123456789abcdefgh")
        bad = {"Authorization": f"Bearer {mint_token(other, member_id='x', roles=['admin'])}"}
    elif kind == "alg none":
        bad = {"Authorization": f"Bearer {unsigned_token()}"}
    assert kind != "alg none" or jwt.get_unverified_header(unsigned_token())["alg"] == "none"
    # Every name a route's path or body uses, standing for an id that does not matter here.
    names = {n for r in ROUTES for n in re.findall(r"{(\w+)}", r.path)} | {"sales", "product"}
    ids = dict.fromkeys(names, "x")
    async with httpx.AsyncClient(base_url=cluster.gateway, timeout=30) as client:
        for route in ROUTES:
            body = route.body(ids) if route.body else None
            response = await client.request(
                route.method, route.path.format(**ids), json=body, headers=bad
            )
            assert response.status_code == 401, (route.family, kind, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")


@dataclass(frozen=True)
class Decision:
    """A decision about s1 (or s1's unit); ``body`` is given the ids and the deciding role.
    Denied is 403, or 404 where the caller may not even see what it is about."""

    family: str
    path: str
    allowed: frozenset[str]
    body: Callable[[dict[str, str], str], Any]
    phase: str = "any"  # the state s1's Q2 review must be in first
    method: str = "POST"


def _nominee(ids: dict[str, str], role: str) -> dict[str, str]:
    # Each role that may nominate names someone not nominated yet (a repeat would be 409).
    by_role = {"self": "s2", "manager": "dir", "hr": "x1", "admin": "x2"}
    return {"member_id": ids[by_role.get(role, "p1")]}


def _deal(ids: dict[str, str], role: str) -> dict[str, Any]:
    return {
        "id": f"matrix-deal-{role}",
        "member_id": ids["s1"],
        "amount": {"amount": "1000.00", "currency": "CNY"},
        "closed_on": "2026-03-20",
    }


DECISIONS = [
    Decision(
        "incentives: a project bonus for s1",
        "/incentives/projects",
        _allowed("manager", "hr", "admin"),
        body=lambda ids, role: {
            "name": f"Launch ({role})",
            "currency": "CNY",
            "awards": [{"member_id": ids["s1"], "amount": {"amount": "500.00", "currency": "CNY"}}],
        },
    ),
    Decision(
        "incentives: adjust s1's pay",
        "/incentives/adjustments",
        _allowed("finance", "admin"),
        body=lambda ids, role: {
            "member_id": ids["s1"],
            "period": "2026-Q1",
            "amount": {"amount": "10.00", "currency": "CNY"},
            "reason": f"Correction by {role}",
        },
    ),
    Decision(
        "incentives: record s1's revenue",
        "/incentives/revenue",
        _allowed("finance", "admin"),
        _deal,
    ),
    Decision(
        "collab: sales' business hours",
        "/collab/calendars/{sales}",
        _allowed("manager", "hr", "admin"),
        body=lambda ids, role: {"timezone": "Asia/Shanghai"},
        method="PUT",
    ),
    Decision(
        "performance: nominate a peer for s1",
        "/performance/reviews/{review_s1}/nominations",
        # s1 proposes; the manager of record, HR and admins add (approved)
        _allowed("self", "manager", "hr", "admin"),
        body=_nominee,
        phase="self_assessment",
    ),
    Decision(
        "performance: s1's manager assessment",
        "/performance/reviews/{review_s1}/feedback",
        _allowed("manager"),  # the manager of record only: not HR, not an admin
        body=lambda ids, role: {"source": "manager", "ability": "4", "attitude": "4"},
        phase="manager_assessment",
    ),
    Decision(
        "performance: a peer's feedback on s1",
        "/performance/reviews/{review_s1}/feedback",
        _allowed("peer"),  # s2, nominated by s1 and approved by the lead
        body=lambda ids, role: {"source": "peer", "ability": "4", "attitude": "3"},
        phase="manager_assessment",
    ),
    Decision(
        "performance: calibrate s1",
        "/performance/reviews/{review_s1}/calibrations",
        _allowed("manager", "hr", "admin"),
        body=lambda ids, role: {"rating": "B", "reason": f"Calibrated by {role}"},
        phase="calibration",
    ),
]
PHASES = ("any", "self_assessment", "manager_assessment", "calibration")


async def test_who_may_decide_what(cluster: Cluster) -> None:
    """Every role against every decision about s1: only the roles in ``allowed`` succeed,
    nobody decides about themselves, a refusal names its rule."""
    settings = ServiceSettings(environment="test", jwt_secret=TEST_JWT_SECRET)
    async with httpx.AsyncClient(base_url=cluster.gateway, timeout=60) as client:
        story = Story(client, settings, prefix="w-")
        await story.organisation()
        for extra in ("x1", "x2"):
            await story.call(
                "POST",
                "/goals/members",
                {
                    "id": story.member(extra),
                    "name": extra,
                    "home_unit_id": story.ids["product"],
                    "layer": "support",
                    "hired_on": "2025-06-01",
                },
            )
        cycle = await story.call(
            "POST",
            "/performance/review-cycles",
            {
                "name": "Sales Q2 2026",
                "kind": "quarterly",
                "period": "2026-Q2",
                "population": {"unit_ids": [story.ids["sales"]]},
            },
            headers=story.hr,
        )
        tokens = _tokens(story)
        ids = {
            **story.ids,
            **{m: story.member(m) for m in ("dir", "lead", "s1", "s2", "p1", "x1", "x2")},
        }
        wrong: list[str] = []
        for phase in PHASES:
            if phase != "any":
                await story.call(
                    "POST",
                    f"/performance/review-cycles/{cycle['id']}/advance",
                    {"to": phase},
                    headers=story.hr,
                )
            if phase == "self_assessment":
                reviews = await story.call(
                    "GET", f"/performance/review-cycles/{cycle['id']}/reviews", headers=story.hr
                )
                ids["review_s1"] = next(
                    r["id"] for r in reviews["items"] if r["member_id"] == ids["s1"]
                )
            for decision in (d for d in DECISIONS if d.phase == phase):
                path = decision.path.format(**ids)
                for role in ROLES:
                    response = await client.request(
                        decision.method,
                        path,
                        json=decision.body(ids, role),
                        headers=tokens[role],
                    )
                    status = response.status_code
                    if role in decision.allowed:
                        verdict = OK if 200 <= status < 300 else f"got {status}"
                    else:
                        verdict = DENIED if status in (403, 404) else f"got {status}"
                        if role == "self" and status == 403:
                            # s1 deciding about s1: refused as a self-decision or by role.
                            rule = response.json()["type"].rsplit("/", 1)[-1]
                            if rule not in ("self-decision", "forbidden"):
                                verdict = f"refused as {rule}"
                    if verdict not in (OK, DENIED):
                        wrong.append(
                            f"{decision.family} as {role}: {verdict} {response.text[:160]}"
                        )
            if phase == "self_assessment":
                # The lead approves s1's proposal, so that s2 may answer as a peer.
                nominations = await story.call(
                    "GET",
                    f"/performance/reviews/{ids['review_s1']}/nominations",
                    headers=story.lead,
                )
                proposed = next(n for n in nominations["items"] if n["state"] == "proposed")
                await story.call(
                    "POST",
                    f"/performance/reviews/{ids['review_s1']}/nominations/{proposed['id']}/approve",
                    headers=story.lead,
                )
        assert wrong == [], "\n".join(wrong)
    await verified(cluster)
