"""The incentives service's app factory (``uvicorn incentives.main:create_app --factory``)."""

from __future__ import annotations

from fastapi import FastAPI

from incentives.settings import Settings
from shared.app import create_service_app
from shared.inprocess import InProcessBus
from shared.runtime import service_definition

definition = service_definition(
    "incentives",
    title="Spearhead incentives",
    description=(
        "Tiered bonuses, commission, project bonuses, stars, explained payouts, live projection."
    ),
)


def create_app(settings: Settings | None = None, *, bus: InProcessBus | None = None) -> FastAPI:
    return create_service_app(definition, settings or Settings(), bus=bus)
