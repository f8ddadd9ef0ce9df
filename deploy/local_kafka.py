"""A real Kafka broker (KRaft, broker and controller in one process): its jars fetched from
Maven Central with Maven and run with the machine's Java; its data under ``.data/`` and the
jars under ``.cache/kafka/``."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from deploy.machine import DATA, ROOT, pid_alive, port_open

KAFKA_CACHE = Path(os.environ.get("SPEARHEAD_KAFKA_CACHE", ROOT / ".cache" / "kafka"))
KAFKA_PORT = int(os.environ.get("SPEARHEAD_KAFKA_PORT", "59092"))


def fetch_kafka(cache: Path | None = None) -> Path:
    """The folder of Kafka's jars, fetched with Maven's dependency plugin the first time."""
    libs = (cache or KAFKA_CACHE) / "libs"
    if any(libs.glob("kafka_2.13-*.jar")) and any(libs.glob("log4j-slf4j-impl-*.jar")):
        return libs
    libs.mkdir(parents=True, exist_ok=True)
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("Maven (mvn) is needed to fetch Kafka and is not on PATH")
    result = subprocess.run(
        [
            mvn,
            "-q",
            "-B",
            "-f",
            str(ROOT / "deploy" / "kafka" / "pom.xml"),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={libs}",
            "-DincludeScope=runtime",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not any(libs.glob("kafka_2.13-*.jar")):
        raise RuntimeError(f"Maven could not deliver Kafka:\n{result.stdout}\n{result.stderr}")
    return libs


@dataclass
class Kafka:
    data_dir: Path
    port: int
    controller_port: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "kafka.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "kafka.log"

    @property
    def pid(self) -> int | None:
        if not self.pid_file.exists():
            return None
        with contextlib.suppress(ValueError):
            pid = int(self.pid_file.read_text())
            return pid if pid_alive(pid) else None
        return None


def _kafka_properties(kafka: Kafka) -> str:
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@127.0.0.1:{kafka.controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{kafka.port},CONTROLLER://127.0.0.1:{kafka.controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{kafka.port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            f"log.dirs={kafka.data_dir / 'logs'}",
            "num.partitions=6",
            "auto.create.topics.enable=true",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=6",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "log.retention.hours=168",
            "",
        ]
    )


def kafka_at(
    data_dir: Path | None = None, port: int | None = None, controller_port: int | None = None
) -> Kafka:
    data_dir = (data_dir or DATA / "kafka").resolve()
    ports_file = data_dir / "ports"
    if port is None and ports_file.exists():
        port, controller_port = map(int, ports_file.read_text().split())
    port = port or KAFKA_PORT
    return Kafka(data_dir, port, controller_port or port + 1)


def start_kafka(
    data_dir: Path | None = None,
    port: int | None = None,
    controller_port: int | None = None,
    *,
    timeout_s: float = 90,
) -> Kafka:
    """Start one KRaft broker+controller on 127.0.0.1 and wait until it serves clients."""
    kafka = kafka_at(data_dir, port, controller_port)
    if kafka.pid is not None:
        return kafka
    libs = fetch_kafka()
    kafka.data_dir.mkdir(parents=True, exist_ok=True)
    (kafka.data_dir / "ports").write_text(f"{kafka.port} {kafka.controller_port}")
    properties = kafka.data_dir / "server.properties"
    properties.write_text(_kafka_properties(kafka))
    java = shutil.which("java") or "java"
    classpath = f"{libs}/*"
    log4j = f"-Dlog4j2.configurationFile={ROOT / 'deploy' / 'kafka' / 'log4j2.yaml'}"
    if not (kafka.data_dir / "logs" / "meta.properties").exists():
        cluster_id = uuid.uuid4().hex[:22]
        subprocess.run(
            [
                java,
                log4j,
                "-cp",
                classpath,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                cluster_id,
                "-c",
                str(properties),
            ],
            check=True,
            capture_output=True,
        )
    with kafka.log_file.open("ab") as log:
        process = subprocess.Popen(
            [
                java,
                "-Xms256m",
                "-Xmx1g",
                "-XX:+UseG1GC",
                "-Djava.awt.headless=true",
                log4j,
                "-cp",
                classpath,
                "kafka.Kafka",
                str(properties),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    kafka.pid_file.write_text(str(process.pid))
    wait_kafka(kafka, timeout_s=timeout_s)
    return kafka


def wait_kafka(kafka: Kafka, *, timeout_s: float = 90) -> None:
    """Until the broker answers a metadata request (or raise with its log's tail)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if kafka.pid is None:
            break
        if port_open(kafka.port) and _kafka_answers(kafka.bootstrap):
            return
        time.sleep(0.5)
    tail = kafka.log_file.read_text(errors="replace")[-4000:] if kafka.log_file.exists() else ""
    raise RuntimeError(f"Kafka did not become ready on {kafka.bootstrap}:\n{tail}")


def _kafka_answers(bootstrap: str) -> bool:
    """A real client round trip: list the topics."""
    import asyncio

    from aiokafka.admin import AIOKafkaAdminClient

    async def probe() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
        try:
            await asyncio.wait_for(admin.start(), 5)
            await asyncio.wait_for(admin.list_topics(), 5)
            return True
        except Exception:
            return False
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(admin.close(), 3)

    return asyncio.run(probe())


def stop_kafka(data_dir: Path | None = None, *, timeout_s: float = 30) -> None:
    """Stop the broker cleanly (SIGTERM), or kill it when it does not stop in time."""
    kafka = kafka_at(data_dir)
    pid = kafka.pid
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGCONT)  # a paused broker cannot handle SIGTERM
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and pid_alive(pid):
        time.sleep(0.2)
    if pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
    kafka.pid_file.unlink(missing_ok=True)
