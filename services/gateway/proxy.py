"""Forwarding requests to the services: over pooled HTTP connections (aiohttp) when they run
as their own processes, straight into their ASGI apps when they run in this process.

Both work on the raw ASGI messages: the caller's headers are filtered once, the body is
passed on as it arrives, and the answer goes back chunk by chunk as the service writes it,
with no request or response objects in between."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from typing import Any, Protocol

import aiohttp
import httpx
from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send
from yarl import URL

from shared.errors import problem_response
from shared.logging import correlation_id

log = logging.getLogger("spearhead.gateway")

# Headers a service needs from the caller; hop-by-hop headers never cross the gateway.
FORWARDED_REQUEST_HEADERS = frozenset(
    {
        b"authorization",
        b"content-type",
        b"content-length",
        b"accept",
        b"accept-language",
        b"if-match",
        b"if-none-match",
        b"idempotency-key",
        b"user-agent",
    }
)
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "x-correlation-id",  # the gateway sets its own, which the service already carried on
    }
)
CHUNK = 64 * 1024


def forwarded_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The caller's headers a service gets, with the correlation id and who called."""
    headers = [(k, v) for k, v in scope.get("headers") or () if k in FORWARDED_REQUEST_HEADERS]
    client = scope.get("client")
    headers += [
        (b"x-correlation-id", (correlation_id.get() or "").encode("latin-1")),
        (b"x-forwarded-for", (client[0] if client else "").encode("latin-1")),
        (b"x-forwarded-proto", str(scope.get("scheme", "http")).encode("latin-1")),
    ]
    return headers


def raw_target(scope: Scope) -> str:
    """The path and query as the caller encoded them: decoding would turn %2F into a
    separator and %1F into a control character that is no URL at all."""
    path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


class Upstream(Protocol):
    """One service as the gateway sees it."""

    name: str

    async def forward(self, scope: Scope, receive: Receive, send: Send) -> None: ...

    async def get_json(
        self, path: str, within_s: float, headers: dict[str, str] | None = None
    ) -> tuple[int, Any] | None:
        """GET a JSON document from the service, or None when it cannot be reached."""
        ...

    async def close(self) -> None: ...


class AppUpstream:
    """A service in this process: its ASGI app is called with the caller's scope (its
    headers filtered as over HTTP), and answers straight into the caller's connection."""

    def __init__(self, name: str, app: FastAPI) -> None:
        self.name = name
        self.app = app
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url=f"http://{name}",
        )

    async def forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        inner = {**scope, "headers": forwarded_headers(scope)}
        inner.pop("state", None)  # the service keeps its own request state
        started = False

        async def send_on(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": _end_to_end(message.get("headers") or ())}
            await send(message)

        try:
            await self.app(inner, receive, send_on)
        except Exception:
            # The service answered 500 already (its error middleware re-raises after).
            log.exception("service app failed", extra={"upstream": self.name})
            if not started:
                await _problem(scope, receive, send, 500, f"The {self.name} service failed.")

    async def get_json(
        self, path: str, within_s: float, headers: dict[str, str] | None = None
    ) -> tuple[int, Any] | None:
        try:
            response = await asyncio.wait_for(self._client.get(path, headers=headers), within_s)
            return response.status_code, response.json()
        except (httpx.HTTPError, OSError, TimeoutError, ValueError):
            return None

    async def close(self) -> None:
        await self._client.aclose()


class HttpUpstream:
    """A service over HTTP, on a pool of keep-alive connections shared by every request."""

    def __init__(self, name: str, base_url: str, *, timeout_s: float) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout_s, connect=3.0)
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        # Made on first use: a session belongs to the running event loop.
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=200, limit_per_host=200, keepalive_timeout=30),
                timeout=self.timeout,
                auto_decompress=False,
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
            )
        return self._session

    async def forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = forwarded_headers(scope)
        # Read whole (the context middleware bounds it) and sent with its length, not chunked.
        body = await _body(receive)
        try:
            url = URL(self.base_url + raw_target(scope), encoded=True)
            upstream = await self.session.request(
                scope["method"],
                url,
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers],
                data=body or None,
                allow_redirects=False,
            )
        except ValueError as exc:
            await _problem(scope, receive, send, 422, f"The URL cannot be passed on: {exc}")
            return
        except TimeoutError:
            await _problem(
                scope, receive, send, 504, f"The {self.name} service did not answer in time."
            )
            return
        except (aiohttp.ClientError, OSError) as exc:
            log.warning("upstream unavailable", extra={"upstream": self.name, "error": repr(exc)})
            await _problem(
                scope,
                receive,
                send,
                503,
                f"The {self.name} service is not available.",
                headers={"Retry-After": "5"},
            )
            return
        async with upstream:
            await send(
                {
                    "type": "http.response.start",
                    "status": upstream.status,
                    "headers": _end_to_end(upstream.raw_headers),
                }
            )
            async for chunk in upstream.content.iter_chunked(CHUNK):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def get_json(
        self, path: str, within_s: float, headers: dict[str, str] | None = None
    ) -> tuple[int, Any] | None:
        try:
            async with asyncio.timeout(within_s):
                url = URL(self.base_url + path, encoded=True)
                async with self.session.get(url, headers=headers) as response:
                    return response.status, json.loads(await response.read())
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError):
            return None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _body(receive: Receive) -> bytes:
    """The caller's whole body."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _end_to_end(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A service's response headers without the hop-by-hop ones."""
    return [(k, v) for k, v in headers if k.decode("latin-1").lower() not in HOP_BY_HOP]


async def _problem(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
) -> None:
    response = problem_response(status, detail, request=Request(scope, receive), headers=headers)
    await response(scope, receive, send)
