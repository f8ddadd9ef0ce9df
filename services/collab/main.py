"""The collab service's app factory (``uvicorn collab.main:create_app --factory``)."""

from __future__ import annotations

from fastapi import FastAPI

from collab.settings import Settings
from shared.app import create_service_app
from shared.inprocess import InProcessBus
from shared.runtime import service_definition

definition = service_definition(
    "collab",
    title="Spearhead collab",
    description=(
        "Cross-department tickets with business-hours SLA, escalation, meetings, retros, "
        "data grants."
    ),
)


def create_app(settings: Settings | None = None, *, bus: InProcessBus | None = None) -> FastAPI:
    return create_service_app(definition, settings or Settings(), bus=bus)
