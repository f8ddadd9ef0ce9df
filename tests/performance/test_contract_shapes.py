"""The API conventions on performance's bodies: every collection a page (``limit``, ``cursor``,
``sort``), every decimal a string at its kind's scale (ratios 6 places, scores and points 4,
360 ratings 2), a JSON number or too many places a 422 naming the field."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from tests.helpers import auth, post_ok
from tests.system import settled

HR = auth("hr-shapes", ["hr"])
_post = functools.partial(post_ok, headers=HR)
TEMPLATES = "/performance/scorecard-templates"
MEMBERS = ("lead", "s1", "s2", "s3", "s4")


def _indicator(**changes: Any) -> dict[str, Any]:
    return {
        "code": "revenue",
        "name": "Revenue",
        "category": "result",
        "source": "kpi:revenue",
        "weight": "1",
        **changes,
    }


def _template(key: str, **indicator: Any) -> dict[str, Any]:
    return {
        "key": key,
        "name": f"Template {key}",
        "population": {"unit_ids": [f"nowhere-{key}"]},
        "indicators": [_indicator(**indicator)],
    }


def _locs(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [error["loc"] for error in response.json()["errors"]]


async def _pages(client: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of a collection, following ``next_cursor`` to the end."""
    pages, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=query, headers=HR)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        assert set(page) == {"items", "next_cursor"}
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


