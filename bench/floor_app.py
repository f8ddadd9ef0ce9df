"""The framework floor: a trivial FastAPI app, served by bench.http exactly as the services
are (deploy.processes' uvicorn command line, one process), so the gap between it and a
service's endpoint is what the service itself adds."""

from __future__ import annotations

from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get("/floor")
    async def floor() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> dict[str, str]:
        return {"status": "ready"}

    return app
