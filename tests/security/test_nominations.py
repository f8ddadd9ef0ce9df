"""360 feedback by nomination (issue 12): the reviewee proposes peers, the manager of record
or HR approves or adds them; only an approved nominee who is an active member gives peer
feedback, once. The reviewee never learns who the peers are, and sees no peer rating until
the cycle's minimum of peers (3 by default) have answered, while the manager and HR see
every rating; the score counts every answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from shared.errors import NOT_MANAGER_OF_RECORD, NOT_NOMINATED, SELF_DECISION
from tests.helpers import auth, post_ok
from tests.security.review_org import (
    HR_OPS,
    Org,
    advance,
    assert_refused,
    build_org,
    open_cycle,
    rating,
)
from tests.system import settled

System = tuple[httpx.AsyncClient, Callable[[date], None]]


@pytest.fixture(scope="module")
async def org(system: System) -> Org:
    return await build_org(system[0])


def _nominations(review: str) -> str:
    return f"/performance/reviews/{review}/nominations"


async def _nominate(
    client: httpx.AsyncClient, review: str, member: str, headers: dict[str, str]
) -> httpx.Response:
    return await client.post(_nominations(review), json={"member_id": member}, headers=headers)


async def _listed(
    client: httpx.AsyncClient, review: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    response = await client.get(_nominations(review), headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _review(client: httpx.AsyncClient, review: str, headers: dict[str, str]) -> Any:
    response = await client.get(f"/performance/reviews/{review}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_who_nominates_and_who_approves(system: System, org: Org) -> None:
    client, _ = system
    _cycle, reviews = await open_cycle(client)
    review, s1, lead = reviews["s1"], org.token("s1"), org.token("lead")

    proposed = await _nominate(client, review, "s2", s1)
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["state"] == "proposed"
    assert proposed.headers["Location"].endswith(proposed.json()["id"])
    assert (await _nominate(client, review, "s2", lead)).status_code == 409  # already there
    assert_refused(await _nominate(client, review, "s1", s1), SELF_DECISION)
    for unfit in ("lead", "ghost"):  # the manager of record; an id that is no member
        assert (await _nominate(client, review, unfit, s1)).status_code == 422, unfit
    # Only the reviewee, the manager of record and HR nominate.
    for other in ("s3", "dir", "olead"):
        assert_refused(
            await _nominate(client, review, "s4", org.token(other)), NOT_MANAGER_OF_RECORD
        )

    decide = f"{_nominations(review)}/{proposed.json()['id']}"
    assert_refused(await client.post(f"{decide}/approve", headers=s1), SELF_DECISION)
    assert_refused(
        await client.post(f"{decide}/approve", headers=org.token("s2")), NOT_MANAGER_OF_RECORD
    )
    approved = await post_ok(client, f"{decide}/approve", {}, headers=lead, status=200)
    assert (approved["state"], approved["decided_by"]) == ("approved", "lead")

    added = {
        member: (await _nominate(client, review, member, headers)).json()
        for member, headers in (("s3", lead), ("s4", org.token("hr1")), ("o1", org.token("adm")))
    }
    assert {n["state"] for n in added.values()} == {"approved"}
    # HR proposed as a peer does not approve itself; the lead declines a proposal.
    hr1 = (await _nominate(client, review, "hr1", s1)).json()
    assert_refused(
        await client.post(f"{_nominations(review)}/{hr1['id']}/approve", headers=org.token("hr1")),
        SELF_DECISION,
    )
    s5 = (await _nominate(client, review, "s5", s1)).json()
    declined = await post_ok(
        client, f"{_nominations(review)}/{s5['id']}/decline", {}, headers=lead, status=200
    )
    assert declined["state"] == "declined"
    assert_refused(await _nominate(client, reviews["s2"], "hr1", org.token("hr1")), SELF_DECISION)

    # An admin under review only proposes peers for their own review.
    own = (await _nominate(client, reviews["adm"], "hr1", org.token("adm"))).json()
    assert own["state"] == "proposed"
    assert_refused(
        await client.post(
            f"{_nominations(reviews['adm'])}/{own['id']}/approve", headers=org.token("adm")
        ),
        SELF_DECISION,
    )

    by_manager = await _listed(client, review, lead)
    assert {(n["member_id"], n["state"]) for n in by_manager} == {
        ("s2", "approved"),
        ("s3", "approved"),
        ("s4", "approved"),
        ("o1", "approved"),
        ("hr1", "proposed"),
        ("s5", "declined"),
    }
    assert await _listed(client, review, HR_OPS) == by_manager
    # The reviewee sees the states, not who: the cycle's peers are anonymous.
    by_reviewee = await _listed(client, review, s1)
    assert [n["member_id"] for n in by_reviewee] == [None] * 6
    assert sorted(n["state"] for n in by_reviewee) == sorted(n["state"] for n in by_manager)
    # A nominee sees their own nomination; anyone else, nothing.
    assert [
        (n["member_id"], n["state"]) for n in await _listed(client, review, org.token("s3"))
    ] == [("s3", "approved")]
    for stranger in (org.token("olead"), auth("ghost", ["member"])):
        assert (await client.get(_nominations(review), headers=stranger)).status_code == 404


async def test_peer_feedback_only_from_approved_active_nominees_once(
    system: System, org: Org
) -> None:
    client, _ = system
    _cycle, reviews = await open_cycle(client)
    review, s1, lead = reviews["s1"], org.token("s1"), org.token("lead")
    feedback = f"/performance/reviews/{review}/feedback"
    for member in ("s2", "leaver"):
        assert (await _nominate(client, review, member, lead)).status_code == 201
    proposal = (await _nominate(client, review, "s3", s1)).json()  # proposed, never approved
    declined = (await _nominate(client, review, "s4", lead)).json()
    await post_ok(
        client, f"{_nominations(review)}/{declined['id']}/decline", {}, headers=lead, status=200
    )

    for author in ("s3", "s4", "s5", "o1", "hr1"):  # proposed, declined, never nominated
        assert_refused(
            await client.post(feedback, json=rating("peer"), headers=org.token(author)),
            NOT_NOMINATED,
        )
    assert_refused(
        await client.post(feedback, json=rating("peer"), headers=auth("ghost", ["member"])),
        NOT_NOMINATED,
    )
    assert_refused(await client.post(feedback, json=rating("peer"), headers=lead), NOT_NOMINATED)
    assert_refused(await client.post(feedback, json=rating("peer"), headers=s1), SELF_DECISION)
    assert_refused(
        await client.post(feedback, json=rating("self"), headers=org.token("s2")), NOT_NOMINATED
    )
    assert_refused(await client.post(feedback, json=rating("customer"), headers=s1), NOT_NOMINATED)

    await post_ok(client, feedback, rating("peer", "5", "4"), headers=org.token("s2"))
    again = await client.post(feedback, json=rating("peer", "1", "1"), headers=org.token("s2"))
    assert again.status_code == 409, again.text
    states = {n["member_id"]: n["state"] for n in await _listed(client, review, lead)}
    assert states == {"s2": "answered", "leaver": "approved", "s3": "proposed", "s4": "declined"}
    answered = next(n for n in await _listed(client, review, lead) if n["member_id"] == "s2")
    decline = await client.post(f"{_nominations(review)}/{answered['id']}/decline", headers=lead)
    assert decline.status_code == 409

    # A nominee who has left the company no longer answers.
    leaver = await client.get("/goals/members/leaver", headers=HR_OPS)
    left = await client.patch(
        "/goals/members/leaver",
        json={"left_on": "2026-03-15", "leave_reason": "voluntary"},
        headers={**HR_OPS, "If-Match": leaver.headers["ETag"]},
    )
    assert left.status_code == 200, left.text
    await settled(client)
    assert_refused(
        await client.post(feedback, json=rating("peer"), headers=org.token("leaver")),
        NOT_NOMINATED,
    )
    await post_ok(
        client, f"{_nominations(review)}/{proposal['id']}/approve", {}, headers=lead, status=200
    )
    await post_ok(client, feedback, rating("peer"), headers=org.token("s3"))
    shown = await _review(client, review, lead)
    assert sorted(f["author"] for f in shown["feedback"] if f["source"] == "peer") == ["s2", "s3"]


async def test_the_reviewee_sees_peer_ratings_once_three_have_answered(
    system: System, org: Org
) -> None:
    client, _ = system
    cycle, reviews = await open_cycle(client)
    s1, s2, lead = org.token("s1"), org.token("s2"), org.token("lead")
    peers = {"s1": ("s2", "s3", "s4"), "s2": ("s3", "s4")}
    for reviewee, nominees in peers.items():
        for nominee in nominees:
            assert (await _nominate(client, reviews[reviewee], nominee, lead)).status_code == 201
    await post_ok(
        client, f"/performance/reviews/{reviews['s2']}/feedback", rating("self"), headers=s2
    )

    def peer_items(review: Any) -> list[Any]:
        return [f for f in review["feedback"] if f["source"] == "peer"]

    for answered, peer in enumerate(peers["s1"], start=1):
        await post_ok(
            client,
            f"/performance/reviews/{reviews['s1']}/feedback",
            rating("peer", str(2 + answered), "4"),
            headers=org.token(peer),
        )
        mine = await _review(client, reviews["s1"], s1)
        managers = await _review(client, reviews["s1"], lead)
        assert [f["author"] for f in peer_items(managers)] == list(peers["s1"][:answered])
        assert mine["peer_answers"] == managers["peer_answers"] == answered
        if answered < 3:
            assert (peer_items(mine), mine["peer_ratings_withheld"]) == ([], True), answered
        else:
            assert mine["peer_ratings_withheld"] is False
            assert [f["author"] for f in peer_items(mine)] == [None, None, None]
            assert sorted(f["ability"] for f in peer_items(mine)) == ["3.00", "4.00", "5.00"]
            assert not any(f"'{peer}'" in str(mine) for peer in peers["s1"])

    # s2 has two peers: s3 rates 5, s4 rates 3 (average 4, shown as 80).
    for peer, stars in (("s3", "5"), ("s4", "3")):
        await post_ok(
            client,
            f"/performance/reviews/{reviews['s2']}/feedback",
            rating("peer", stars, stars),
            headers=org.token(peer),
        )
    await advance(client, cycle, "manager_assessment")
    await post_ok(
        client,
        f"/performance/reviews/{reviews['s2']}/feedback",
        rating("manager", "3", "3"),
        headers=lead,
    )
    await advance(client, cycle, "calibration")

    # Scored from every answer: ability = (.1 x 80 + .5 x 60 + .2 x 80) / .8 = 67.50, the
    # same for attitude; no monthly scores, so final = .2 x 67.50 + .2 x 67.50 = 27.00.
    for headers in (lead, HR_OPS):
        full = await _review(client, reviews["s2"], headers)
        assert (Decimal(full["ability_score"]), Decimal(full["attitude_score"])) == (
            Decimal("67.50"),
            Decimal("67.50"),
        )
        assert Decimal(full["final_score"]) == Decimal("27.00")
        assert len(peer_items(full)) == 2
        assert any("peer 0.2 x 80" in line for line in full["explanation"])
    # The reviewee sees the rating, but no number that gives the two peers' ratings away:
    # beside their own rating and the manager's, ability or the final score would.
    mine = await _review(client, reviews["s2"], s2)
    assert (mine["ability_score"], mine["attitude_score"], mine["final_score"]) == (None,) * 3
    assert (mine["rating"], mine["results_score"]) == ("D", full["results_score"])
    assert peer_items(mine) == [] and mine["peer_ratings_withheld"] is True
    assert [f["source"] for f in mine["feedback"]] == ["self", "manager"]
    assert not any(
        "peer 0.2 x" in line or "67.5" in line or "27.0" in line for line in mine["explanation"]
    )
    assert "ability: withheld until 3 peers have answered (2 of 3 so far)" in mine["explanation"]
    assert mine["explanation"][-1] == "rating = D (final >= 0)"
    listed = await client.get(f"/performance/review-cycles/{cycle}/reviews", headers=s2)
    assert listed.json() == {"items": [mine], "next_cursor": None}
    # s1, with three answers, sees the peers' part of the arithmetic.
    s1_review = await _review(client, reviews["s1"], s1)
    assert s1_review["ability_score"] is not None
    assert any("peer 0.2 x" in line for line in s1_review["explanation"])
