"""The collab service on its own (in-process bus, real Postgres), on a database of its own,
with its clock and its "today" pinned by the test (for one request, by the ``X-Test-Now``
header: concurrent requests each at their own instant)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import text

from collab.api.deps import now, today
from collab.main import definition
from collab.settings import Settings
from shared.app import create_service_app
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


NOW_HEADER = "X-Test-Now"


def at_instant(instant: datetime) -> dict[str, str]:
    """Headers that pin one request's clock to ``instant``."""
    return {NOW_HEADER: instant.isoformat()}


@asynccontextmanager
async def running_collab(database_url: str, *, scheduler: bool = True) -> AsyncIterator[Collab]:
    """The service on a new database; without ``scheduler`` its deadline scheduler runs only
    when a test runs it (as many replicas as the test likes)."""
    url = await create_database(database_url, f"collab_{uuid.uuid4().hex[:8]}")
    jobs = definition.jobs if scheduler else []
    app = create_service_app(
        dataclasses.replace(definition, jobs=list(jobs)),
        Settings(database_url=url, bus=BusKind.inprocess),
        bus=InProcessBus(),
    )
    pinned: dict[str, Any] = {"now": datetime(2027, 3, 1, 1, tzinfo=UTC)}

    def pinned_now(request: Request) -> datetime:
        given = request.headers.get(NOW_HEADER)
        return datetime.fromisoformat(given) if given else pinned["now"]

    def pinned_today(request: Request) -> date:
        return _today(pinned_now(request))

    app.dependency_overrides[now] = pinned_now
    app.dependency_overrides[today] = pinned_today
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://collab", timeout=60
        ) as client,
    ):
        yield Collab(client, app, pinned)


@pytest.fixture(scope="module")
async def collab(database_url: str) -> AsyncIterator[Collab]:
    async with running_collab(database_url) as service:
        yield service


def _today(instant: datetime) -> date:
    from zoneinfo import ZoneInfo

    return instant.astimezone(ZoneInfo("Asia/Shanghai")).date()


async def know_members(
    collab: Collab,
    *member_ids: str,
    manager_id: str | None = None,
    left_on: str | None = None,
    version: int = 1,
) -> None:
    """Give collab's copies these members, as goals' ``MemberChanged`` would (meetings and
    retrospectives refuse members the copies do not know)."""
    from shared.events import Envelope

    processor = collab.app.state.runtime.processors[0]
    for member_id in member_ids:
        envelope = Envelope(
            source="goals",
            type="goals.member.changed",
            subject=member_id,
            correlationid="test",
            data={
                "member_id": member_id,
                "name": member_id,
                "home_unit_id": "u-x",
                "unit_path": ["u-x"],
                "manager_id": manager_id,
                "layer": "execution",
                "tier": "backbone",
                "hired_on": "2025-01-01",
                "left_on": left_on,
                "version": version,
            },
        )
        await processor.handle(envelope.model_dump_json().encode())
