"""A request that runs into what is stored is a 409 problem that says what it ran into, never
a 500 from the database's unique constraint."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from shared.db import Database
from shared.errors import install_error_handlers
from tests.hostile.conftest import fresh_database
from tests.hostile.support import ADMIN, assert_problem


async def test_a_second_development_plan_for_a_year_is_409(gateway: httpx.AsyncClient) -> None:
    member = f"m-{uuid.uuid4().hex[:8]}"
    body = {"member_id": member, "year": 2026, "objectives": [{"skill": "Negotiation"}]}
    first = await gateway.post("/performance/development-plans", json=body, headers=ADMIN)
    assert first.status_code == 201, first.text
    again = await gateway.post("/performance/development-plans", json=body, headers=ADMIN)
    problem = assert_problem(again, 409)
    assert first.json()["id"] in problem["detail"]


@pytest.fixture
async def duplicate_app(database_url: str) -> AsyncIterator[FastAPI]:
    """An app with the kit's error handlers whose one route inserts the same key twice."""
    database = Database(await fresh_database(database_url, "conflicts"), schema="public")
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/things/{key}")
    async def add_thing(key: str) -> dict[str, str]:
        async with database.sessions() as session:
            await session.execute(text("INSERT INTO things VALUES (:key)"), {"key": key})
            await session.commit()
        return {"key": key}

    async with database.sessions() as session:
        await session.execute(text("CREATE TABLE things (key text PRIMARY KEY)"))
        await session.commit()
    yield app
    await database.dispose()


async def test_the_kit_answers_a_unique_violation_with_409(duplicate_app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=duplicate_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        assert (await client.post("/things/a")).status_code == 200
        problem = assert_problem(await client.post("/things/a"), 409)
        assert "already stored" in problem["detail"]
