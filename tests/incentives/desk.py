"""The incentives service over HTTP on a world's database (``world.py``), with a small org
whose members are paid by one plan: what the conflict-of-interest tests (issue 12) decide
about. Tokens are the kit's test tokens (``tests.helpers.auth``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from incentives.main import create_app
from incentives.settings import Settings
from shared.errors import PROBLEM_BASE
from shared.events import Envelope
from shared.inprocess import InProcessBus
from shared.settings import BusKind
from tests.helpers import auth, eventually
from tests.incentives.world import World

PERIOD = "2026-Q2"
# The org: co > sales > sales-east, and co > marketing, co > finance. The lead manages sales.
UNITS = {
    "lead": ["co", "sales"],
    "s1": ["co", "sales", "sales-east"],
    "s2": ["co", "sales"],
    "mk1": ["co", "marketing"],
    "fin-paid": ["co", "finance"],
    "fin-paid-2": ["co", "finance"],
    "adm-1": ["co"],
}
LEAD = auth("lead", ["manager"], ["sales"])
HR = auth("hr-1", ["hr"])
ADMIN = auth("adm-1", ["admin"])  # a member too, paid by the plan
FINANCE_PAID = auth("fin-paid", ["finance"])  # a member the run pays
FINANCE_PAID_2 = auth("fin-paid-2", ["finance"])
FINANCE = auth("fin-2", ["finance"])  # not a member: no run pays them


def member_event(member_id: str, unit_path: list[str], *, name: str, layer: str) -> Envelope:
    return Envelope(
        source="goals",
        type="goals.member.changed",
        subject=member_id,
        correlationid="conflicts-of-interest",
        data={
            "member_id": member_id,
            "name": name,
            "home_unit_id": unit_path[-1],
            "unit_path": unit_path,
            "layer": layer,
            "tier": "backbone",
            "manager_id": None,
            "hired_on": "2025-01-01",
            "left_on": None,
            "version": 1,
        },
    )


@dataclass
class Desk:
    """The incentives service over HTTP, on the world's database."""

    world: World
    client: httpx.AsyncClient

    async def post(
        self, path: str, headers: dict[str, str], body: dict[str, Any] | None = None
    ) -> httpx.Response:
        return await self.client.post(f"/incentives{path}", json=body or {}, headers=headers)

    async def get(self, path: str, headers: dict[str, str] = FINANCE) -> httpx.Response:
        response = await self.client.get(f"/incentives{path}", headers=headers)
        assert response.status_code == 200, response.text
        return response

    async def settled(self) -> None:
        """Nothing queued for recalculation any more (the service's own job works on it)."""

        async def nothing_queued() -> bool:
            await self.world.drain()
            return await self.world.queued() == 0

        await eventually(nothing_queued, timeout_s=30)

    async def events(self, event_type: str) -> list[dict[str, Any]]:
        rows = await self.world.scalar(
            "SELECT coalesce(json_agg(envelope -> 'data' ORDER BY id), '[]') "
            "FROM incentives.outbox WHERE event_type = :t",
            t=event_type,
        )
        return list(rows)

    async def draft_run(self, also_paid: frozenset[str] = frozenset()) -> tuple[str, str]:
        """The quarter's draft run (made by finance it does not pay) and its ETag; it pays
        every member but the lead (management has no plan), and ``also_paid``."""
        response = await self.post("/payout-runs", FINANCE, {"period": PERIOD})
        assert response.status_code == 201, response.text
        run = response.json()
        paid = {m["member_id"] for m in run["member_totals"]}
        assert paid == (set(UNITS) - {"lead"}) | also_paid
        return str(run["id"]), response.headers["ETag"]

    async def approve(self, run_id: str, headers: dict[str, str], etag: str) -> httpx.Response:
        return await self.post(f"/payout-runs/{run_id}/approve", {**headers, "If-Match": etag})


@pytest.fixture
async def desk(world: World) -> AsyncIterator[Desk]:
    """Members by unit (the execution layer's plan for the quarter pays every one of them but
    the lead), the plan, and nothing queued: no recalculation moves a run under a test."""
    app = create_app(Settings(database_url=world.url, bus=BusKind.inprocess), bus=InProcessBus())
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://incentives", timeout=60
        ) as client,
    ):
        await world.apply(
            *(
                member_event(
                    member_id,
                    path,
                    name=f"Name of {member_id}",
                    layer="management" if member_id == "lead" else "execution",
                )
                for member_id, path in UNITS.items()
            )
        )
        await world.plan(PERIOD)
        desk = Desk(world, client)
        await desk.settled()
        yield desk


def refused(response: httpx.Response, rule: str, action: str) -> None:
    """A 403 problem whose type is the rule's."""
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == PROBLEM_BASE + rule
    assert (problem["status"], problem["rule"], problem["action"]) == (403, rule, action)
