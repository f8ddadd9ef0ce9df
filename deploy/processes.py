"""Starting Spearhead's processes: one uvicorn per service, plus the gateway."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shared.polling import until_sync

ROOT = Path(__file__).resolve().parent.parent
# The services listen on SPEARHEAD_PORT_BASE + 1..4 (8101-8104 by default).
PORT_BASE = int(os.environ.get("SPEARHEAD_PORT_BASE", "8100"))
SERVICE_PORTS = {
    name: PORT_BASE + n
    for n, name in enumerate(("goals", "performance", "incentives", "collab"), 1)
}


def base_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "services")])
    env.update(overrides)
    return env


def command(app: str, port: int) -> list[str]:
    """The command line that serves ``<app>.main:create_app`` under uvicorn on 127.0.0.1:port."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        f"{app}.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        # The C event loop and HTTP parser (both pinned in requirements.txt).
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--timeout-graceful-shutdown",
        "10",
    ]


def spawn(
    app: str, port: int, env: dict[str, str], log_file: Path | None = None
) -> subprocess.Popen[bytes]:
    """Run ``<app>.main:create_app`` under uvicorn on 127.0.0.1:port."""
    output = log_file.open("ab") if log_file is not None else None
    return subprocess.Popen(
        command(app, port),
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
        start_new_session=True,
    )


def wait_ready(url: str, timeout_s: float = 90) -> None:
    """Until ``url``/readyz answers 200."""
    last = "no answer"

    def ready() -> bool:
        nonlocal last
        try:
            response = httpx.get(f"{url}/readyz", timeout=3)
        except httpx.HTTPError as exc:
            last = repr(exc)
            return False
        last = response.text
        return response.status_code == 200

    until_sync(
        ready,
        timeout_s=timeout_s,
        every_s=0.5,
        what=f"{url}/readyz",
        error=lambda message: RuntimeError(f"{message}; it said: {last}"),
    )


def terminate(processes: list[subprocess.Popen[bytes]], timeout_s: float = 20) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + timeout_s
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
