"""Every service as its own process (the `make up` shape) on a broker and a Postgres of their
own, so that killing them disturbs no other test; with handles to kill and restart each
part. The faults and end-to-end suites use it. A service may run as several replicas
(``performance``, ``performance-2``, ...: their own port and log, the same settings and
database, one consumer group); the gateway talks to the first."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import pytest

from deploy.localinfra import (
    Kafka,
    Postgres,
    free_port,
    start_kafka,
    start_postgres,
    stop_kafka,
    stop_postgres,
    wait_kafka,
)
from deploy.processes import base_env, spawn, terminate, wait_ready
from gateway.settings import SERVICES


@dataclass
class Cluster:
    """The processes of one Spearhead, and the infrastructure under them."""

    workdir: Path
    kafka: Kafka
    postgres: Postgres
    env: dict[str, str]
    ports: dict[str, int]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @staticmethod
    def app_of(name: str) -> str:
        """The app a process runs: ``performance-2`` is a replica of ``performance``."""
        app, _, replica = name.rpartition("-")
        return app if app and replica.isdigit() else name

    def replicas(self, service: str) -> list[str]:
        """The names of ``service``'s processes, the first (the gateway's) first."""
        return [name for name in self.ports if self.app_of(name) == service]

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def dsn(self) -> str:
        return self.postgres.url.replace("postgresql+asyncpg://", "postgresql://", 1)

    def start(self, name: str) -> None:
        app = self.app_of(name)
        self.processes[name] = spawn(app, self.ports[name], self.env, self.workdir / f"{name}.log")

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown hooks, no goodbye to the consumer group."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def restart(self, name: str, *, wait: bool = True) -> None:
        self.start(name)
        if wait:
            wait_ready(self.url(name), timeout_s=120)

    def kill_kafka(self) -> None:
        assert self.kafka.pid is not None
        os.kill(self.kafka.pid, signal.SIGKILL)

    def start_kafka(self) -> None:
        start_kafka(self.kafka.data_dir, self.kafka.port, self.kafka.controller_port)

    def pause_kafka(self) -> None:
        assert self.kafka.pid is not None
        os.kill(self.kafka.pid, signal.SIGSTOP)

    def resume_kafka(self) -> None:
        assert self.kafka.pid is not None
        os.kill(self.kafka.pid, signal.SIGCONT)
        wait_kafka(self.kafka)

    def stop_postgres(self) -> None:
        stop_postgres(self.postgres.data_dir, mode="fast")

    def start_postgres(self) -> None:
        start_postgres(self.postgres.data_dir, self.postgres.port, fast=True)

    async def scalar(self, query: str, *args: object) -> object:
        connection = await asyncpg.connect(self.dsn)
        try:
            return await connection.fetchval(query, *args)
        finally:
            await connection.close()

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        connection = await asyncpg.connect(self.dsn)
        try:
            return list(await connection.fetch(query, *args))
        finally:
            await connection.close()


def replica_name(service: str, replica: int) -> str:
    return service if replica == 1 else f"{service}-{replica}"


@contextmanager
def running_cluster(
    base: Path, *, replicas: Mapping[str, int] | None = None, **settings: str
) -> Iterator[Cluster]:
    """A whole Spearhead under ``base``: ``replicas`` processes of the services it names (one
    of every other), ``settings`` added to every process's environment."""
    base.mkdir(parents=True, exist_ok=True)
    kafka = start_kafka(base / "kafka", free_port(), free_port())
    postgres = start_postgres(base / "postgres", free_port(), fast=True)
    names = [
        replica_name(service, n)
        for service in SERVICES
        for n in range(1, (replicas or {}).get(service, 1) + 1)
    ]
    ports = {name: free_port() for name in (*names, "gateway")}
    env = base_env(
        SPEARHEAD_BUS="kafka",
        SPEARHEAD_KAFKA_BOOTSTRAP=kafka.bootstrap,
        SPEARHEAD_DATABASE_URL=postgres.url,
        SPEARHEAD_OUTBOX_POLL_INTERVAL_S="0.5",
        SPEARHEAD_KAFKA_SEND_TIMEOUT_S="5",
        GATEWAY_MODE="http",
        **{f"GATEWAY_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in SERVICES},
        **settings,
    )
    running = Cluster(base, kafka, postgres, env, ports)
    try:
        for name in names:
            running.start(name)
        running.start("gateway")
        for name in (*names, "gateway"):
            wait_ready(running.url(name), timeout_s=180)
        yield running
    finally:
        terminate(list(running.processes.values()))
        if running.kafka.pid is not None:
            os.kill(running.kafka.pid, signal.SIGCONT)
        stop_kafka(kafka.data_dir)
        stop_postgres(postgres.data_dir, mode="immediate")


@pytest.fixture(scope="module")
def cluster(workdir: Path, request: pytest.FixtureRequest) -> Iterator[Cluster]:
    with running_cluster(
        workdir / f"faults-{request.module.__name__.rsplit('.', 1)[-1]}"
    ) as running:
        yield running


async def verified(cluster: Cluster, *, settle_s: float = 90) -> None:
    """`make verify` against the cluster: no drift in any service (copies may take up to
    ``settle_s`` to catch up with their owners)."""
    import httpx

    from deploy.verify import SERVICES as CHECKED
    from deploy.verify import verify
    from shared.db import Database
    from tests.helpers import auth

    databases = {name: Database(cluster.postgres.url, schema=name, pool_size=1) for name in CHECKED}
    try:
        async with httpx.AsyncClient(base_url=cluster.gateway, timeout=30) as client:
            report = await verify(
                client=client,
                headers=auth("verifier", ["admin"]),
                databases=databases,
                settle_s=settle_s,
            )
    finally:
        for db in databases.values():
            await db.dispose()
    assert report.ok, report.summary()
    assert set(report.copies_checked) == set(CHECKED)
