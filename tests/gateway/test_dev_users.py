"""The development picker's people (``GET /auth/dev-users``): goals' members as they are
(a manager of their home unit when someone reports to them, a member otherwise, nobody who
has left), then the staff accounts, in pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

import httpx

from tests.helpers import auth, post_ok
from tests.system import monkeypatch_module, system

__all__ = ["monkeypatch_module", "system"]

System = tuple[httpx.AsyncClient, Callable[[date], None]]
ADMIN = auth("m-admin", ["admin"])
_post = functools.partial(post_ok, headers=ADMIN)


async def test_members_then_staff_in_pages(system: System) -> None:
    client, _ = system
    unit = (
        await _post(client, "/goals/org-units", {"name": "销售部 Sales", "kind": "department"})
    )["id"]
    for member, manager, left_on in (
        ("du-boss", None, None),
        ("du-rep", "du-boss", None),
        ("du-gone", "du-boss", "2026-02-28"),
    ):
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": f"{member} 名字",
                "home_unit_id": unit,
                "layer": "execution",
                "manager_id": manager,
                "hired_on": "2025-06-01",
            },
        )
        if left_on:
            response = await client.get(f"/goals/members/{member}", headers=ADMIN)
            patched = await client.patch(
                f"/goals/members/{member}",
                json={"left_on": left_on, "leave_reason": "voluntary"},
                headers={
                    **ADMIN,
                    "If-Match": response.headers["etag"],
                    "Content-Type": "application/merge-patch+json",
                },
            )
            assert patched.status_code == 200, patched.text
    people: list[dict[str, object]] = []
    cursor = None
    pages = 0
    while True:
        answer = await client.get(
            "/auth/dev-users", params={"limit": 2, **({"cursor": cursor} if cursor else {})}
        )
        assert answer.status_code == 200, answer.text
        people += answer.json()["items"]
        assert pages < 10
        pages += 1
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            break
    assert pages == 3  # 2 members and 3 staff, 2 a page
    assert [(p["member_id"], p["roles"], p["units"]) for p in people] == [
        ("du-boss", ["manager"], [unit]),
        ("du-rep", ["member"], [unit]),
        ("demo-admin", ["admin"], []),
        ("demo-hr", ["hr"], []),
        ("demo-finance", ["finance"], []),
    ]
    bad = await client.get("/auth/dev-users", params={"cursor": "bm90LWEtY3Vyc29y"})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
