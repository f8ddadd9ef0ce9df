"""The collab service's app factory (``uvicorn collab.main:create_app --factory``)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from collab.api import router
from collab.consumers import subscriptions
from collab.events import catalog, outbox
from collab.models import inbox, metadata
from collab.settings import Settings
from shared.app import create_service_app
from shared.inprocess import InProcessBus
from shared.runtime import ServiceDefinition

definition = ServiceDefinition(
    name="collab",
    title="Spearhead collab",
    description=(
        "Cross-department tickets with business-hours SLA, "
        "escalation, meetings, retros, data grants."
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
