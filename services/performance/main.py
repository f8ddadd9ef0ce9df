"""The performance service's app factory (``uvicorn performance.main:create_app --factory``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from performance.api import router
from performance.consumers import subscriptions
from performance.events import catalog, outbox
from performance.models import inbox, metadata
from performance.settings import Settings
from shared.app import create_service_app
from shared.inprocess import InProcessBus
from shared.runtime import ServiceDefinition

definition = ServiceDefinition(
    name="performance",
    title="Spearhead performance",
    description="Live scorecards, reviews with 360 and calibration, development, team health.",
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
