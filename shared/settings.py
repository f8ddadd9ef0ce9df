"""Settings base: one pydantic-settings class per service, read with the service's prefix.

A variable is looked up first with the service prefix (``GOALS_DATABASE_URL``), then with the
project-wide ``SPEARHEAD_`` prefix, so one environment can configure all services at once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEV_JWT_SECRET = "spearhead-development-secret-not-for-production"
MIN_JWT_SECRET_BYTES = 32  # HS256's key should be at least as long as its hash (RFC 7518 3.2)


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class BusKind(StrEnum):
    kafka = "kafka"
    inprocess = "inprocess"


class ServiceSettings(BaseSettings):
    """What every service process needs; subclasses set ``model_config`` with their prefix."""

    model_config = SettingsConfigDict(env_prefix="SPEARHEAD_", extra="ignore")
    service_name: ClassVar[str] = "spearhead"

    environment: Environment = Environment.development
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:55432/spearhead"
    db_pool_size: int = 10
    bus: BusKind = BusKind.kafka
    kafka_bootstrap: str = "127.0.0.1:59092"
    kafka_send_timeout_s: float = 10.0
    # Topics the services create: partitions bound how many replicas of one consumer group
    # share the work; each partition is kept on this many brokers (3 on a 3-broker cluster).
    kafka_partitions: int = Field(default=6, ge=1)
    kafka_replication_factor: int = Field(default=1, ge=1)
    public_url: str = Field(
        default="http://localhost:8000",
        description="Where clients reach the gateway; event `dataschema` URIs point there",
    )
    jwt_secret: str = DEV_JWT_SECRET
    jwt_issuer: str = "spearhead"
    jwt_audience: str = "spearhead"
    jwks_url: str | None = None
    log_level: str = "INFO"
    timezone: str = Field(
        default="Asia/Shanghai", description="The organisation's time zone: what 'today' means"
    )
    max_body_bytes: int = Field(default=1_048_576, description="Largest JSON request body")
    max_upload_bytes: int = Field(default=32 * 1_048_576, description="Largest CSV upload")
    outbox_poll_interval_s: float = 1.0
    outbox_retention_s: float = 3600.0
    consumer_max_attempts: int = 5
    consumer_stuck_after_s: float = 120.0
    # A consumer polls again at least every half of this, however slow its handler.
    consumer_max_poll_interval_s: float = 300.0
    # Readiness: how often the broker is asked whether it answers (each ask waits at most
    # the same again), and how long a consumer may be without an assignment in a rebalance.
    broker_probe_interval_s: float = 1.0
    consumer_rebalance_grace_s: float = 15.0

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The service prefix wins over the project-wide one.
        project_wide = EnvSettingsSource(settings_cls, env_prefix="SPEARHEAD_")
        return (init_settings, env_settings, project_wide, file_secret_settings)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> ServiceSettings:
        if self.environment != Environment.development and (
            self.jwt_secret == DEV_JWT_SECRET and self.jwks_url is None
        ):
            raise ValueError(
                f"refusing to start in {self.environment} with the development JWT secret: "
                "set JWT_SECRET or JWKS_URL"
            )
        if self.jwks_url is None and not self.jwt_secret:
            raise ValueError("refusing to start with an empty JWT secret: set JWT_SECRET")
        if (
            self.is_production
            and self.jwks_url is None
            and len(self.jwt_secret.encode()) < MIN_JWT_SECRET_BYTES
        ):
            raise ValueError(
                f"refusing to start in production with a JWT secret shorter than "
                f"{MIN_JWT_SECRET_BYTES} bytes: set a longer JWT_SECRET or JWKS_URL"
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == Environment.production

    def as_public_dict(self) -> dict[str, Any]:
        """Settings without secrets, for logs and diagnostics."""
        return self.model_dump(exclude={"jwt_secret"})


def service_settings_config(prefix: str) -> SettingsConfigDict:
    """The model_config a service's Settings class uses (``GOALS_`` and so on)."""
    return SettingsConfigDict(env_prefix=prefix, extra="ignore")
