"""Alembic, one history per service schema (``version_table_schema`` = the schema).

A service's ``migrations/env.py`` is two lines: import its metadata, call ``run_env``.
"""

from __future__ import annotations

import asyncio
import zlib
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def alembic_config(migrations_dir: Path, url: str, schema: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("schema", schema)
    return config


def upgrade(migrations_dir: Path, url: str, schema: str, revision: str = "head") -> None:
    """Migrate one service's schema (synchronous: call it from a thread inside a loop)."""
    command.upgrade(alembic_config(migrations_dir, url, schema), revision)


async def upgrade_async(migrations_dir: Path, url: str, schema: str) -> None:
    await asyncio.to_thread(upgrade, migrations_dir, url, schema)


def _configure(connection: Connection | None, metadata: MetaData, schema: str) -> None:
    def own_schema(name: str | None, type_: str, _parent: object) -> bool:
        return type_ != "schema" or name == schema

    context.configure(
        connection=connection,
        url=None if connection is not None else context.config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        version_table_schema=schema,
        include_schemas=True,
        include_name=own_schema,
        compare_type=True,
        literal_binds=connection is None,
    )


def _run_sync(connection: Connection, metadata: MetaData, schema: str) -> None:
    # Two replicas starting together must not migrate at the same time.
    lock = zlib.crc32(f"migrate:{schema}".encode()) & 0x7FFFFFFF
    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    _configure(connection, metadata, schema)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str, metadata: MetaData, schema: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_sync, metadata, schema)
    finally:
        await engine.dispose()


def run_env(metadata: MetaData) -> None:
    """Body of a service's ``migrations/env.py``."""
    schema = str(metadata.schema)
    if context.is_offline_mode():
        _configure(None, metadata, schema)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None, "sqlalchemy.url must be set"
    asyncio.run(_run_online(url, metadata, schema))


def create_messaging_tables(schema: str) -> None:
    """Create the kit's ``outbox`` and ``inbox`` tables in ``schema``: every service's first
    migration calls this so the tables match ``shared.outbox`` and ``shared.inbox`` exactly."""
    from alembic import op

    from shared.db import schema_metadata
    from shared.inbox import inbox_table
    from shared.outbox import outbox_table

    metadata = schema_metadata(schema)
    for table in (outbox_table(metadata), inbox_table(metadata)):
        table.create(op.get_bind(), checkfirst=True)


def drop_messaging_tables(schema: str) -> None:
    from alembic import op

    op.drop_table("inbox", schema=schema)
    op.drop_table("outbox", schema=schema)


def create_dashboard_targets_table(schema: str) -> None:
    """Create the kit's ``dashboard_targets`` table in ``schema``, exactly as
    ``shared.dashboard.dashboard_targets_table`` declares it."""
    from alembic import op

    from shared.dashboard import dashboard_targets_table
    from shared.db import schema_metadata

    dashboard_targets_table(schema_metadata(schema)).create(op.get_bind(), checkfirst=True)
