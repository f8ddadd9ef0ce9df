"""Live updates (``GET /live``, Server-Sent Events) over a real HTTP server, every service in
one process: a rep sees their new score and projection as an actual is recorded, each push
the same body as their own read; a colleague connected at the same time sees nothing of it;
a ticket of the caller's unit is pushed as they would read it; no token is a 401."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
import uvicorn

from deploy.demo import Story
from deploy.localinfra import free_port
from gateway.live_hub import STREAMS_PER_PRINCIPAL
from shared.settings import ServiceSettings
from tests.conftest import TEST_JWT_SECRET
from tests.helpers import auth, eventually
from tests.system import monkeypatch_module, settled, system

__all__ = ["monkeypatch_module", "system"]

SystemFixture = tuple[httpx.AsyncClient, Callable[[date], None]]


@pytest.fixture(scope="module")
async def live_url(system: SystemFixture) -> AsyncIterator[str]:
    """The system's gateway (already started) served over HTTP, so that streams stream."""
    client, _set_today = system
    app = client._transport.app  # type: ignore[attr-defined]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


@dataclass
class Listener:
    """One open stream and the events it delivered (kind, data), in order."""

    events: list[tuple[str, Any]] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def of(self, kind: str) -> list[Any]:
        return [data for k, data in self.events if k == kind]

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


async def listen(url: str, headers: dict[str, str]) -> Listener:
    listener = Listener()

    async def run() -> None:
        async with (
            httpx.AsyncClient(base_url=url, timeout=None) as client,
            client.stream("GET", "/live", headers=headers) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            kind, data = None, None
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    kind = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = json.loads(line.removeprefix("data: "))
                elif line == "" and kind is not None:
                    listener.events.append((kind, data))
                    if kind == "ready":
                        listener.ready.set()
                    kind, data = None, None

    listener.task = asyncio.create_task(run())

    async def is_ready() -> bool:
        if listener.task is not None and listener.task.done():
            listener.task.result()
        return listener.ready.is_set()

    await eventually(is_ready, timeout_s=30)
    return listener


@pytest.fixture(scope="module")
async def story(system: SystemFixture) -> Story:
    client, set_today = system
    set_today(date(2026, 3, 31))
    told = Story(
        client,
        ServiceSettings(environment="test", jwt_secret=TEST_JWT_SECRET),
        prefix=f"lv{uuid.uuid4().hex[:4]}-",
    )
    await told.organisation()
    await told.targets()
    await settled(client)
    return told


async def _body(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Any:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_new_actual_pushes_the_reps_own_score_and_projection_only_to_them(
    system: SystemFixture, story: Story, live_url: str
) -> None:
    client, _set_today = system
    s1, s2 = story.member("s1"), story.member("s2")
    before = await _body(client, f"/incentives/members/{s1}/projection", story.rep("s1"))
    first = await listen(live_url, story.rep("s1"))
    second = await listen(live_url, story.rep("s2"))
    assert first.events == [("ready", {"member_id": s1})]
    try:
        await client.post(
            "/goals/actuals",
            json={
                "owner_id": s1,
                "kpi": "revenue",
                "date": "2026-03-09",
                "value": "120000",
                "idempotency_key": f"{s1}-live-1",
            },
            headers=story.admin,
        )
        await settled(client)
        score_path = f"/performance/members/{s1}/scores/2026-03"
        projection_path = f"/incentives/members/{s1}/projection"
        score = await _body(client, score_path, story.rep("s1"))
        projection = await _body(client, projection_path, story.rep("s1"))
        assert any(i["code"] == "revenue" and i["input"] for i in score["indicators"])

        async def caught_up() -> bool:
            scores, projections = first.of("score"), first.of("projection")
            return bool(scores and projections) and (
                scores[-1]["body"] == score and projections[-1]["body"] == projection
            )

        await eventually(caught_up, timeout_s=30)
        # One actual, one new score; the projection as each of its changes showed (each
        # push differs from the one before and from what it was when the stream opened).
        [pushed_score] = first.of("score")
        assert pushed_score == {
            "kind": "score",
            "path": score_path,
            "body": score,
            "event_type": "performance.score.computed",
        }
        projections = first.of("projection")
        assert [k for k, _ in first.events] == ["ready", "score"] + ["projection"] * len(
            projections
        )
        bodies = [before, *(p["body"] for p in projections)]
        assert all(a != b for a, b in itertools.pairwise(bodies))
        for data in projections:
            assert (data["kind"], data["path"], data["event_type"]) == (
                "projection",
                projection_path,
                "performance.score.computed",
            )
        # The colleague on the same team, connected all along, got nothing of it.
        assert second.events == [("ready", {"member_id": s2})]
    finally:
        await first.close()
        await second.close()


async def test_a_ticket_of_the_callers_unit_is_pushed_as_they_read_it(
    system: SystemFixture, story: Story, live_url: str
) -> None:
    client, _set_today = system
    assignee = await listen(live_url, story.rep("s1"))
    teammate = await listen(live_url, story.rep("s2"))
    outsider = await listen(live_url, auth("lv-outsider", ["member"], ["u-elsewhere"]))
    try:
        opened = await client.post(
            "/collab/tickets",
            json={
                "title": "直播价格表 Live price list",
                "description": "产品部需要 / product needs it",
                "category": "sales_data",
                "priority": "normal",
                "requester_unit_id": story.ids["product"],
                "owner_unit_id": story.ids["sales"],
                "assignee_id": story.member("s1"),
            },
            headers=story.partner,
        )
        assert opened.status_code == 201, opened.text
        path = f"/collab/tickets/{opened.json()['id']}"
        await settled(client)
        for listener, who in ((assignee, "s1"), (teammate, "s2")):
            expected = await _body(client, path, story.rep(who))

            async def arrived(listener: Listener = listener) -> bool:
                return bool(listener.of("ticket"))

            await eventually(arrived, timeout_s=30)
            assert listener.of("ticket") == [
                {
                    "kind": "ticket",
                    "path": path,
                    "body": expected,
                    "event_type": "collab.ticket.opened",
                }
            ]
        assert [k for k, _ in outsider.events] == ["ready"]
    finally:
        for listener in (assignee, teammate, outsider):
            await listener.close()


async def test_live_needs_a_token_and_limits_streams_per_account(live_url: str) -> None:
    async with httpx.AsyncClient(base_url=live_url, timeout=30) as client:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            refused = await client.get("/live", headers=headers)
            assert refused.status_code == 401
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["status"] == 401
    many = auth("lv-many", ["member"], [])
    open_streams = [await listen(live_url, many) for _ in range(STREAMS_PER_PRINCIPAL)]
    try:
        async with httpx.AsyncClient(base_url=live_url, timeout=30) as client:
            over = await client.get("/live", headers=many)
            assert over.status_code == 429
            assert over.headers["content-type"].startswith("application/problem+json")
        await open_streams[0].close()

        async def freed() -> Listener | None:
            try:
                return await listen(live_url, many)
            except AssertionError:
                return None

        open_streams[0] = await eventually(freed, timeout_s=30)
    finally:
        for listener in open_streams:
            await listener.close()
