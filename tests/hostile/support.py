"""What the targeted hostile tests share: the problem shape, a small organisation to write
against, and the number of measurements stored, read back through the API."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.helpers import auth, post_ok

ADMIN = auth("m-hostile-admin", ["admin"])
PROBLEM_JSON = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """``response`` is an RFC 9457 problem with ``status`` and a detail a person can read."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith(PROBLEM_JSON), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://spearhead.dev/problems/")
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and len(body["detail"]) >= 10, body
    assert "Traceback" not in response.text
    return body


async def a_member(client: httpx.AsyncClient) -> str:
    """A new unit with one member in it; returns the member's id."""
    unit = await post_ok(
        client,
        "/goals/org-units",
        {"name": f"Hostile {uuid.uuid4().hex[:6]}", "kind": "team"},
        headers=ADMIN,
    )
    member = await post_ok(
        client,
        "/goals/members",
        {
            "name": "Li Lei",
            "home_unit_id": unit["id"],
            "layer": "execution",
            "hired_on": "2025-01-06",
        },
        headers=ADMIN,
    )
    member_id: str = member["id"]
    return member_id


async def a_kpi(client: httpx.AsyncClient) -> str:
    """A new measured KPI; returns its code."""
    code = f"leads_{uuid.uuid4().hex[:8]}"
    await post_ok(
        client,
        "/goals/kpi-definitions",
        {"code": code, "name": "Qualified leads", "unit": "count"},
        headers=ADMIN,
    )
    return code


async def stored_measurements(client: httpx.AsyncClient, member_id: str) -> int:
    """How many measurements of ``member_id`` in 2026 the API returns."""
    count, cursor = 0, None
    while True:  # a page at a time, to the end
        params = {"owner_id": member_id, "period": "2026", "limit": "200"}
        response = await client.get(
            "/goals/actuals", params=params | ({"cursor": cursor} if cursor else {}), headers=ADMIN
        )
        assert response.status_code == 200, response.text
        count += len(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return count
