"""Async engine and session. The session owner commits on success and rolls back on error;
nothing else in a service commits."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import JSON, MetaData, Table, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def schema_metadata(schema: str) -> MetaData:
    """The MetaData of one service: every table lives in the service's own schema."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


class Database:
    """One engine and session factory for one service's schema."""

    def __init__(self, url: str, *, schema: str, pool_size: int = 10) -> None:
        self.url = url
        self.schema = schema
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            pool_timeout=10,
            connect_args={"timeout": 5, "command_timeout": 60},
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads need no transaction of their own: under READ COMMITTED each statement sees
        # what was committed when it began either way, and BEGIN and COMMIT are two round
        # trips a GET does not pay.
        self.reads = async_sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits when the block ends normally and rolls back otherwise."""
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def database_of(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


READ_METHODS = frozenset({"GET", "HEAD"})


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A request's session: a read is served without a transaction; anything else runs in
    one that commits before the response goes out."""
    db = database_of(request)
    if request.method in READ_METHODS:
        async with db.reads() as session:
            yield session
        return
    async with db.transaction() as session:
        yield session


# scope="function": the commit happens before the response is sent, so a client that sees
# a 2xx knows the change (and its outbox events) are durable.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]

Transaction = Callable[[], AbstractAsyncContextManager[AsyncSession]]
"""Opens a session whose work commits as one transaction (``Database.transaction``)."""


def _transaction(request: Request) -> Transaction:
    return database_of(request).transaction


# For a read that must write once in a while (and then atomically, outbox included): a
# read's own session has no transaction.
TransactionDep = Annotated[Transaction, Depends(_transaction)]


async def copy_rows(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    """Many new rows into ``model``'s table with one binary COPY, in the session's transaction: the
    fastest way in for thousands of rows (an executemany INSERT is several times slower).
    Every row has the same keys; JSON columns are given as Python values."""
    if not rows:
        return
    table: Table = model.__table__
    columns = list(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    records = [tuple(json.dumps(r[c]) if c in as_json else r[c] for c in columns) for r in rows]
    driver = await driver_of(session)
    await driver.copy_records_to_table(
        table.name, records=records, columns=columns, schema_name=table.schema
    )


async def driver_of(session: AsyncSession) -> Any:
    """The asyncpg connection under the session's transaction (for COPY and other driver
    work SQLAlchemy does not offer), in that transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    assert raw.driver_connection is not None
    return raw.driver_connection


async def upsert_newer(session: AsyncSession, *, model: Any, values: dict[str, Any]) -> None:
    """Insert or update a service's copy of another service's record (keyed by ``id``); an
    older ``source_version`` arriving late changes nothing."""
    statement = insert(model).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[model.id],
            set_={k: statement.excluded[k] for k in values if k != "id"},
            where=model.source_version < statement.excluded.source_version,
        )
    )


# SQLSTATEs that mean "the server is going away or not there yet", not "this query is wrong":
# connection exceptions (class 08), admin or crash shutdown, cannot connect now, too many
# connections.
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")


def _sqlstate(exc: DBAPIError) -> str:
    return str(
        getattr(exc.orig, "sqlstate", None)
        or getattr(getattr(exc.orig, "__cause__", None), "sqlstate", None)
        or ""
    )


# Deadlock detected, serialization failure: two transactions met, and the one aborted would
# succeed if run again.
_CONTENTION_STATES = ("40P01", "40001")


def contention(exc: BaseException) -> bool:
    """Whether ``exc`` aborted a transaction only because another one got in its way."""
    return isinstance(exc, DBAPIError) and _sqlstate(exc).startswith(_CONTENTION_STATES)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is unreachable (worth a 503 and a retry)."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout | ConnectionError | OSError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        state = _sqlstate(exc)
        return bool(state) and state.startswith(_UNAVAILABLE_STATES)
    return False
