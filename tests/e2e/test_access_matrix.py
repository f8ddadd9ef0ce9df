"""Who may read and write what, as a table: every role (the member themself, a peer, their
manager, a manager of another unit, HR, finance, an admin, a user of a partner unit) against
every route family of every service, on the quarter's data, every service its own process.
A member never sees another member's pay, review or peer names; a bad token is 401
everywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest

from deploy.demo import MONTHS, Story
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
        body=lambda ids: {"name": "Q2", "period": "2026-Q2", "base_pay": "1"},
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

        # What a member sees of their own review: the scores, never a peer's name.
        mine = (
            await client.get(f"/performance/reviews/{ids['review_s1']}", headers=tokens["self"])
        ).json()
        peers = [f for f in mine["feedback"] if f["source"] == "peer"]
        assert peers and all(f["author"] is None for f in peers)
        assert story.member("s2") not in str(mine)
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
    ids = dict.fromkeys(("s1", "review_s1", "run", "ticket", "sales", "product"), "x")
    async with httpx.AsyncClient(base_url=cluster.gateway, timeout=30) as client:
        for route in ROUTES:
            body = route.body(ids) if route.body else None
            response = await client.request(
                route.method, route.path.format(**ids), json=body, headers=bad
            )
            assert response.status_code == 401, (route.family, kind, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
