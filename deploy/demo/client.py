"""The story's HTTP plumbing: tokens for each person in it, calls that fail loudly, and
waiting for what events bring."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import httpx

from shared import polling
from shared.auth import mint_token
from shared.settings import ServiceSettings

T = TypeVar("T")


class StoryError(RuntimeError):
    pass


async def until(check: Callable[[], Awaitable[T | None]], timeout_s: float = 90) -> T:
    """Poll until ``check`` returns something truthy: events take their time."""
    return await polling.until(check, timeout_s=timeout_s, every_s=0.3, error=StoryError)


@dataclass
class StoryClient:
    """The gateway's client, as the story's people (ids made unique by ``prefix``)."""

    client: httpx.AsyncClient
    settings: ServiceSettings
    prefix: str = ""
    ids: dict[str, str] = field(default_factory=dict)

    def member(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def token(self, who: str, roles: list[str], units: list[str] | None = None) -> str:
        return mint_token(
            self.settings,
            member_id=self.member(who) if who in ("dir", "lead", "s1", "s2", "p1") else who,
            roles=roles,
            units=units,
            ttl=timedelta(hours=2),
        )

    def as_(self, who: str, roles: list[str], units: list[str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(who, roles, units)}"}

    @property
    def admin(self) -> dict[str, str]:
        return self.as_("story-admin", ["admin"])

    @property
    def hr(self) -> dict[str, str]:
        return self.as_("story-hr", ["hr"])

    @property
    def finance(self) -> dict[str, str]:
        return self.as_("story-finance", ["finance"])

    @property
    def director(self) -> dict[str, str]:
        return self.as_("dir", ["manager"], [self.ids["marketing"]])

    @property
    def lead(self) -> dict[str, str]:
        return self.as_("lead", ["manager"], [self.ids["sales"]])

    def rep(self, name: str) -> dict[str, str]:
        return self.as_(name, ["member"], [self.ids["sales"]])

    @property
    def partner(self) -> dict[str, str]:
        return self.as_("p1", ["member"], [self.ids["product"]])

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201),
        content: bytes | None = None,
    ) -> Any:
        response = await self.client.request(
            method,
            path,
            json=body if content is None else None,
            content=content,
            headers=headers or self.admin,
        )
        if response.status_code not in expect:
            raise StoryError(f"{method} {path}: {response.status_code} {response.text}")
        if response.headers.get("content-type", "").startswith("text/csv"):
            return response.text
        return response.json() if response.content else None

    async def created(self, path: str, body: Any, *, headers: dict[str, str]) -> Any:
        """POST ``body``: the created resource, or None while a 422 says a KPI it names is
        not known yet (another service's event on its way)."""
        response = await self.client.post(path, json=body, headers=headers)
        if response.status_code == 422 and all(
            error["loc"][-1] == "kpi" for error in response.json().get("errors", [])
        ):
            return None
        if response.status_code != 201:
            raise StoryError(f"POST {path}: {response.status_code} {response.text}")
        return response.json()
