"""Hostile input: each service's app (and the gateway over them) on a database of its own.

A service joins the hostile suite by adding its name to ``SERVICES``: schemathesis then fuzzes
its own document, its paths through the gateway, and the body tests find its JSON writes."""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
from fastapi import FastAPI

from shared.inprocess import InProcessBus
from shared.settings import BusKind
from tests.conftest import create_database

ServiceFactory = Callable[[str], FastAPI]

# A CSV upload may hold more rows than one insert batch, but few enough to test quickly.
CSV_MAX_ROWS = 10_050


def service_app(name: str) -> ServiceFactory:
    """A factory of the ``name`` service's app (its ``main.create_app`` with its
    ``settings.Settings``) on the in-process bus."""

    def build(database_url: str) -> FastAPI:
        main = importlib.import_module(f"{name}.main")
        settings_class = importlib.import_module(f"{name}.settings").Settings
        settings = settings_class(
            database_url=database_url, bus=BusKind.inprocess, log_level="WARNING"
        )
        app: FastAPI = main.create_app(settings, bus=InProcessBus())
        return app

    return build


# The services under hostile test: adding one is adding its name here.
SERVICES: dict[str, ServiceFactory] = {
    name: service_app(name) for name in ("goals", "performance", "incentives", "collab")
}


def gateway_app(database_url: str) -> FastAPI:
    """The gateway in embedded mode (every service in process) on ``database_url``."""
    from gateway.main import create_app
    from gateway.settings import GatewayMode, Settings

    with _environment(SPEARHEAD_DATABASE_URL=database_url, GOALS_MAX_UPLOAD_ROWS=str(CSV_MAX_ROWS)):
        # The embedded services read their settings from the environment.
        return create_app(Settings(mode=GatewayMode.embedded, database_url=database_url))


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    kept = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in kept.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def fresh_database(server_url: str, prefix: str) -> str:
    return await create_database(server_url, f"{prefix}_{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
async def gateway(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the embedded gateway, its lifespan running, on a fresh database."""
    app = gateway_app(await fresh_database(database_url, "hostile_gw"))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway", timeout=120
        ) as client,
    ):
        yield client
