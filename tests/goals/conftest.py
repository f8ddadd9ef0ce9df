from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date

import httpx
import pytest

from gateway.main import create_app
from gateway.settings import GatewayMode, Settings
from goals.api.deps import today
from tests.conftest import create_database

MARCH_END = date(2026, 3, 31)


@pytest.fixture(scope="module")
async def system(
    database_url: str, monkeypatch_module: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, Callable[[date], None]]]:
    """The gateway over every service in one process, on a database of its own, with
    goals' "today" pinned (to the end of March 2026 unless the test moves it)."""
    url = await create_database(database_url, f"goals_{uuid.uuid4().hex[:8]}")
    monkeypatch_module.setenv("SPEARHEAD_DATABASE_URL", url)
    app = create_app(Settings(mode=GatewayMode.embedded))
    goals_app = app.state.service_apps["goals"]
    pinned = {"day": MARCH_END}
    goals_app.dependency_overrides[today] = lambda: pinned["day"]

    def set_today(day: date) -> None:
        pinned["day"] = day

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway", timeout=60
        ) as client,
    ):
        yield client, set_today


@pytest.fixture(scope="module")
def monkeypatch_module() -> AsyncIterator[pytest.MonkeyPatch]:  # type: ignore[misc]
    with pytest.MonkeyPatch.context() as patch:
        yield patch
