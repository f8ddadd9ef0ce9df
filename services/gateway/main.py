"""The gateway's app factory (``uvicorn gateway.main:create_app --factory``).

In the embedded mode the gateway is the composition root: it builds every service's app in
this process, on one in-process bus, and reaches them through the same proxy code.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from gateway import live
from gateway.api import dev, documents, readiness
from gateway.console import install_console
from gateway.dashboard import router as dashboard_router
from gateway.proxy import AppUpstream, HttpUpstream, Upstream
from gateway.ratelimit import RateLimits
from gateway.settings import SERVICES, GatewayMode, Settings
from shared.app import (
    PROBLEM_RESPONSES,
    Receive,
    RequestContextMiddleware,
    Scope,
    Send,
    document_problems,
    operations_router,
)
from shared.auth import TokenVerifier
from shared.docs_ui import install_docs
from shared.errors import Unauthorized, install_error_handlers
from shared.inprocess import InProcessBus
from shared.logging import configure_logging
from shared.settings import BusKind


async def limit_by_address(request: Request) -> None:
    """The per-address limit, for calls made without a (valid) account."""
    request.app.state.rate_limits.address(request.client.host if request.client else "")


def _embedded_apps(bus: InProcessBus) -> dict[str, FastAPI]:
    # Imported here: only the embedded mode composes the services into this process.
    from collab.main import create_app as collab_app
    from collab.settings import Settings as CollabSettings
    from goals.main import create_app as goals_app
    from goals.settings import Settings as GoalsSettings
    from incentives.main import create_app as incentives_app
    from incentives.settings import Settings as IncentivesSettings
    from performance.main import create_app as performance_app
    from performance.settings import Settings as PerformanceSettings

    inprocess = BusKind.inprocess
    return {
        "goals": goals_app(GoalsSettings(bus=inprocess), bus=bus),
        "performance": performance_app(PerformanceSettings(bus=inprocess), bus=bus),
        "incentives": incentives_app(IncentivesSettings(bus=inprocess), bus=bus),
        "collab": collab_app(CollabSettings(bus=inprocess), bus=bus),
    }


class Forwarder:
    """The route to one service, as an ASGI app so that it takes every method: the service
    answers a method its path lacks with 405 and the methods the path has. It checks the
    caller first (a bad token never reaches a service), then passes the raw request on."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = scope["app"]
        settings: Settings = app.state.settings
        path: str = scope["path"]
        if any(path.startswith(p) for p in settings.public_path_prefixes):
            app.state.rate_limits.address(_address(scope))
        else:
            await _authenticate(app, scope)
        upstream: Upstream = app.state.upstreams[self.name]
        await upstream.forward(scope, receive, send)


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


async def _authenticate(app: FastAPI, scope: Scope) -> None:
    """The caller's bearer token verified (the gateway turns away bad tokens early; each
    service checks again what it allows), and their rate limit counted."""
    authorization = next(
        (v for k, v in scope.get("headers") or () if k == b"authorization"), b""
    ).decode("latin-1")
    scheme, _, token = authorization.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("a bearer token is required")
        principal = await app.state.token_verifier.verify(token)
    except Unauthorized:
        app.state.rate_limits.address(_address(scope))
        raise
    app.state.rate_limits.principal(principal.member_id)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    service_apps: dict[str, FastAPI] = {}
    bus: InProcessBus | None = None
    if settings.mode == GatewayMode.embedded:
        bus = InProcessBus()
        service_apps = _embedded_apps(bus)
    upstreams: dict[str, Upstream] = {
        name: AppUpstream(name, service_apps[name])
        if name in service_apps
        else HttpUpstream(name, settings.upstream_url(name), timeout_s=settings.upstream_timeout_s)
        for name in SERVICES
    }

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for service_app in service_apps.values():
                await stack.enter_async_context(service_app.router.lifespan_context(service_app))
            for upstream in upstreams.values():
                stack.push_async_callback(upstream.close)
            await stack.enter_async_context(live.running(_app))
            yield

    app = FastAPI(
        title="Spearhead API",
        description=(
            "One entry point to Spearhead: goals and KPIs that cascade, live performance "
            "scores, explained incentive payouts and cross-department tickets. Every call "
            "needs a bearer token; errors are RFC 9457 problem+json. The events the services "
            "publish are described at `/asyncapi.json`."
        ),
        version="1.0.0",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.upstreams = upstreams
    app.state.service_apps = service_apps
    app.state.bus = bus
    app.state.docs_cache = {}
    app.state.token_verifier = TokenVerifier(settings)
    app.state.rate_limits = RateLimits(
        enabled=settings.rate_limits,
        per_principal=settings.rate_limit_per_principal,
        per_address=settings.rate_limit_per_address,
    )
    app.state.readiness = lambda: readiness(app)
    install_error_handlers(app)
    install_docs(app, title="Spearhead API")
    app.include_router(documents, dependencies=[Depends(limit_by_address)])
    app.include_router(operations_router())
    app.include_router(dashboard_router, responses=PROBLEM_RESPONSES)
    app.include_router(live.router, responses=PROBLEM_RESPONSES)
    install_console(app)
    if not settings.is_production:
        app.include_router(
            dev, responses=PROBLEM_RESPONSES, dependencies=[Depends(limit_by_address)]
        )
    document_problems(app)
    for name in SERVICES:
        # Every method is passed on: the service answers 405 with the methods its path has.
        # Starlette takes an ASGI app as a route's endpoint (its type names only functions).
        app.add_route(f"/{name}/{{path:path}}", Forwarder(name), include_in_schema=False)  # type: ignore[arg-type]
    app.add_middleware(
        RequestContextMiddleware, service="gateway", max_body_bytes=settings.max_body_bytes
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "Location", "Retry-After", "x-correlation-id"],
        )
    return app