async def test_templates_are_paged_and_sorted(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    for key in ("t-beta", "t-alpha", "t-gamma"):
        await _post(client, TEMPLATES, _template(key))

    pages = await _pages(client, TEMPLATES, limit=2)
    assert [[t["key"] for t in page["items"]] for page in pages] == [
        ["t-beta", "t-alpha"],
        ["t-gamma"],
    ]
    assert pages[0]["next_cursor"] is not None and pages[1]["next_cursor"] is None

    by_key = await _pages(client, TEMPLATES, limit=2, sort="-key")
    assert [t["key"] for page in by_key for t in page["items"]] == ["t-gamma", "t-beta", "t-alpha"]

    assert _locs(await client.get(TEMPLATES, params={"sort": "weight"}, headers=HR)) == [
        ["query", "sort"]
    ]
    cursor = pages[0]["next_cursor"]
    other_sort = await client.get(TEMPLATES, params={"cursor": cursor, "sort": "key"}, headers=HR)
    assert _locs(other_sort) == [["query", "cursor"]]
    assert _locs(await client.get(TEMPLATES, params={"limit": 201}, headers=HR)) == [
        ["query", "limit"]
    ]


async def test_a_template_reads_back_at_the_stated_scales(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    curve = {
        "points": [{"attainment": "0", "score": "0"}, {"attainment": "1.2", "score": "130.5"}],
        "floor": "0.5",
        "cap": "130.5",
    }
    created = await _post(client, TEMPLATES, _template("t-scales", curve=curve))
    [indicator] = created["indicators"]
    assert (indicator["weight"], indicator["curve"]) == (
        "1.000000",
        {
            "points": [
                {"attainment": "0.000000", "score": "0.0000"},
                {"attainment": "1.200000", "score": "130.5000"},
            ],
            "floor": "0.500000",
            "cap": "130.5000",
        },
    )
    listed = await _pages(client, TEMPLATES, sort="-created_at", limit=1)
    assert listed[0]["items"][0]["indicators"] == created["indicators"]


async def test_decimals_are_strings_with_at_most_their_places(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    loc = ["body", "indicators", 0]
    for body, where in (
        (_template("t-bad", weight=1), [*loc, "weight"]),
        (_template("t-bad", weight="0.1234567"), [*loc, "weight"]),
        (_template("t-bad", curve={"cap": 120}), [*loc, "curve", "cap"]),
        (_template("t-bad", curve={"cap": "120.12345"}), [*loc, "curve", "cap"]),
        (
            _template("t-bad", curve={"points": [{"attainment": 0, "score": "0"}] * 2}),
            [*loc, "curve", "points", 0, "attainment"],
        ),
    ):
        response = await client.post(TEMPLATES, json=body, headers=HR)
        assert where in _locs(response), response.text
    # A curve point is an object: the old [attainment, score] pair is refused.
    pairs = _template("t-bad", curve={"points": [["0", "0"], ["1", "100"]]})
    response = await client.post(TEMPLATES, json=pairs, headers=HR)
    assert _locs(response) == [[*loc, "curve", "points", 0], [*loc, "curve", "points", 1]]


async def _cycle_with_reviews(client: httpx.AsyncClient) -> tuple[str, dict[str, str], str]:
    team = (await _post(client, "/goals/org-units", {"name": "Shapes", "kind": "team"}))["id"]
    for member in MEMBERS:
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": f"Name of {member}",
                "home_unit_id": team,
                "layer": "management" if member == "lead" else "execution",
                "manager_id": None if member == "lead" else "lead",
                "hired_on": "2025-05-01",
            },
        )
    await settled(client)
    cycle = await _post(
        client,
        "/performance/review-cycles",
        {
            "name": "Shapes Q1",
            "kind": "quarterly",
            "period": "2026-Q1",
            "population": {"unit_ids": [team]},
            "weights": {"results": "0.5", "ability": "0.25", "attitude": "0.25"},
        },
    )
    await _post(
        client,
        f"/performance/review-cycles/{cycle['id']}/advance",
        {"to": "self_assessment"},
        status=200,
    )
    listed = await _pages(client, f"/performance/review-cycles/{cycle['id']}/reviews")
    reviews = {r["member_id"]: r["id"] for r in listed[0]["items"]}
    return cycle["id"], reviews, team


async def test_a_cycle_its_reviews_nominations_and_ratings(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    cycle, reviews, team = await _cycle_with_reviews(client)

    read = (await client.get(f"/performance/review-cycles/{cycle}", headers=HR)).json()
    assert read["weights"] == {"results": "0.500000", "ability": "0.250000", "attitude": "0.250000"}
    assert read["rating_scale"][0] == {"rating": "S", "min_score": "90.0000"}
    assert read["target_distribution"]["C"] == "0.150000"

    path = f"/performance/review-cycles/{cycle}/reviews"
    pages = await _pages(client, path, limit=2)
    assert [[r["member_id"] for r in page["items"]] for page in pages] == [
        ["lead", "s1"],
        ["s2", "s3"],
        ["s4"],
    ]
    descending = await _pages(client, path, limit=3, sort="-member_id")
    assert [r["member_id"] for page in descending for r in page["items"]] == [
        "s4",
        "s3",
        "s2",
        "s1",
        "lead",
    ]
    assert _locs(await client.get(path, params={"sort": "rating"}, headers=HR)) == [
        ["query", "sort"]
    ]

    # Nominations: HR adds three peers of s1, approved, read back page by page.
    nominations = f"/performance/reviews/{reviews['s1']}/nominations"
    for peer in ("s2", "s3", "s4"):
        await _post(client, nominations, {"member_id": peer})
    pages = await _pages(client, nominations, limit=2)
    assert [[n["member_id"] for n in page["items"]] for page in pages] == [["s2", "s3"], ["s4"]]
    by_state = await _pages(client, nominations, sort="state,-created_at")
    assert [n["member_id"] for n in by_state[0]["items"]] == ["s4", "s3", "s2"]
    assert _locs(await client.get(nominations, params={"sort": "member_id"}, headers=HR)) == [
        ["query", "sort"]
    ]

    # A 360 rating: at most 2 places, a string; read back at exactly 2.
    s1 = auth("s1", ["member"], [team])
    feedback = f"/performance/reviews/{reviews['s1']}/feedback"
    for body, where in (
        ({"source": "self", "ability": 4, "attitude": "4"}, ["body", "ability"]),
        ({"source": "self", "ability": "4", "attitude": "4.125"}, ["body", "attitude"]),
        ({"source": "self", "ability": "4", "attitude": "5.5"}, ["body", "attitude"]),
    ):
        assert _locs(await client.post(feedback, json=body, headers=s1)) == [where]
    given = await post_ok(
        client, feedback, {"source": "self", "ability": "4.5", "attitude": "3"}, headers=s1
    )
    assert (given["ability"], given["attitude"]) == ("4.50", "3.00")
    mine = (await client.get(f"/performance/reviews/{reviews['s1']}", headers=s1)).json()
    assert [(f["ability"], f["attitude"]) for f in mine["feedback"]] == [("4.50", "3.00")]


async def test_a_cycle_refuses_numbers_and_extra_places(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    body = {"name": "Q", "kind": "quarterly", "period": "2026-Q1"}
    for changes, where in (
        ({"weights": {"results": 0.6, "ability": "0.2", "attitude": "0.2"}}, "weights"),
        ({"weights": {"results": "0.6000001", "ability": "0.2", "attitude": "0.2"}}, "weights"),
        ({"rating_scale": [{"rating": "A", "min_score": 0}]}, "rating_scale"),
    ):
        response = await client.post(
            "/performance/review-cycles", json={**body, **changes}, headers=HR
        )
        assert [loc[:2] for loc in _locs(response)] == [["body", where]], response.text
