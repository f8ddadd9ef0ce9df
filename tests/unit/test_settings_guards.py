"""Settings that refuse to start wrong: outside development a JWT secret must not be the
development one, in production it has at least 32 bytes, and no environment takes an empty
one; a service's own prefix (``GOALS_``) wins over the project-wide ``SPEARHEAD_``; the Kafka
replication factor is a setting of at least one; a gateway rate limit must read as one."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gateway.settings import Settings
from goals.settings import Settings as GoalsSettings
from shared.settings import ServiceSettings
from tests.conftest import TEST_JWT_SECRET


@pytest.fixture(autouse=True)
def _test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the root session sets for every test; this tier's session sets nothing."""
    monkeypatch.setenv("SPEARHEAD_ENVIRONMENT", "test")
    monkeypatch.setenv("SPEARHEAD_JWT_SECRET", TEST_JWT_SECRET)


def test_default_secret_is_refused_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPEARHEAD_JWT_SECRET")
    for environment in ("production", "test"):
        with pytest.raises(ValidationError, match="development JWT secret"):
            ServiceSettings(environment=environment)
    assert ServiceSettings(environment="development").jwt_secret
    assert ServiceSettings(environment="production", jwt_secret=TEST_JWT_SECRET).is_production


def test_service_prefix_wins_over_the_project_wide_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEARHEAD_KAFKA_BOOTSTRAP", "project:1")
    monkeypatch.setenv("GOALS_KAFKA_BOOTSTRAP", "goals:2")
    assert GoalsSettings().kafka_bootstrap == "goals:2"
    assert Settings().kafka_bootstrap == "project:1"


@pytest.mark.parametrize("secret", ["", "x", "a" * 31, "秘" * 10])  # 30 bytes in UTF-8
def test_production_refuses_a_short_or_empty_jwt_secret(secret: str) -> None:
    with pytest.raises(ValueError, match="JWT secret"):
        ServiceSettings(environment="production", jwt_secret=secret)


def test_production_takes_a_secret_of_32_bytes_and_no_environment_an_empty_one() -> None:
    assert ServiceSettings(environment="production", jwt_secret="k" * 32).is_production
    assert ServiceSettings(environment="production", jwt_secret="秘" * 11).is_production
    for environment in ("development", "test"):
        with pytest.raises(ValueError, match="empty JWT secret"):
            ServiceSettings(environment=environment, jwt_secret="")


def test_the_replication_factor_is_a_setting_of_at_least_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert ServiceSettings().kafka_replication_factor == 1
    monkeypatch.setenv("SPEARHEAD_KAFKA_REPLICATION_FACTOR", "3")
    assert ServiceSettings().kafka_replication_factor == 3
    monkeypatch.setenv("SPEARHEAD_KAFKA_REPLICATION_FACTOR", "0")
    with pytest.raises(ValidationError, match="kafka_replication_factor"):
        ServiceSettings()


def test_a_limit_that_is_not_one_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="rate limit"):
        Settings(rate_limit_per_principal="lots")
