"""The collab service on its own (in-process bus, real Postgres), on a database of its own,
with its clock and its "today" pinned by the test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from collab.api.deps import now, today
from collab.main import create_app
from collab.settings import Settings
from shared.db import Database
from shared.inprocess import InProcessBus
from shared.settings import BusKind
from tests.conftest import create_database


@dataclass
class Collab:
    client: httpx.AsyncClient
    app: FastAPI
    pinned: dict[str, Any]

    def at(self, instant: datetime) -> None:
        """Pin the service's clock (and its "today") to ``instant``."""
        self.pinned["now"] = instant

    @property
    def db(self) -> Database:
        database: Database = self.app.state.database
        return database

    async def events(self, event_type: str, ticket_id: str) -> list[dict[str, Any]]:
        """The payloads of ``event_type`` the service wrote for a ticket, in order."""
        async with self.db.sessions() as session:
            rows = await session.execute(
                text(
                    "SELECT envelope FROM collab.outbox WHERE event_type = :type "
                    "AND message_key = :key ORDER BY id"
                ),
                {"type": event_type, "key": ticket_id},
            )
            return [row.envelope["data"] for row in rows]


@pytest.fixture(scope="module")
async def collab(database_url: str) -> AsyncIterator[Collab]:
    url = await create_database(database_url, f"collab_{uuid.uuid4().hex[:8]}")
    app = create_app(Settings(database_url=url, bus=BusKind.inprocess), bus=InProcessBus())
    pinned: dict[str, Any] = {"now": datetime(2027, 3, 1, 1, tzinfo=UTC)}
    app.dependency_overrides[now] = lambda: pinned["now"]
    app.dependency_overrides[today] = lambda: _today(pinned["now"])
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://collab", timeout=60
        ) as client,
    ):
        yield Collab(client, app, pinned)


def _today(instant: datetime) -> date:
    from zoneinfo import ZoneInfo

    return instant.astimezone(ZoneInfo("Asia/Shanghai")).date()
