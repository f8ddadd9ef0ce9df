"""Each service's migrations build exactly the schema its models describe."""

from __future__ import annotations

import importlib
import uuid
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from shared.migrations import upgrade_async
from tests.conftest import create_database

SERVICES = ["goals", "performance", "incentives", "collab"]


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_match_the_models(service: str, database_url: str) -> None:
    url = await create_database(
        database_url, f"mig_{service}_{uuid.uuid4().hex[:6]}", migrated=False
    )
    definition = importlib.import_module(f"{service}.main").definition
    await upgrade_async(definition.migrations_dir, url, service)
    await upgrade_async(definition.migrations_dir, url, service)  # a second run is a no-op
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:

            def differences(sync_connection: Any) -> list[Any]:
                context = MigrationContext.configure(
                    sync_connection,
                    opts={
                        "include_schemas": True,
                        "version_table_schema": service,
                        "include_name": lambda name, kind, _p: kind != "schema" or name == service,
                        "compare_type": True,
                    },
                )
                return list(compare_metadata(context, definition.metadata))

            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()
