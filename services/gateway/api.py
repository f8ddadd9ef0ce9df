"""The gateway's own endpoints: documents, readiness, the development token route."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.docs import data_schema, merge_events, merge_openapi
from gateway.proxy import Upstream
from gateway.schemas import DevToken, DevTokenRequest
from gateway.settings import Settings
from shared.auth import mint_token
from shared.errors import NotFound

documents = APIRouter(include_in_schema=False)
dev = APIRouter(prefix="/auth", tags=["auth"])


def _upstreams(request: Request) -> dict[str, Upstream]:
    upstreams: dict[str, Upstream] = request.app.state.upstreams
    return upstreams


async def _collect(request: Request, path: str) -> dict[str, dict[str, Any] | None]:
    """Each service's document at ``path``, cached briefly; None for a service that is down."""
    settings: Settings = request.app.state.settings
    cache: dict[str, tuple[float, dict[str, Any] | None]] = request.app.state.docs_cache
    now = time.monotonic()
    result: dict[str, dict[str, Any] | None] = {}
    for name, upstream in _upstreams(request).items():
        key = f"{name}:{path}"
        cached = cache.get(key)
        if cached is not None and cached[1] is not None and now - cached[0] < settings.docs_cache_s:
            result[name] = cached[1]
            continue
        answer = await upstream.get_json(path, within_s=3)
        document = answer[1] if answer is not None and answer[0] == 200 else None
        cache[key] = (now, document)
        result[name] = document
    return result


@documents.get("/openapi.json")
async def openapi(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    merged = merge_openapi(
        request.app.openapi(),
        await _collect(request, "/openapi.json"),
        server_url=settings.public_url,
    )
    return JSONResponse(merged)


@documents.get("/asyncapi.json")
async def asyncapi(request: Request) -> JSONResponse:
    return JSONResponse(merge_events(await _collect(request, "/asyncapi.json")))


@documents.get("/events/schemas/{event_type}/{version}")
async def event_data_schema(request: Request, event_type: str, version: int) -> JSONResponse:
    """The JSON Schema of one event type's ``data``: what an event's ``dataschema`` names."""
    merged = merge_events(await _collect(request, "/asyncapi.json"))
    schema = data_schema(merged, event_type, version)
    if schema is None:
        raise NotFound(f"no event {event_type} version {version} is published")
    return JSONResponse(schema, media_type="application/schema+json")


async def readiness(request_app: Any) -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Any] = {}
    for name, upstream in request_app.state.upstreams.items():
        answer = await upstream.get_json("/readyz", within_s=3)
        if answer is None:
            checks[name] = {"status": "down"}
        else:
            status, body = answer
            checks[name] = {
                "status": "up" if status == 200 else "not ready",
                "checks": body.get("checks") if isinstance(body, dict) else None,
            }
    return all(c["status"] == "up" for c in checks.values()), checks


@dev.post("/dev-token", response_model=DevToken, operation_id="auth-mint-dev-token")
async def mint_dev_token(body: DevTokenRequest, request: Request) -> DevToken:
    """Mint a token for a demo user (development only; absent in production)."""
    settings: Settings = request.app.state.settings
    token = mint_token(
        settings,
        member_id=body.member_id,
        roles=[r.value for r in body.roles],
        units=body.units,
        name=body.name,
    )
    return DevToken(access_token=token)
