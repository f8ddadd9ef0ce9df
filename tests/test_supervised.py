"""`make up` under supervisord: one service process killed, the others keep answering, and
the dead one is back, ready, within seconds; the log says what died and that it came back."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from deploy.localinfra import Kafka, free_port
from deploy.processes import ROOT, base_env
from tests.conftest import create_database
from tests.helpers import auth

pytestmark = pytest.mark.kafka

SERVICES = ("goals", "performance", "incentives", "collab")


def _free_block(size: int) -> int:
    """A base port whose next ``size`` ports are all free."""
    for _ in range(50):
        base = free_port()
        if base + size >= 65535:
            continue
        try:
            for port in range(base + 1, base + size + 1):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free block of ports")


@dataclass
class Up:
    process: subprocess.Popen[bytes]
    output: Path
    config: Path
    base: int
    gateway: str

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.base + 1 + SERVICES.index(name)}"

    def pid_of(self, name: str) -> int:
        answer = subprocess.run(
            [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(self.config), "pid", name],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(answer.stdout.strip())


@pytest.fixture(scope="module")
def up(kafka: Kafka, database_url: str, workdir: Path) -> Iterator[Up]:
    data = workdir / "make-up"
    data.mkdir()
    url = asyncio.run(create_database(database_url, f"up_{uuid.uuid4().hex[:8]}"))
    base, gateway_port = _free_block(4), free_port()
    env = base_env(
        SPEARHEAD_DATA_DIR=str(data),
        SPEARHEAD_KAFKA_BOOTSTRAP=kafka.bootstrap,
        SPEARHEAD_DATABASE_URL=url,
        SPEARHEAD_PORT_BASE=str(base),
        PORT=str(gateway_port),
    )
    output = data / "make-up.out"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.run_distributed"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Up(
        process,
        output,
        data / "supervisor" / "supervisord.conf",
        base,
        f"http://127.0.0.1:{gateway_port}",
    )
    try:
        deadline = time.monotonic() + 240
        while b"Ctrl-C stops" not in output.read_bytes():
            assert process.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.5)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(90)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def test_a_killed_service_is_restarted_while_the_others_keep_serving(up: Up) -> None:
    goals_pid = up.pid_of("goals")
    os.kill(goals_pid, signal.SIGKILL)
    killed_at = time.monotonic()
    async with httpx.AsyncClient(timeout=5) as client:
        # While goals is away, the others answer, directly and through the gateway.
        for name in ("performance", "incentives", "collab"):
            assert (await client.get(f"{up.url(name)}/healthz")).status_code == 200
        listed = await client.get(f"{up.gateway}/incentives/plans", headers=auth())
        assert listed.status_code == 200, listed.text

        back_after = None
        while time.monotonic() - killed_at < 90:
            try:
                if (await client.get(f"{up.url('goals')}/readyz")).status_code == 200:
                    back_after = time.monotonic() - killed_at
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.25)
        assert back_after is not None, up.output.read_text()[-3000:]
        assert up.pid_of("goals") != goals_pid
        created = await client.post(
            f"{up.gateway}/goals/org-units", headers=auth(), json={"name": "回来了", "kind": "team"}
        )
        assert created.status_code == 201, created.text
    log = up.output.read_text()
    assert "exited: goals (terminated by SIGKILL; not expected)" in log, log[-3000:]
    assert log.count("spawned: 'goals'") == 2, log[-3000:]
    print(f"goals ready again {back_after:.1f}s after SIGKILL")
