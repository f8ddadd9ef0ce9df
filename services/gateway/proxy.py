"""Forwarding requests to the services, over HTTP or in process (same code path)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from shared.errors import problem_response
from shared.logging import correlation_id

log = logging.getLogger("spearhead.gateway")

# Headers a service needs from the caller; hop-by-hop headers never cross the gateway.
FORWARDED_REQUEST_HEADERS = {
    "authorization",
    "content-type",
    "accept",
    "accept-language",
    "if-match",
    "if-none-match",
    "idempotency-key",
    "user-agent",
}
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-encoding",
    "x-correlation-id",  # the gateway sets its own, which the service already carried on
}


class Upstream:
    """One service as the gateway sees it."""

    def __init__(self, name: str, client: httpx.AsyncClient) -> None:
        self.name = name
        self.client = client

    async def forward(self, request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k in FORWARDED_REQUEST_HEADERS}
        headers["x-correlation-id"] = correlation_id.get() or ""
        client_host = request.client.host if request.client else ""
        headers["x-forwarded-for"] = client_host
        headers["x-forwarded-proto"] = request.url.scheme
        # The path and query as the caller encoded them: decoding would turn %2F into a
        # separator and %1F into a control character that is no URL at all.
        path = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
        try:
            upstream_request = self.client.build_request(
                request.method,
                f"{path}?{request.url.query}" if request.url.query else path,
                headers=headers,
                content=request.stream(),
            )
        except httpx.InvalidURL as exc:
            return problem_response(422, f"The URL cannot be passed on: {exc}", request=request)
        try:
            upstream = await self.client.send(upstream_request, stream=True)
        except httpx.TimeoutException:
            return problem_response(
                504, f"The {self.name} service did not answer in time.", request=request
            )
        except (httpx.TransportError, OSError) as exc:
            log.warning("upstream unavailable", extra={"upstream": self.name, "error": repr(exc)})
            return problem_response(
                503,
                f"The {self.name} service is not available.",
                request=request,
                headers={"Retry-After": "5"},
            )
        response_headers = {
            k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP
        }
        return StreamingResponse(
            upstream.aiter_raw(),
            status_code=upstream.status_code,
            headers=response_headers,
            background=BackgroundTask(upstream.aclose),
        )

    async def get_json(self, path: str, within_s: float) -> tuple[int, Any] | None:
        """GET a JSON document from the service, or None when it cannot be reached."""
        try:
            response = await asyncio.wait_for(self.client.get(path), within_s)
            return response.status_code, response.json()
        except (httpx.HTTPError, OSError, TimeoutError, ValueError):
            return None
