"""The goals service's app factory (``uvicorn goals.main:create_app --factory``)."""

from __future__ import annotations

from fastapi import FastAPI

from goals.settings import Settings
from shared.app import create_service_app
from shared.inprocess import InProcessBus
from shared.runtime import service_definition

definition = service_definition(
    "goals",
    title="Spearhead goals",
    description="The organisation, KPIs, cascading targets, actuals, check-ins, tasks, risk.",
)


def create_app(settings: Settings | None = None, *, bus: InProcessBus | None = None) -> FastAPI:
    return create_service_app(definition, settings or Settings(), bus=bus)
