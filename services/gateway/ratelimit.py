"""Rate limits at the gateway: per principal for authenticated calls, per client address for
the routes that need no account (and for calls whose credentials fail).

The counting is the ``limits`` library's moving window, kept in this process's memory: each
gateway replica counts on its own, so N replicas let through up to N times the limit."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from shared.errors import Problem


class TooManyRequests(Problem):
    status, kind, title = 429, "too-many-requests", "Too many requests"


class RateLimits:
    """The two limits and their counters."""

    def __init__(self, *, enabled: bool, per_principal: str, per_address: str) -> None:
        self.enabled = enabled
        self.per_principal: RateLimitItem = parse(per_principal)
        self.per_address: RateLimitItem = parse(per_address)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def principal(self, member_id: str) -> None:
        self._hit(self.per_principal, "principal", member_id)

    def address(self, host: str) -> None:
        self._hit(self.per_address, "address", host)

    def _hit(self, item: RateLimitItem, kind: str, key: str) -> None:
        if not self.enabled or self._limiter.hit(item, kind, key):
            return
        reset_at = self._limiter.get_window_stats(item, kind, key).reset_time
        retry_after = max(1, math.ceil(reset_at - time.time()))
        raise TooManyRequests(
            f"More than {item} from this {kind}; try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


def valid_limit(value: str) -> str:
    """A limit as ``limits`` writes it (``600/minute``, ``10 per second``), checked early."""
    try:
        parse(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a rate limit such as 600/minute") from exc
    return value
