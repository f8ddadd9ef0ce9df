"""Bodies no service should choke on: too large (declared or streamed), nested too deep,
not JSON, not UTF-8, the wrong media type. Each is a clear 4xx problem, never a 500; for
every service, found by the first JSON write in its part of the gateway's document."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from shared.settings import ServiceSettings
from tests.hostile.conftest import SERVICES
from tests.hostile.support import ADMIN, assert_problem

LIMIT = ServiceSettings().max_body_bytes


async def a_json_write(client: httpx.AsyncClient, service: str) -> str:
    """The path of the first POST of ``service`` that takes a JSON body (no path ids)."""
    document: dict[str, Any] = (await client.get("/openapi.json")).json()
    for path, operations in document["paths"].items():
        post = operations.get("post")
        if (
            path.startswith(f"/{service}/")
            and "{" not in path
            and post is not None
            and "application/json" in post.get("requestBody", {}).get("content", {})
        ):
            return str(path)
    raise AssertionError(f"{service} has no JSON write")


@pytest.fixture(params=list(SERVICES))
async def write_path(request: pytest.FixtureRequest, gateway: httpx.AsyncClient) -> str:
    return await a_json_write(gateway, request.param)


async def test_a_body_over_the_limit_is_413(gateway: httpx.AsyncClient, write_path: str) -> None:
    body = b'{"name": "' + b"x" * LIMIT + b'"}'
    response = await gateway.post(
        write_path, content=body, headers={**ADMIN, "content-type": "application/json"}
    )
    problem = assert_problem(response, 413)
    assert str(LIMIT) in problem["detail"]


async def test_a_streamed_body_over_the_limit_is_413(
    gateway: httpx.AsyncClient, write_path: str
) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the size shows late
        yield b'{"name": "'
        for _ in range(LIMIT // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    response = await gateway.post(
        write_path, content=chunks(), headers={**ADMIN, "content-type": "application/json"}
    )
    assert_problem(response, 413)


@pytest.mark.parametrize("depth", [10_000, 100_000])
async def test_deeply_nested_json_is_a_clear_4xx(
    gateway: httpx.AsyncClient, write_path: str, depth: int
) -> None:
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        response = await gateway.post(
            write_path, content=body, headers={**ADMIN, "content-type": "application/json"}
        )
        problem = assert_problem(response, 422)
        assert problem["detail"] == "The JSON body is nested too deeply.", problem


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"name": }', b"\xff\xfe{}", b'{"name": "\xe4\xbd"}', b"", b"null", b"[]", b'"x"'],
    ids=["unclosed", "no-value", "utf16-bom", "broken-utf8", "empty", "null", "list", "string"],
)
async def test_malformed_json_is_422(
    gateway: httpx.AsyncClient, write_path: str, body: bytes
) -> None:
    response = await gateway.post(
        write_path, content=body, headers={**ADMIN, "content-type": "application/json"}
    )
    assert_problem(response, 422)


async def test_the_wrong_media_type_is_a_4xx_problem(
    gateway: httpx.AsyncClient, write_path: str
) -> None:
    response = await gateway.post(
        write_path,
        content=json.dumps({"name": "x"}).encode(),
        headers={**ADMIN, "content-type": "text/plain"},
    )
    assert response.status_code in (415, 422), response.text
    assert_problem(response, response.status_code)
