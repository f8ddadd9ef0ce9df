"""``make up``: every service as its own process on Kafka, against ``make infra-up``."""

from __future__ import annotations

import os
import signal
import sys
import time

from deploy.localinfra import DATA, kafka_at, port_open, start_postgres
from deploy.processes import SERVICE_PORTS, base_env, spawn, terminate, wait_ready


def main() -> int:
    stop_requested: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, _frame: stop_requested.append(number))
    kafka = kafka_at()
    if kafka.pid is None or not port_open(kafka.port):
        print("Kafka is not running: start it with `make infra-up` first.", file=sys.stderr)
        return 1
    database_url = os.environ.get("SPEARHEAD_DATABASE_URL") or start_postgres().url
    env = base_env(
        SPEARHEAD_DATABASE_URL=database_url,
        SPEARHEAD_BUS="kafka",
        SPEARHEAD_KAFKA_BOOTSTRAP=kafka.bootstrap,
        GATEWAY_MODE="http",
    )
    for name, port in SERVICE_PORTS.items():
        env[f"GATEWAY_{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
    logs = DATA / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    processes = [
        spawn(name, port, env, logs / f"{name}.log") for name, port in SERVICE_PORTS.items()
    ]
    gateway_port = int(os.environ.get("PORT", "8000"))
    processes.append(spawn("gateway", gateway_port, env, logs / "gateway.log"))
    try:
        for name, port in SERVICE_PORTS.items():
            wait_ready(f"http://127.0.0.1:{port}")
            print(f"{name:12s} http://127.0.0.1:{port}  (log {logs / (name + '.log')})")
        print(f"gateway      http://127.0.0.1:{gateway_port}/docs  (Ctrl-C stops)", flush=True)
        while not stop_requested:
            exited = [p for p in processes if p.poll() is not None]
            if exited:
                print(f"a process exited ({exited[0].args!r}); stopping the rest", file=sys.stderr)
                return 1
            time.sleep(0.5)
    finally:
        terminate(processes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
