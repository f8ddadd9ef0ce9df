"""The incentives service's app factory (``uvicorn incentives.main:create_app --factory``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from incentives.api import router
from incentives.consumers import subscriptions
from incentives.events import catalog, outbox
from incentives.models import inbox, metadata
from incentives.settings import Settings
from shared.app import create_service_app
from shared.inprocess import InProcessBus
from shared.runtime import ServiceDefinition

definition = ServiceDefinition(
    name="incentives",
    title="Spearhead incentives",
    description=(
        "Tiered bonuses, commission, project bonuses, stars, explained payouts, live projection."
    ),
    metadata=metadata,
    catalog=catalog,
    outbox=outbox,
    inbox=inbox,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=[router],
    subscriptions=subscriptions,
)


def create_app(settings: Settings | None = None, *, bus: InProcessBus | None = None) -> FastAPI:
    return create_service_app(definition, settings or Settings(), bus=bus)
