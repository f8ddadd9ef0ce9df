"""Server-Sent Events: each caller's own changes pushed as the events arrive.

``GET /live`` keeps a stream open. The gateway keeps no data and decides no visibility: an
event (from the in-process bus in the embedded mode, from Kafka otherwise) only says which
reads may have changed (``gateway.live_sources``). For each subscriber the event names (their
member id or one of their units), the gateway makes that read again through the service,
with the subscriber's own token, and pushes the answer only when it is a 200: so a rep gets
their own score, never a colleague's, exactly as when they read it themselves.

Each subscriber has a bounded queue; a client too slow to take its pushes is disconnected
(it reconnects and reads afresh) rather than let the gateway's memory grow.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import StreamingResponse

from gateway.live_hub import KEEP_ALIVE_S, Hub, Subscriber
from gateway.live_sources import TOPICS, KafkaSource
from shared.app import ProblemDetails
from shared.auth import CurrentPrincipal
from shared.errors import ServiceUnavailable
from shared.settings import BusKind

router = APIRouter(tags=["live"])


async def _stream(hub: Hub, subscriber: Subscriber) -> AsyncIterator[str]:
    try:
        while True:
            try:
                async with asyncio.timeout(KEEP_ALIVE_S):
                    text = await subscriber.queue.get()
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if text is None:
                return
            yield text
    finally:
        hub.unsubscribe(subscriber)


EVENT_STREAM_EXAMPLE = (
    'event: ready\ndata: {"member_id": "s1"}\n\n'
    "id: 5f0c8a4e-2d3b-4e1f-8a9b-6c7d8e9f0a1b\nevent: score\n"
    'data: {"kind": "score", "path": "/performance/members/s1/scores/2026-03", '
    '"body": {"member_id": "s1", "month": "2026-03", "score": "62.4000"}, '
    '"event_type": "performance.score.computed"}\n\n'
    ": keep-alive\n\n"
)


@router.get(
    "/live",
    response_class=StreamingResponse,
    operation_id="gateway-live",
    summary="实时更新 (live updates of your own figures)",
    responses={
        200: {
            "description": (
                "事件流 (an event stream, `text/event-stream`): `ready` first, then `score`, "
                "`projection` and `ticket` events; a `: keep-alive` comment every 15 s."
            ),
            "content": {
                "text/event-stream": {
                    "schema": {"type": "string"},
                    "example": EVENT_STREAM_EXAMPLE,
                }
            },
        },
        429: {
            "description": "已打开的实时连接太多 (too many live streams for this account)",
            "model": ProblemDetails,
            "content": {"application/problem+json": {}},
        },
    },
)
async def live(request: Request, principal: CurrentPrincipal) -> StreamingResponse:
    """推送调用者自己的变化 (得分, 奖金预测, 工单的 SLA 状态), 随事件到达即时送达.
    (Your own changes as the events arrive: your score, your pay projection, the tickets of
    your units.) Each push is what the read at its `path` answers you at that moment, with
    your own token, so it shows exactly what you may read: `id` is the event's id, `event`
    its kind (`score`, `projection` or `ticket`), `data` a JSON object with `kind`, `path`,
    `body` (that read's answer) and `event_type` (the event that caused it). The stream
    opens with `ready` and carries a `: keep-alive` comment every 15 s; a client too slow
    to take its pushes is disconnected and should reconnect. Read it with `fetch()` (an
    `Authorization` header is needed, which `EventSource` cannot send)."""
    request.app.state.rate_limits.principal(principal.member_id)
    hub: Hub | None = getattr(request.app.state, "live", None)
    if hub is None:
        raise ServiceUnavailable("实时更新尚未启动 (live updates are not running yet)")
    subscriber = hub.subscribe(
        principal,
        request.headers.get("authorization", ""),
        request.headers.get("accept-language", "zh-CN"),
    )
    return StreamingResponse(
        _stream(hub, subscriber),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@contextlib.asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[None]:
    """The hub for the app's lifetime, fed by the in-process bus or by Kafka."""
    hub = Hub(app.state.upstreams)
    app.state.live = hub
    tasks = [asyncio.create_task(hub.run())]
    bus = app.state.bus
    if bus is not None:
        bus.observe(TOPICS, hub.observe)
    elif app.state.settings.bus == BusKind.kafka:
        source = KafkaSource(app.state.settings.kafka_bootstrap, TOPICS, hub.observe)
        app.state.live_source = source
        tasks.append(asyncio.create_task(source.run()))
    try:
        yield
    finally:
        if bus is not None:
            bus.unobserve(hub.observe)
        hub.close()
        for task in tasks:
            # Again until it ends: a cancellation can be swallowed by a client library's own
            # timeout (asyncio.wait_for before 3.12 loses one that races the inner result).
            while not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=1)
            with contextlib.suppress(asyncio.CancelledError):
                await task
        app.state.live = None
