"""What runs beside a service's HTTP API: its database, outbox relay and event consumers,
on Kafka or on the in-process bus. The same handlers and inbox rules apply on both."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from sqlalchemy import MetaData, Table

from shared.db import Database
from shared.events import EventCatalog
from shared.inbox import InboxProcessor, Subscription
from shared.inprocess import InProcessBus
from shared.kafka import (
    KafkaConsumerWorker,
    KafkaPublisher,
    broker_answers,
    dead_letter_topic,
    ensure_topics,
)
from shared.migrations import upgrade_async
from shared.outbox import Outbox, OutboxRelay, Transport
from shared.settings import BusKind, ServiceSettings

log = logging.getLogger("spearhead.runtime")


@dataclass(frozen=True)
class PeriodicJob:
    """Work a service runs on a timer beside its consumers (a deadline scheduler, say).

    ``run`` gets the service's database and settings and does one pass; the runtime calls it
    every ``interval_s(settings)`` seconds until the service stops. A pass that raises is
    logged and retried at the next tick, so the job's state must live in the database (it
    survives restarts that way, too)."""

    name: str
    run: Callable[[Database, Any], Awaitable[None]]
    interval_s: Callable[[Any], float]
    # Optional: an event (of the running loop) that starts a pass at once when set.
    wake: Callable[[], asyncio.Event] | None = None


@dataclass
class ServiceDefinition:
    """Everything the kit needs to run one service; each service's ``main.py`` builds one."""

    name: str
    title: str
    description: str
    metadata: MetaData
    catalog: EventCatalog
    outbox: Outbox
    inbox: Table
    migrations_dir: Path
    routers: list[APIRouter] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    jobs: list[PeriodicJob] = field(default_factory=list)


def service_definition(package: str, *, title: str, description: str) -> ServiceDefinition:
    """A service's definition, read from the files every service has by convention:
    ``models`` (metadata, inbox), ``events`` (catalog, outbox), ``api`` (router),
    ``consumers`` (subscriptions, and ``jobs`` if it runs any) and the ``migrations/`` folder."""
    models = importlib.import_module(f"{package}.models")
    events = importlib.import_module(f"{package}.events")
    api = importlib.import_module(f"{package}.api")
    consumers = importlib.import_module(f"{package}.consumers")
    package_dir = Path(importlib.import_module(package).__file__ or "").parent
    return ServiceDefinition(
        name=package,
        title=title,
        description=description,
        metadata=models.metadata,
        catalog=events.catalog,
        outbox=events.outbox,
        inbox=models.inbox,
        migrations_dir=package_dir / "migrations",
        routers=[api.router],
        subscriptions=list(consumers.subscriptions),
        jobs=list(getattr(consumers, "jobs", [])),
    )


