"""The whole system in one process behind the gateway, on a database of its own: the
fixture that end-to-end tests of each service share."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date

import httpx
import pytest

from deploy.verify import Report
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


async def settled(client: httpx.AsyncClient, timeout_s: float = 20) -> None:
    """Wait until every service's outbox is relayed and its own queued work done. In one
    process the relay marks a row sent only after the subscribers have applied it, so then
    every effect is in place."""
    import asyncio

    from sqlalchemy import text

    app = client._transport.app  # type: ignore[attr-defined]
    databases = [a.state.database for a in app.state.service_apps.values()]
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        pending = 0
        for database in databases:
            async with database.sessions() as session:
                pending += int(
                    await session.scalar(
                        text(
                            f'SELECT count(*) FROM "{database.schema}".outbox WHERE sent_at IS NULL'
                        )
                    )
                    or 0
                )
                # Work a service queued for itself (incentives' pay recalculations).
                queue = f'"{database.schema}".recalculations'
                if await session.scalar(text(f"SELECT to_regclass('{queue}') IS NOT NULL")):
                    pending += int(await session.scalar(text(f"SELECT count(*) FROM {queue}")) or 0)
        if pending == 0:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{pending} events still unrelayed after {timeout_s}s")
        await asyncio.sleep(0.05)


async def verified(client: httpx.AsyncClient, *, settle_s: float = 20) -> Report:
    """The invariant checker on the in-process system: every service's databases, and the
    owners' APIs through the same gateway client."""
    from deploy.verify import verify
    from tests.helpers import auth

    await settled(client)
    app = client._transport.app  # type: ignore[attr-defined]
    databases = {name: a.state.database for name, a in app.state.service_apps.items()}
    return await verify(
        client=client, headers=auth("verifier", ["admin"]), databases=databases, settle_s=settle_s
    )
