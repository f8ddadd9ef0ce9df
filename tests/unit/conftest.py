"""The unit tier: arithmetic and rules that need no server. Its tests run without Postgres
or Kafka (``make test-unit``): the root conftest's session environment, which starts
Postgres, is replaced by one that starts nothing, and asking for a server here fails."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def test_environment() -> None:
    """Overrides the root one: nothing in this tier needs a server."""


@pytest.fixture(scope="session")
def postgres() -> None:
    pytest.fail("a unit test asked for Postgres: it belongs beside the integration tests")


@pytest.fixture(scope="session")
def kafka() -> None:
    pytest.fail("a unit test asked for Kafka: it belongs beside the integration tests")
