"""Polling until something holds: one loop for tests, benchmarks and the demo, which wait
for what the broker delivers in its own time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def _timed_out(
    error: Callable[[str], Exception], timeout_s: float, what: str, last: object
) -> Exception:
    return error(f"timed out after {timeout_s}s waiting for {what} (last answer: {last!r})")


async def until(
    check: Callable[[], Awaitable[T | None]],
    *,
    timeout_s: float,
    every_s: float = 0.2,
    what: str | None = None,
    error: Callable[[str], Exception] = TimeoutError,
) -> T:
    """Await ``check`` every ``every_s`` seconds until it answers something truthy, and
    return that answer; after ``timeout_s`` raise ``error`` naming ``what`` (the check's
    name by default) and its last answer."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise _timed_out(error, timeout_s, what or check.__name__, result)
        await asyncio.sleep(every_s)


def until_sync(
    check: Callable[[], T | None],
    *,
    timeout_s: float,
    every_s: float = 0.2,
    what: str | None = None,
    error: Callable[[str], Exception] = TimeoutError,
) -> T:
    """``until`` for code without an event loop: calls ``check`` and sleeps the thread."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise _timed_out(error, timeout_s, what or check.__name__, result)
        time.sleep(every_s)
