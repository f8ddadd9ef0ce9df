"""Issue 16 in goals, through the gateway: KPIDefinitionChanged in the outbox at every
create and change of a KPI definition; references refused where they are made (a 422 naming
the field: a goal's parent kind and period, a negative target on a non-negative KPI,
mentors, tier skips)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from tests.helpers import auth, post_ok

ADMIN = auth("refs-admin", ["admin"])
_post = functools.partial(post_ok, headers=ADMIN)
System = tuple[httpx.AsyncClient, Callable[[date], None]]
KPI_CHANGED = "goals.kpi-definition.changed"


def _database(client: httpx.AsyncClient) -> Any:
    app = client._transport.app  # type: ignore[attr-defined]
    return app.state.service_apps["goals"].state.database


async def _published(client: httpx.AsyncClient, code: str) -> list[dict[str, Any]]:
    """The KPIDefinitionChanged data in goals' outbox for ``code``, oldest first."""
    async with _database(client).sessions() as session:
        rows = await session.execute(
            text(
                "SELECT message_key, envelope FROM goals.outbox "
                "WHERE event_type = :type AND message_key = :code ORDER BY id"
            ),
            {"type": KPI_CHANGED, "code": code},
        )
        found = []
        for key, envelope in rows.all():
            assert (key, envelope["subject"], envelope["type"]) == (code, code, KPI_CHANGED)
            found.append(envelope["data"])
        return found


def _problem(response: httpx.Response, loc: list[str], *, status: int = 422) -> str:
    """The 422's message after asserting it names exactly ``loc``."""
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [loc], errors
    message: str = errors[0]["msg"]
    return message


async def test_every_kpi_create_and_change_is_published_once(system: System) -> None:
    client, _ = system
    orders = await _post(
        client, "/goals/kpi-definitions", {"code": "rr_orders", "name": "Orders", "unit": "n"}
    )
    rating = await _post(
        client,
        "/goals/kpi-definitions",
        {"code": "rr_rating", "name": "Rating", "unit": "pt", "aggregation": "average"},
    )
    assert (orders["non_negative"], orders["version"]) == (True, 1)
    assert (rating["non_negative"], rating["version"]) == (False, 1)
    first = {
        "code": "rr_orders",
        "name": "Orders",
        "unit": "n",
        "direction": "higher_is_better",
        "aggregation": "sum",
        "category": "result",
        "formula": None,
        "non_negative": True,
        "active": True,
        "version": 1,
    }
    assert await _published(client, "rr_orders") == [first]
    assert [e["non_negative"] for e in await _published(client, "rr_rating")] == [False]

    path = f"/goals/kpi-definitions/{orders['id']}"
    etag = (await client.get(path, headers=ADMIN)).headers["ETag"]
    assert etag == f'"{orders["id"]}.1"'
    missing = await client.patch(path, json={"name": "Orders won"}, headers=ADMIN)
    assert missing.status_code == 428, missing.text
    changed = await client.patch(
        path, json={"name": "Orders won", "unit": "orders"}, headers={**ADMIN, "If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["version"]) == ("Orders won", 2)
    assert changed.headers["ETag"] == f'"{orders["id"]}.2"'
    stale = await client.patch(path, json={"name": "x"}, headers={**ADMIN, "If-Match": etag})
    assert stale.status_code == 412, stale.text
    same = await client.patch(
        path, json={"name": "Orders won"}, headers={**ADMIN, "If-Match": changed.headers["ETag"]}
    )
    assert same.json()["version"] == 2  # nothing changed: no new version, no event
    # By code too, and the flag itself.
    off = await client.patch(
        "/goals/kpi-definitions/rr_orders",
        json={"non_negative": False},
        headers={**ADMIN, "If-Match": changed.headers["ETag"]},
    )
    assert (off.json()["non_negative"], off.json()["version"]) == (False, 3)
    assert await _published(client, "rr_orders") == [
        first,
        {**first, "name": "Orders won", "unit": "orders", "version": 2},
        {**first, "name": "Orders won", "unit": "orders", "non_negative": False, "version": 3},
    ]
    refused = await client.patch(
        path, json={"code": "x"}, headers={**ADMIN, "If-Match": off.headers["ETag"]}
    )
    assert refused.status_code == 422, refused.text
    member = auth("refs-member", ["member"])
    forbidden = await client.patch(
        path, json={"name": "y"}, headers={**member, "If-Match": off.headers["ETag"]}
    )
    assert forbidden.status_code == 403, forbidden.text
    assert len(await _published(client, "rr_orders")) == 3
