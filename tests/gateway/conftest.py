from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.main import create_app
from gateway.settings import GatewayMode, Settings
from tests.system import monkeypatch_module, system

__all__ = ["embedded", "monkeypatch_module", "system"]


@pytest.fixture(scope="module")
async def embedded() -> AsyncIterator[httpx.AsyncClient]:
    """The whole system in this process: the gateway over the four services, in-process bus."""
    app = create_app(Settings(mode=GatewayMode.embedded))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client
