"""The API conventions on collab's bodies: every collection is a page (``limit``, ``cursor``,
``sort``), business hours are decimal strings at 4 places and shares ratios at 6, in
requests and responses and in the events collab publishes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.collab.conftest import Collab
from tests.helpers import auth, post_ok

HR = auth("hr-shapes", ["hr"])
START = datetime(2027, 3, 8, 2, tzinfo=UTC)  # a Monday, 10:00 in Shanghai


def _units() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:6]
    return f"mkt-{suffix}", f"prd-{suffix}"


async def _open(collab: Collab, requester: str, owner: str, title: str) -> dict[str, Any]:
    collab.at(START)
    ticket: dict[str, Any] = await post_ok(
        collab.client,
        "/collab/tickets",
        {
            "title": title,
            "description": "新品卖点",
            "category": "product_info",
            "requester_unit_id": requester,
            "owner_unit_id": owner,
        },
        headers=auth("req-shapes", ["member"], [requester]),
    )
    return ticket


async def _all_pages(
    collab: Collab, path: str, headers: dict[str, str], **query: str | int
) -> list[list[Any]]:
    """Every page of ``path`` with ``query``, following ``next_cursor``."""
    pages: list[list[Any]] = []
    cursor: str | None = None
    while True:
        params = query if cursor is None else {**query, "cursor": cursor}
        response = await collab.client.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def _locations(response: Any) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["errors"]]


async def test_comments_come_in_pages_followed_to_the_end_and_sorted(collab: Collab) -> None:
    requester, owner = _units()
    ticket = await _open(collab, requester, owner, "Paged comments")
    headers = auth("req-shapes", ["member"], [requester])
    path = f"/collab/tickets/{ticket['id']}/comments"
    for n in range(5):
        collab.at(START + timedelta(minutes=n + 1))
        await post_ok(collab.client, path, {"body": f"comment {n}"}, headers=headers)

    pages = await _all_pages(collab, path, headers, limit=2)
    assert [[c["body"] for c in page] for page in pages] == [
        ["comment 0", "comment 1"],
        ["comment 2", "comment 3"],
        ["comment 4"],
    ]
    newest_first = await _all_pages(collab, path, headers, limit=3, sort="-at")
    assert [[c["body"] for c in page] for page in newest_first] == [
        ["comment 4", "comment 3", "comment 2"],
        ["comment 1", "comment 0"],
    ]
    # The steps of the same ticket are a page too: opened, then nothing else.
    steps = await collab.client.get(f"/collab/tickets/{ticket['id']}/steps", headers=headers)
    assert [s["kind"] for s in steps.json()["items"]] == ["opened"]
    assert steps.json()["next_cursor"] is None


async def test_a_bad_sort_or_a_cursor_of_another_sort_is_a_422(collab: Collab) -> None:
    requester, owner = _units()
    ticket = await _open(collab, requester, owner, "Bad sorts")
    headers = auth("req-shapes", ["member"], [requester])
    for path in (
        f"/collab/tickets/{ticket['id']}/comments",
        "/collab/tickets",
        "/collab/sla-policies",
        "/collab/data-grants",
        "/collab/knowledge-articles",
        "/collab/retrospectives/overdue",
    ):
        response = await collab.client.get(path, params={"sort": "colour"}, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert _locations(response) == [["query", "sort"]], path
    too_many = await collab.client.get("/collab/tickets", params={"limit": 201}, headers=headers)
    assert too_many.status_code == 422
    first = await collab.client.get(
        "/collab/tickets", params={"limit": 1, "unit_id": requester}, headers=HR
    )
    # Only one ticket of these units: no next page.
    assert first.json()["next_cursor"] is None
    await _open(collab, requester, owner, "Bad sorts, again")
    first = await collab.client.get(
        "/collab/tickets", params={"limit": 1, "unit_id": requester}, headers=HR
    )
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    other_sort = await collab.client.get(
        "/collab/tickets", params={"cursor": cursor, "sort": "-title"}, headers=HR
    )
    assert other_sort.status_code == 422
    assert _locations(other_sort) == [["query", "cursor"]]


async def test_tickets_sort_by_title_with_their_filters(collab: Collab) -> None:
    requester, owner = _units()
    for title in ("Beta", "Alpha", "Gamma"):
        await _open(collab, requester, owner, title)
    pages = await _all_pages(collab, "/collab/tickets", HR, unit_id=owner, sort="-title", limit=2)
    assert [[t["title"] for t in page] for page in pages] == [["Gamma", "Beta"], ["Alpha"]]
    oldest_first = await _all_pages(collab, "/collab/tickets", HR, unit_id=owner, status="open")
    assert [[t["title"] for t in page] for page in oldest_first] == [["Beta", "Alpha", "Gamma"]]


async def test_policies_page_in_rank_order(collab: Collab) -> None:
    prefix = f"rank-{uuid.uuid4().hex[:6]} "
    for rank in (30, 10, 20):
        await post_ok(
            collab.client,
            "/collab/sla-policies",
            {"name": f"{prefix}{rank}", "rank": 5000 + rank, "categories": ["nothing_real"]},
            headers=HR,
        )
    pages = await _all_pages(collab, "/collab/sla-policies", HR, limit=1)
    assert all(len(page) == 1 for page in pages)
    mine = [p["name"] for page in pages for p in page if p["name"].startswith(prefix)]
    assert mine == [f"{prefix}10", f"{prefix}20", f"{prefix}30"]
    by_name = await _all_pages(collab, "/collab/sla-policies", HR, sort="-name")
    names = [p["name"] for page in by_name for p in page if p["name"].startswith(prefix)]
    assert names == [f"{prefix}30", f"{prefix}20", f"{prefix}10"]


async def test_hours_and_shares_read_back_at_their_scale(collab: Collab) -> None:
    requester, owner = _units()
    policy = await post_ok(
        collab.client,
        "/collab/sla-policies",
        {
            "name": "Scales",
            "rank": 1,
            "owner_unit_ids": [owner],
            "first_response_hours": "8.5",
            "resolution_hours": {"urgent": "4", "normal": "16.25"},
            "at_risk_share": "0.75",
        },
        headers=HR,
    )
    assert (
        policy["first_response_hours"],
        policy["resolution_hours"],
        policy["at_risk_share"],
    ) == ("8.5000", {"urgent": "4.0000", "normal": "16.2500"}, "0.750000")
    ticket = await _open(collab, requester, owner, "At the policy's scale")
    sla = ticket["sla"]
    assert (
        sla["response_target_hours"],
        sla["resolution_target_hours"],
        sla["at_risk_share"],
        sla["business_hours_used"],
    ) == ("8.5000", "16.2500", "0.750000", "0.0000")
    [opened] = await collab.events("collab.ticket.opened", ticket["id"])
    assert (opened["response_target_hours"], opened["resolution_target_hours"]) == (
        "8.5000",
        "16.2500",
    )
    # Without a policy the defaults are written at the same scale.
    plain = await _open(collab, requester, f"other-{owner}", "Default targets")
    assert (plain["sla"]["response_target_hours"], plain["sla"]["at_risk_share"]) == (
        "24.0000",
        "0.800000",
    )


async def test_numbers_and_too_many_places_are_refused_naming_the_field(collab: Collab) -> None:
    base: dict[str, Any] = {"name": "Refused", "rank": 2}
    cases: list[tuple[dict[str, Any], list[Any]]] = [
        ({"first_response_hours": 8}, ["body", "first_response_hours"]),
        ({"first_response_hours": 8.5}, ["body", "first_response_hours"]),
        ({"at_risk_share": 0.5}, ["body", "at_risk_share"]),
        ({"resolution_hours": {"urgent": 4}}, ["body", "resolution_hours", "urgent"]),
        ({"first_response_hours": "1.00001"}, ["body", "first_response_hours"]),
        ({"at_risk_share": "0.1234567"}, ["body", "at_risk_share"]),
        ({"first_response_hours": "0"}, ["body", "first_response_hours"]),
        ({"at_risk_share": "1"}, ["body", "at_risk_share"]),
    ]
    for fields, location in cases:
        response = await collab.client.post(
            "/collab/sla-policies", json={**base, **fields}, headers=HR
        )
        assert response.status_code == 422, (fields, response.text)
        assert _locations(response) == [location], fields
    listed = await _all_pages(collab, "/collab/sla-policies", HR)
    assert "Refused" not in [p["name"] for page in listed for p in page]
