"""Tokens and clients for tests that go through HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import httpx
import jwt

from shared.auth import mint_token
from shared.polling import until
from shared.settings import ServiceSettings
from tests.conftest import TEST_JWT_SECRET


def token(
    member_id: str = "m-admin",
    roles: list[str] | None = None,
    units: list[str] | None = None,
    ttl: timedelta = timedelta(hours=1),
) -> str:
    # The test session's secret, so that tokens made at import time are valid too.
    settings = ServiceSettings(environment="test", jwt_secret=TEST_JWT_SECRET)
    return mint_token(settings, member_id=member_id, roles=roles or ["admin"], units=units, ttl=ttl)


def auth(
    member_id: str = "m-admin", roles: list[str] | None = None, units: list[str] | None = None
) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(member_id, roles, units)}"}


def unsigned_token(member_id: str = "m-admin") -> str:
    """A token with ``alg: none`` (no signature at all)."""
    settings = ServiceSettings()
    return jwt.encode(
        {
            "sub": member_id,
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "iat": 1,
            "exp": 4_102_444_800,
            "roles": ["admin"],
        },
        key="",
        algorithm="none",
    )


async def post_ok(
    client: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
    *,
    headers: dict[str, str],
    status: int = 201,
) -> Any:
    """POST ``body`` and return the JSON answer, asserting the status first."""
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T | None]], timeout_s: float = 60) -> T:
    """Poll ``check`` until it returns something truthy (what the broker delivers arrives
    in its own time); fail after ``timeout_s``."""
    return await until(check, timeout_s=timeout_s, every_s=0.2, error=AssertionError)