class ServiceRuntime:
    def __init__(
        self,
        definition: ServiceDefinition,
        settings: ServiceSettings,
        *,
        bus: InProcessBus | None = None,
        migrate: bool = True,
    ) -> None:
        if settings.bus == BusKind.inprocess and bus is None:
            raise ValueError("the in-process bus needs a bus instance shared by all services")
        self.definition = definition
        self.settings = settings
        self.migrate = migrate
        self.db = Database(
            settings.database_url, schema=definition.name, pool_size=settings.db_pool_size
        )
        self.bus = bus if settings.bus == BusKind.inprocess else None
        self.publisher: KafkaPublisher | None = None
        transport: Transport
        if self.bus is not None:
            transport = self.bus
        else:
            self.publisher = KafkaPublisher(
                settings.kafka_bootstrap,
                send_timeout_s=settings.kafka_send_timeout_s,
                client_id=f"{definition.name}-relay",
            )
            transport = self.publisher
        self.relay = OutboxRelay(
            self.db,
            definition.outbox.table,
            transport,
            poll_interval_s=settings.outbox_poll_interval_s,
            retention_s=settings.outbox_retention_s,
        )
        self.processors = [
            InboxProcessor(
                self.db, definition.inbox, subscription, max_attempts=settings.consumer_max_attempts
            )
            for subscription in definition.subscriptions
        ]
        self.workers: list[KafkaConsumerWorker] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self.job_errors: dict[str, str] = {}
        self.started = False
        # Kafka mode: whether the broker answered the last probe, and since when it has not.
        self.broker_down_since: float | None = None

    async def _prepare_kafka(self) -> None:
        topics = set(self.definition.catalog.topics())
        for processor in self.processors:
            for topic in processor.subscription.topics:
                topics.add(topic)
                topics.add(dead_letter_topic(topic, processor.consumer))
        while True:
            try:
                await ensure_topics(
                    self.settings.kafka_bootstrap,
                    sorted(topics),
                    self.settings.kafka_partitions,
                    replication_factor=self.settings.kafka_replication_factor,
                )
                return
            except Exception as exc:
                log.warning("Kafka not reachable yet; retrying", extra={"error": repr(exc)})
                await asyncio.sleep(2)

    async def start(self) -> None:
        if self.migrate:
            await upgrade_async(
                self.definition.migrations_dir, self.settings.database_url, self.definition.name
            )
        if self.bus is not None:
            for processor in self.processors:
                self.bus.subscribe(processor)
        else:
            await asyncio.wait_for(self._prepare_kafka(), 120)
            self._tasks.append(asyncio.create_task(self._watch_broker(), name="broker-probe"))
            assert self.publisher is not None
            for processor in self.processors:
                worker = KafkaConsumerWorker(
                    self.settings.kafka_bootstrap,
                    processor,
                    self.publisher,
                    stuck_after_s=self.settings.consumer_stuck_after_s,
                    max_poll_interval_s=self.settings.consumer_max_poll_interval_s,
                )
                self.workers.append(worker)
                self._tasks.append(
                    asyncio.create_task(worker.run(), name=f"consumer-{processor.consumer}")
                )
        self._tasks.append(
            asyncio.create_task(self.relay.run(), name=f"relay-{self.definition.name}")
        )
        self._stopping.clear()
        for job in self.definition.jobs:
            self._tasks.append(asyncio.create_task(self._run_job(job), name=f"job-{job.name}"))
        self.started = True

    async def _watch_broker(self) -> None:
        """Ask the broker every ``broker_probe_interval_s`` whether it answers; readiness
        reads the outcome, so a broker that vanished shows within a few seconds."""
        interval = self.settings.broker_probe_interval_s
        while not self._stopping.is_set():
            answers = await broker_answers(self.settings.kafka_bootstrap, timeout_s=interval * 2)
            if answers and self.broker_down_since is not None:
                log.info(
                    "broker reachable again",
                    extra={"down_s": round(time.monotonic() - self.broker_down_since, 1)},
                )
                self.broker_down_since = None
            elif not answers and self.broker_down_since is None:
                log.warning(
                    "broker unreachable", extra={"bootstrap": self.settings.kafka_bootstrap}
                )
                self.broker_down_since = time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), interval)

    async def _run_job(self, job: PeriodicJob) -> None:
        while not self._stopping.is_set():
            if job.wake is not None:
                job.wake().clear()  # what is set from now on asks for another pass
            try:
                await job.run(self.db, self.settings)
                self.job_errors.pop(job.name, None)
            except Exception as exc:
                self.job_errors[job.name] = repr(exc)
                log.exception("periodic job failed; retrying next tick", extra={"job": job.name})
            waits = [asyncio.ensure_future(self._stopping.wait())]
            if job.wake is not None:
                waits.append(asyncio.ensure_future(job.wake().wait()))
            _done, pending = await asyncio.wait(
                waits, timeout=job.interval_s(self.settings), return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()

    async def stop(self) -> None:
        self._stopping.set()
        self.relay.stop()
        for worker in self.workers:
            worker.stop()
        if self.bus is not None:
            for processor in self.processors:
                self.bus.unsubscribe(processor)
        for task in self._tasks:
            started = time.monotonic()
            try:
                # A consumer can sit in a group join for a session timeout; cancelling it is
                # safe because offsets are committed only after the database commit.
                await asyncio.wait_for(asyncio.shield(task), 5)
            except (TimeoutError, asyncio.CancelledError, Exception):
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
            log.info(
                "stopped",
                extra={"task": task.get_name(), "seconds": round(time.monotonic() - started, 2)},
            )
        self._tasks.clear()
        if self.publisher is not None:
            await self.publisher.close()
        await self.db.dispose()
        self.started = False

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        """Whether the service can do its work now, and the state of each part."""
        checks: dict[str, Any] = {}
        ready = self.started
        try:
            await asyncio.wait_for(self.db.ping(), 3)
            checks["database"] = "up"
        except Exception as exc:
            checks["database"] = f"down: {type(exc).__name__}"
            ready = False
        checks["outbox_relay"] = self.relay.last_error or "ok"
        if self.definition.jobs:
            checks["jobs"] = {
                job.name: self.job_errors.get(job.name, "ok") for job in self.definition.jobs
            }
        if self.bus is None:
            # The relay and the consumers both need the broker.
            if self.broker_down_since is None:
                checks["broker"] = "up"
            else:
                ready = False
                down_for = round(time.monotonic() - self.broker_down_since, 1)
                checks["broker"] = f"unreachable for {down_for}s"
        consumers = [worker.health() for worker in self.workers]
        for task in self._tasks:
            if task.done():
                ready = False
                checks.setdefault("stopped_tasks", []).append(task.get_name())
        for worker, health in zip(self.workers, consumers, strict=True):
            problem = self._consumer_problem(worker, health)
            if problem is not None:
                ready = False
                health["problem"] = problem
        checks["consumers"] = consumers
        checks["bus"] = self.settings.bus.value
        return ready, checks

    def _consumer_problem(self, worker: KafkaConsumerWorker, health: dict[str, Any]) -> str | None:
        """Why a consumer keeps the service from being ready, if it does."""
        if health["stuck"]:
            return f"stuck in one message for {health['busy_for_s']}s"
        if worker.assignments == 0:
            return "not yet assigned its partitions by the group"
        unassigned_for = health["unassigned_for_s"]
        if unassigned_for is not None and unassigned_for > self.settings.consumer_rebalance_grace_s:
            return f"without partitions for {unassigned_for}s (rebalancing)"
        return None
