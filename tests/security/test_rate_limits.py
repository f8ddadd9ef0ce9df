"""Rate limits at the gateway: per principal on authenticated calls, per client address on
the routes without an account and on calls whose credentials fail; a 429 problem+json with
Retry-After. The limits are the gateway's own settings (per replica)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.main import create_app
from gateway.settings import GatewayMode, Settings
from tests.helpers import auth


@pytest.fixture
async def gateway() -> AsyncIterator[httpx.AsyncClient]:
    # No service behind it: what is counted is the gateway's, before anything is passed on.
    settings = Settings(
        mode=GatewayMode.http,
        rate_limit_per_principal="3/minute",
        rate_limit_per_address="2/minute",
        goals_url="http://127.0.0.1:9",
        performance_url="http://127.0.0.1:9",
        incentives_url="http://127.0.0.1:9",
        collab_url="http://127.0.0.1:9",
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client,
    ):
        yield client


def _is_429(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/too-many-requests")
    assert 1 <= int(response.headers["retry-after"]) <= 60


async def test_a_principal_gets_429_after_its_limit_and_another_principal_does_not(
    gateway: httpx.AsyncClient,
) -> None:
    alice, bob = auth("rl-alice", ["member"]), auth("rl-bob", ["member"])
    for _ in range(3):
        # Counted, then passed on to a service that is not there.
        assert (await gateway.get("/goals/org-units", headers=alice)).status_code == 503
    _is_429(await gateway.get("/goals/org-units", headers=alice))
    _is_429(await gateway.post("/incentives/adjustments", json={}, headers=alice))
    assert (await gateway.get("/goals/org-units", headers=bob)).status_code == 503


async def test_unauthenticated_routes_and_failed_credentials_count_per_address(
    gateway: httpx.AsyncClient,
) -> None:
    body = {"member_id": "rl-dev", "roles": ["member"]}
    assert (await gateway.post("/auth/dev-token", json=body)).status_code == 200
    assert (await gateway.get("/goals/org-units")).status_code == 401
    _is_429(await gateway.post("/auth/dev-token", json=body))
    _is_429(await gateway.get("/goals/org-units", headers={"Authorization": "Bearer x.y.z"}))
    # A valid token is counted per principal, not per address.
    assert (await gateway.get("/goals/org-units", headers=auth("rl-carol"))).status_code == 503
    # Probes are never limited.
    assert (await gateway.get("/healthz")).status_code == 200
