"""The gateway when services are down, and the production guards."""

from __future__ import annotations

import httpx
import pytest

from deploy.localinfra import free_port
from gateway.main import create_app
from gateway.settings import GatewayMode, Settings
from goals.main import create_app as create_goals_app
from goals.main import definition
from goals.settings import Settings as GoalsSettings
from shared.app import create_service_app
from shared.auth import Role, TokenVerifier, mint_token
from shared.errors import Forbidden
from shared.inprocess import InProcessBus
from shared.settings import BusKind, ServiceSettings
from tests.conftest import TEST_JWT_SECRET
from tests.helpers import auth


def _dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


async def test_services_that_are_down_are_listed_and_the_rest_still_shows() -> None:
    app = create_app(
        Settings(
            mode=GatewayMode.http,
            goals_url=_dead_url(),
            performance_url=_dead_url(),
            incentives_url=_dead_url(),
            collab_url=_dead_url(),
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway"
        ) as client,
    ):
        document = (await client.get("/openapi.json")).json()
        assert sorted(document["x-unavailable-services"]) == [
            "collab",
            "goals",
            "incentives",
            "performance",
        ]
        assert "/auth/dev-token" in document["paths"]
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["goals"]["status"] == "down"
        proxied = await client.get("/goals/org-units", headers=auth())
        assert proxied.status_code == 503
        assert proxied.headers["content-type"] == "application/problem+json"
        assert (await client.get("/healthz")).status_code == 200


async def test_a_service_answers_503_while_its_database_is_down() -> None:
    settings = GoalsSettings(
        database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/spearhead",
        bus=BusKind.inprocess,
    )
    app = create_service_app(definition, settings, bus=InProcessBus(), migrate=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://goals",
        ) as client,
    ):
        response = await client.get("/goals/org-units", headers=auth())
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "5"
        assert (await client.get("/readyz")).status_code == 503


async def test_a_service_checks_the_token_itself() -> None:
    app = create_goals_app(GoalsSettings(bus=BusKind.inprocess), bus=InProcessBus())
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://goals"
        ) as client,
    ):
        assert (await client.get("/goals/org-units")).status_code == 401
        assert (await client.get("/goals/org-units", headers=auth())).status_code == 200


async def test_no_dev_tokens_in_production() -> None:
    settings = Settings(
        environment="production",
        jwt_secret=TEST_JWT_SECRET,
        goals_url=_dead_url(),
        performance_url=_dead_url(),
        incentives_url=_dead_url(),
        collab_url=_dead_url(),
    )
    with pytest.raises(Forbidden):
        mint_token(settings, member_id="x")
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway"
        ) as client,
    ):
        response = await client.post("/auth/dev-token", json={"member_id": "x"})
        assert response.status_code == 404
        # ...while in development the route mints a token the services accept.
    dev = create_app(Settings(goals_url=_dead_url()))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=dev), base_url="http://gateway"
    ) as client:
        minted = await client.post(
            "/auth/dev-token", json={"member_id": "m7", "roles": ["manager"]}
        )
        assert minted.status_code == 200
        assert minted.json()["token_type"] == "bearer"
        principal = await TokenVerifier(ServiceSettings()).verify(minted.json()["access_token"])
        assert principal.member_id == "m7"
        assert principal.roles == frozenset({Role.manager})
