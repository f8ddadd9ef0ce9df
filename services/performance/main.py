"""The performance service's app factory (``uvicorn performance.main:create_app --factory``)."""

from __future__ import annotations

from fastapi import FastAPI

from performance.settings import Settings
from shared.app import create_service_app
from shared.inprocess import InProcessBus
from shared.runtime import service_definition

definition = service_definition(
    "performance",
    title="Spearhead performance",
    description="Live scorecards, reviews with 360 and calibration, development, team health.",
)


def create_app(settings: Settings | None = None, *, bus: InProcessBus | None = None) -> FastAPI:
    return create_service_app(definition, settings or Settings(), bus=bus)
