"""The app factory every service uses: problem+json errors, correlation ids, body limits,
metrics, health and readiness, the service's AsyncAPI document, stable operation ids."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from shared.api import restore_example_nulls
from shared.asyncapi import service_document
from shared.auth import TokenVerifier
from shared.docs_ui import install_docs
from shared.errors import PROBLEM_JSON, install_error_handlers, problem_body
from shared.inprocess import InProcessBus
from shared.logging import configure_logging, correlation_id
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS
from shared.runtime import ServiceDefinition, ServiceRuntime
from shared.settings import ServiceSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CORRELATION_HEADER = "x-correlation-id"

# On every response: no content sniffing, never inside a frame, no referrer to elsewhere.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
)
# What answers an authenticated request (pay, ratings, tickets) is never stored by a cache.
NO_STORE = (b"cache-control", b"no-store")


def with_security_headers(
    headers: list[tuple[bytes, bytes]], *, authenticated: bool
) -> list[tuple[bytes, bytes]]:
    """``headers`` with the security headers added where they are missing, and
    ``Cache-Control: no-store`` when the request carried credentials."""
    present = {name.lower() for name, _ in headers}
    added = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
    if authenticated:
        headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
        added.append(NO_STORE)
    return [*headers, *added]


class ProblemDetails(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "type": "https://spearhead.dev/problems/validation-error",
                "title": "Unprocessable content",
                "status": 422,
                "detail": "The request does not match the schema of this operation.",
                "instance": "/goals/org-units",
                "errors": [{"loc": ["body", "name"], "msg": "Field required", "type": "missing"}],
            }
        }
    )

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = Field(default=None)


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "model": ProblemDetails, "content": {PROBLEM_JSON: {}}}


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem("Missing, expired or invalid bearer token"),
    403: _problem("The caller may not do this"),
    404: _problem("No such resource, or not visible to the caller"),
    413: _problem("The request body is too large"),
    422: _problem("The request does not match the schema"),
}


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def document_problems(app: FastAPI) -> None:
    """Make the document say what the kit answers with: problems as
    ``application/problem+json`` with their schema (FastAPI lists a response model under
    ``application/json``), 409 on every write (a unique constraint the request runs into),
    412 and 428 where an operation reads ``If-Match``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()
        restore_example_nulls(document)
        for operations in document.get("paths", {}).values():
            for method, operation in operations.items():
                _document_operation_problems(method, operation)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _document_operation_problems(method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.get("responses", {})
    problem: dict[str, Any] | None = None
    for status, response in responses.items():
        content = response.get("content") or {}
        if status.isdigit() and int(status) >= 400 and PROBLEM_JSON in content:
            schema = content.pop("application/json", {}).get("schema")
            if schema is not None:
                content[PROBLEM_JSON] = {"schema": schema}
            problem = content
    if problem is None:
        return

    def add(status: str, description: str) -> None:
        responses.setdefault(status, {"description": description, "content": problem})

    if method.upper() in WRITE_METHODS:
        add("409", "The request conflicts with what is already stored")
    headers = {p["name"].lower() for p in operation.get("parameters", []) if p["in"] == "header"}
    if "if-match" in headers:
        add("412", "If-Match names an older version")
        add("428", "If-Match is required")


def operation_id(route: APIRoute) -> str:
    """Stable ``tag-name`` operation ids, so generated clients do not churn."""
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{tag}-{route.name}".replace("_", "-")


class RequestContextMiddleware:
    """Correlation id in and out, request metrics by route template, body size limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        service: str,
        max_body_bytes: int,
        max_upload_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.service = service
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes or max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        cid = headers.get(CORRELATION_HEADER.encode(), b"").decode("latin-1")[:100] or str(
            uuid.uuid4()
        )
        authenticated = b"authorization" in headers
        token = correlation_id.set(cid)
        started = time.perf_counter()
        status = 500
        # CSV uploads (up to 100k rows) may be larger than JSON bodies.
        is_upload = headers.get(b"content-type", b"").startswith(b"text/csv")
        limit = self.max_upload_bytes if is_upload else self.max_body_bytes

        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            # Postgres text cannot hold U+0000: no id or filter containing it names anything.
            await _send_problem(
                send, 422, "The URL contains a NUL character (%00).", scope.get("path", ""), cid
            )
            correlation_id.reset(token)
            return

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_problem(
                send, 413, f"The request body exceeds {limit} bytes.", scope.get("path", ""), cid
            )
            correlation_id.reset(token)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes FastAPI's body parsing untouched (others are 400).
                    raise HTTPException(413, f"The request body exceeds {limit} bytes.")
            return message

        async def send_with_context(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = with_security_headers(
                    [*message.get("headers", []), (CORRELATION_HEADER.encode(), cid.encode())],
                    authenticated=authenticated,
                )
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_context)
        finally:
            # The operation id names the route (FastAPI nests included routers, so a route's
            # own path lacks its prefixes).
            route = scope.get("route")
            template = (
                operation_id(route)
                if isinstance(route, APIRoute) and route.tags
                else getattr(route, "path", None) or "unmatched"
            )
            method = scope.get("method", "")
            HTTP_REQUESTS.labels(self.service, method, template, str(status)).inc()
            HTTP_LATENCY.labels(self.service, method, template).observe(
                time.perf_counter() - started
            )
            correlation_id.reset(token)


async def _send_problem(send: Send, status: int, detail: str, path: str, cid: str) -> None:
    body = json.dumps(problem_body(status, detail, instance=path)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": with_security_headers(
                [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (CORRELATION_HEADER.encode(), cid.encode()),
                ],
                authenticated=False,
            ),
        }
    )
    await send({"type": "http.response.body", "body": body})


def operations_router(*, asyncapi: Callable[[], dict[str, Any]] | None = None) -> APIRouter:
    """``/healthz``, ``/readyz``, ``/metrics`` (and ``/asyncapi.json``) for any app whose
    ``state.readiness`` is an async callable returning (ready, checks)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        ready, checks = await request.app.state.readiness()
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    if asyncapi is not None:
        document = asyncapi

        @router.get("/asyncapi.json")
        async def asyncapi_json() -> dict[str, Any]:
            return document()

    return router


def create_service_app(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    *,
    bus: InProcessBus | None = None,
    migrate: bool = True,
) -> FastAPI:
    """A service's FastAPI app; its lifespan runs the relay and consumers."""
    configure_logging(settings.log_level)
    runtime = ServiceRuntime(definition, settings, bus=bus, migrate=migrate)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="1.0.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_docs(app, title=definition.title)
    app.state.settings = settings
    app.state.runtime = runtime
    app.state.database = runtime.db
    app.state.outbox = definition.outbox
    app.state.token_verifier = TokenVerifier(settings)
    app.state.readiness = runtime.readiness
    install_error_handlers(app)
    for router in definition.routers:
        app.include_router(router, responses=PROBLEM_RESPONSES)
    definition.catalog.schema_base = settings.public_url
    app.include_router(
        operations_router(
            asyncapi=lambda: service_document(
                definition.catalog,
                definition.subscriptions,
                partitions=settings.kafka_partitions,
                title=f"{definition.title}: events",
            )
        )
    )
    document_problems(app)
    app.add_middleware(
        RequestContextMiddleware,
        service=definition.name,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    return app
