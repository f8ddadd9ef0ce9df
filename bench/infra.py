"""The benchmark's plumbing: a fresh Postgres and Kafka under bench/.work, the services as
processes on them, and small helpers (waiting, counting, memory, sending events)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka.admin import AIOKafkaAdminClient

from deploy.localinfra import (
    Kafka,
    Postgres,
    free_port,
    start_kafka,
    start_postgres,
    stop_kafka,
    stop_postgres,
)
from deploy.processes import base_env, spawn, terminate, wait_ready
from goals.events import KPIDefinitionChanged, MemberChanged
from goals.events import catalog as goals_catalog
from shared.auth import mint_token
from shared.events import Envelope
from shared.kafka import KafkaPublisher
from shared.outbox import OutgoingMessage
from shared.polling import until, until_sync
from shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parent.parent
# BENCH_WORK: another directory, so that two runs on one machine keep out of each other's way.
WORK = Path(os.environ.get("BENCH_WORK") or ROOT / "bench" / ".work")

ADMIN = mint_token(ServiceSettings(), member_id="bench", roles=["admin"], ttl=timedelta(hours=4))
AUTH = {"Authorization": f"Bearer {ADMIN}"}

Running = dict[str, tuple[int, subprocess.Popen[bytes]]]


@dataclass
class Infra:
    postgres: Postgres
    kafka: Kafka

    async def database(self, name: str) -> str:
        connection = await asyncpg.connect(self.dsn("spearhead"))
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return self.postgres.url.rsplit("/", 1)[0] + f"/{name}"

    def dsn(self, database: str) -> str:
        url = self.postgres.url.replace("postgresql+asyncpg://", "postgresql://", 1)
        return url.rsplit("/", 1)[0] + f"/{database}"


@contextmanager
def infra() -> Iterator[Infra]:
    """A fresh Postgres and broker under bench/.work (what an earlier run left is stopped)."""
    stop_kafka(WORK / "kafka")
    stop_postgres(WORK / "postgres", mode="immediate")
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    try:
        postgres = start_postgres(WORK / "postgres", free_port(), fast=True)
        kafka = start_kafka(WORK / "kafka", free_port(), free_port())
        yield Infra(postgres, kafka)
    finally:
        stop_kafka(WORK / "kafka")
        stop_postgres(WORK / "postgres", mode="immediate")


async def fresh_topics(infra: Infra, timeout_s: float = 60) -> None:
    """Delete every topic an earlier benchmark left (its committed offsets go with it), so
    services started next find neither its backlog nor its groups' positions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka.bootstrap)
    await admin.start()
    try:
        found = [t for t in await admin.list_topics() if not t.startswith("__")]
        if found:
            await admin.delete_topics(found)

        async def deleted() -> bool:
            return not set(found) & set(await admin.list_topics())

        await until(deleted, timeout_s=timeout_s, every_s=0.5, what=f"topics deleted: {found}")
    finally:
        await admin.close()


@contextmanager
def services(infra: Infra, database_url: str, names: list[str], **extra: str) -> Iterator[Running]:
    """The services as processes (deploy.processes.spawn: one uvicorn each, as `make up`
    runs them) on the benchmark's database and broker; name -> (port, process)."""
    ports = {name: free_port() for name in names}
    env = base_env(
        SPEARHEAD_BUS="kafka",
        SPEARHEAD_KAFKA_BOOTSTRAP=infra.kafka.bootstrap,
        SPEARHEAD_DATABASE_URL=database_url,
        SPEARHEAD_LOG_LEVEL="WARNING",
        GATEWAY_MODE="http",
        # The limiter runs (its cost is part of what is measured) but never refuses the load.
        GATEWAY_RATE_LIMIT_PER_PRINCIPAL="100000000/minute",
        GATEWAY_RATE_LIMIT_PER_ADDRESS="100000000/minute",
        **{f"GATEWAY_{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in ports.items()},
        **extra,
    )
    running: Running = {}
    try:
        for name, port in ports.items():
            running[name] = (port, spawn(name, port, env, WORK / f"{name}.log"))
        for name, (port, _process) in running.items():
            if name == "gateway":
                wait_up(f"http://127.0.0.1:{port}/healthz")
            else:
                wait_ready(f"http://127.0.0.1:{port}", timeout_s=180)
        yield running
    finally:
        terminate([process for _port, process in running.values()])


def log(message: str) -> None:
    """Progress on stderr (results go to bench/results)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def wait_up(url: str, timeout_s: float = 90) -> None:
    """Until ``url`` answers 200."""

    def up() -> bool:
        try:
            return httpx.get(url, timeout=3).status_code == 200
        except httpx.HTTPError:
            return False

    until_sync(up, timeout_s=timeout_s, every_s=0.3, what=f"{url} to come up")


async def scalar(dsn: str, query: str, *args: Any) -> Any:
    connection = await asyncpg.connect(dsn)
    try:
        return await connection.fetchval(query, *args)
    finally:
        await connection.close()


async def counts(dsn: str, tables: list[str], wanted: int) -> bool:
    for table in tables:
        if (await scalar(dsn, f"SELECT count(*) FROM {table}")) < wanted:
            return False
    return True


async def queue_empty(dsn: str) -> bool:
    return bool((await scalar(dsn, "SELECT count(*) FROM incentives.recalculations")) == 0)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _status_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return float("nan")


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    return _status_mb(pid, "VmHWM")


def rss_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MiB."""
    return _status_mb(pid, "VmRSS")


async def send(publisher: KafkaPublisher, envelopes: list[tuple[str, Envelope]]) -> None:
    await publisher.send_batch(
        [OutgoingMessage(e.topic, key, e.model_dump_json().encode(), e.id) for key, e in envelopes]
    )


async def members_and_revenue(
    infra: Infra, dsn: str, members: list[str], *, client_id: str, timeout_s: float
) -> None:
    """Goals' events for ``members`` and the revenue KPI, sent a thousand at a time; back once
    performance and incentives hold every member and incentives the KPI."""
    publisher = KafkaPublisher(infra.kafka.bootstrap, client_id=client_id)
    for start in range(0, len(members), 1000):
        await send(publisher, [(m, member_changed(m)) for m in members[start : start + 1000]])
    await send(publisher, [("revenue", kpi_defined("revenue"))])
    await publisher.close()
    await until(
        lambda: counts(dsn, ["performance.members", "incentives.members"], len(members)),
        timeout_s=timeout_s,
        every_s=0.1,
        what="the members to arrive",
    )
    await until(
        lambda: counts(dsn, ["incentives.kpi_definitions"], 1),
        timeout_s=timeout_s,
        every_s=0.1,
        what="the KPI definition",
    )


def kpi_defined(code: str) -> Envelope:
    """Goals' definition of a summed KPI (incentives' plans pay only on defined KPIs)."""
    return goals_catalog.envelope(
        KPIDefinitionChanged(
            code=code,
            name=code,
            unit="CNY",
            direction="higher_is_better",
            aggregation="sum",
            category="quantitative",
            formula=None,
            non_negative=True,
            version=1,
        )
    )


def member_changed(member_id: str, unit: str = "bench-unit") -> Envelope:
    return goals_catalog.envelope(
        MemberChanged(
            member_id=member_id,
            name=member_id,
            home_unit_id=unit,
            unit_path=[unit],
            layer="execution",
            tier="backbone",
            manager_id=None,
            hired_on=date(2025, 1, 1),
            left_on=None,
            leave_reason=None,
            version=1,
        )
    )
