"""``make up``: every service as its own process on Kafka, against ``make infra-up``, under
supervisord: a process that dies is restarted while the others keep serving.

    python -m deploy.run_distributed         # Ctrl-C stops everything
    python -m deploy.run_distributed status  # what runs, since when (supervisorctl status)

The broker is ``SPEARHEAD_KAFKA_BOOTSTRAP`` or the one ``make infra-up`` started; the
database ``SPEARHEAD_DATABASE_URL`` or ``make infra-up``'s Postgres. Services listen on
``SPEARHEAD_PORT_BASE`` + 1..4 (8101-8104), the gateway on ``PORT`` (8000).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

from deploy import supervise
from deploy.localinfra import DATA, kafka_at, start_postgres
from deploy.processes import SERVICE_PORTS, base_env, wait_ready
from shared.kafka import broker_answers

CONFIG_DIR = DATA / "supervisor"


def main() -> int:
    if sys.argv[1:2] == ["status"]:
        return supervise.control(CONFIG_DIR / "supervisord.conf", "status")
    stop_requested: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, _frame: stop_requested.append(number))
    bootstrap = os.environ.get("SPEARHEAD_KAFKA_BOOTSTRAP") or kafka_at().bootstrap
    if not asyncio.run(broker_answers(bootstrap, timeout_s=3)):
        print(
            f"Kafka does not answer on {bootstrap}: start it with `make infra-up` first.",
            file=sys.stderr,
        )
        return 1
    database_url = os.environ.get("SPEARHEAD_DATABASE_URL") or start_postgres().url
    env = base_env(
        SPEARHEAD_DATABASE_URL=database_url,
        SPEARHEAD_BUS="kafka",
        SPEARHEAD_KAFKA_BOOTSTRAP=bootstrap,
        GATEWAY_MODE="http",
    )
    for name, port in SERVICE_PORTS.items():
        env[f"GATEWAY_{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
    logs = DATA / "logs"
    gateway_port = int(os.environ.get("PORT", "8000"))
    config = supervise.write_config(CONFIG_DIR, {**SERVICE_PORTS, "gateway": gateway_port}, logs)
    supervisor = supervise.start(config, env)
    try:
        for name, port in {**SERVICE_PORTS, "gateway": gateway_port}.items():
            wait_ready(f"http://127.0.0.1:{port}", timeout_s=180)
            print(f"{name:12s} http://127.0.0.1:{port}  (log {logs / (name + '.log')})", flush=True)
        print(
            f"gateway      http://127.0.0.1:{gateway_port}/docs  (Ctrl-C stops; a process "
            "that dies is restarted, as the lines above and below say)",
            flush=True,
        )
        while not stop_requested and supervisor.poll() is None:
            time.sleep(0.5)
        if supervisor.poll() is not None:
            print(f"supervisord exited ({supervisor.returncode})", file=sys.stderr)
            return 1
    finally:
        if supervisor.poll() is None:
            supervisor.terminate()  # supervisord stops every program, then itself
            try:
                supervisor.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(supervisor.pid, signal.SIGKILL)
                supervisor.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
