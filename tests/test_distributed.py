"""The `make up` shape: every service its own process on the real Kafka broker. An event
written by goals is applied by performance, through the gateway."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.localinfra import Kafka, free_port
from deploy.processes import base_env, spawn, terminate, wait_ready
from gateway.settings import SERVICES
from tests.helpers import auth

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def cluster(kafka: Kafka, database_url: str, workdir: Path) -> Iterator[str]:
    ports = {name: free_port() for name in SERVICES}
    gateway_port = free_port()
    env = base_env(
        SPEARHEAD_BUS="kafka",
        SPEARHEAD_KAFKA_BOOTSTRAP=kafka.bootstrap,
        SPEARHEAD_DATABASE_URL=database_url,
        GATEWAY_MODE="http",
    )
    for name, port in ports.items():
        env[f"GATEWAY_{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, port in ports.items():
            processes.append(spawn(name, port, env, workdir / f"{name}.log"))
        processes.append(spawn("gateway", gateway_port, env, workdir / "gateway.log"))
        for port in [*ports.values(), gateway_port]:
            wait_ready(f"http://127.0.0.1:{port}", timeout_s=120)
        yield f"http://127.0.0.1:{gateway_port}"
    finally:
        terminate(processes)


async def test_an_event_written_by_goals_is_applied_by_performance(cluster: str) -> None:
    async with httpx.AsyncClient(base_url=cluster, timeout=10) as client:
        ready = (await client.get("/readyz")).json()
        assert {check["status"] for check in ready["checks"].values()} == {"up"}
        assert ready["checks"]["performance"]["checks"]["bus"] == "kafka"
        created = await client.post(
            "/goals/org-units", headers=auth(), json={"name": "销售组 Sales", "kind": "team"}
        )
        assert created.status_code == 201, created.text
        unit_id = created.json()["id"]
        copy = None
        for _ in range(300):
            response = await client.get(f"/performance/org-units/{unit_id}", headers=auth())
            if response.status_code == 200:
                copy = response.json()
                break
            assert response.status_code == 404
            await asyncio.sleep(0.1)
        assert copy is not None, "performance never applied OrgUnitChanged"
        assert copy["name"] == "销售组 Sales"
        assert copy["source_version"] == 1
        consumers = (await client.get("/readyz")).json()["checks"]["performance"]["checks"][
            "consumers"
        ]
        assert consumers[0]["consumer"] == "performance"
        assert consumers[0]["processed"] >= 1
