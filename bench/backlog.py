"""The pipeline's backlog over time: each consumer group's lag on a topic (the topic's end
offsets minus the group's committed offsets), sampled every second, and whether it stayed
bounded."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

KPI_TOPIC = "goals.kpi"
GROUPS = ("performance", "incentives")
DRAIN_LIMIT_S = 5.0  # bounded: the backlog is gone this soon after sending stops


class Backlog:
    """Samples ``(seconds since start, lag of each group)``; ``sending_s`` is when the
    sending stopped, relative to the same start."""

    def __init__(self, bootstrap: str, topic: str = KPI_TOPIC) -> None:
        self._bootstrap = bootstrap
        self.topic = topic
        self.groups = GROUPS
        self.series: list[dict[str, float]] = []
        self.began = time.monotonic()
        self.sending_s: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._partitions: list[TopicPartition] = []

    async def __aenter__(self) -> Backlog:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap)
        await self._admin.start()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=None)
        await self._consumer.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()
        with contextlib.suppress(Exception):
            await self._consumer.stop()
        with contextlib.suppress(Exception):
            await self._admin.close()

    async def lag(self) -> dict[str, int]:
        """Each group's lag now; a partition the group never committed counts from 0."""
        if not self._partitions:
            described = await self._admin.describe_topics([self.topic])
            self._partitions = [
                TopicPartition(self.topic, p["partition"])
                for topic in described
                if topic["error_code"] == 0
                for p in topic["partitions"]
            ]
        partitions = self._partitions
        if not partitions:
            return dict.fromkeys(self.groups, 0)
        ends = await self._consumer.end_offsets(partitions)
        found = {}
        for group in self.groups:
            committed = await self._admin.list_consumer_group_offsets(group, partitions=partitions)
            done = {tp: meta.offset for tp, meta in committed.items() if meta.offset >= 0}
            found[group] = sum(max(0, ends[tp] - done.get(tp, 0)) for tp in partitions)
        return found

    def start(self) -> None:
        """Sample every second from now on (the series' time 0)."""
        self.began = time.monotonic()
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            at = time.monotonic() - self.began
            with contextlib.suppress(Exception):  # a broker hiccup costs one sample
                self.series.append({"t": round(at, 1), **(await self.lag())})
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - self.began - at)))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def sent_all(self) -> None:
        self.sending_s = time.monotonic() - self.began

    def drained(self) -> bool:
        return bool(self.series) and self.total(self.series[-1]) == 0 and self._after_sending()

    def _after_sending(self) -> bool:
        return self.sending_s is not None and self.series[-1]["t"] >= self.sending_s

    def total(self, sample: dict[str, float]) -> int:
        """The pipeline's backlog in a sample: its slowest group's."""
        return int(max(sample.get(group, 0) for group in self.groups))

    def summary(self, rate: float) -> dict[str, Any]:
        """Max, at a third of the sending, at its end, final; drained after how long; and
        bounded: the end is not above the third plus a slack of half a second's events
        (at least 200), and the backlog is gone within DRAIN_LIMIT_S after sending."""
        sending = self.sending_s or 0.0
        during = [s for s in self.series if s["t"] <= sending] or self.series[:1]
        if not during:
            return {"bounded": False, "samples": 0}

        def at(moment: float) -> int:
            return self.total(min(during, key=lambda s: abs(s["t"] - moment)))

        third, end = at(sending / 3), at(sending)
        slack = max(200, int(rate / 2))
        drained_at = next(
            (s["t"] for s in self.series if s["t"] >= sending and self.total(s) == 0), None
        )
        drain_s = None if drained_at is None else round(max(0.0, drained_at - sending), 1)
        return {
            "samples": len(self.series),
            "max": max(self.total(s) for s in self.series),
            "at_third": third,
            "at_end_of_sending": end,
            "final": self.total(self.series[-1]),
            "slack": slack,
            "drained_after_s": drain_s,
            "bounded": end <= third + slack and drain_s is not None and drain_s <= DRAIN_LIMIT_S,
        }
