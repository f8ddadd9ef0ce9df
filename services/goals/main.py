"""The goals service's app factory (``uvicorn goals.main:create_app --factory``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from goals.api import router
from goals.consumers import subscriptions
from goals.events import catalog, outbox
from goals.models import inbox, metadata
from goals.settings import Settings
from shared.app import create_service_app
from shared.inprocess import InProcessBus
from shared.runtime import ServiceDefinition

definition = ServiceDefinition(
    name="goals",
    title="Spearhead goals",
    description="The organisation, KPIs, cascading targets, actuals, check-ins, tasks, risk.",
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
