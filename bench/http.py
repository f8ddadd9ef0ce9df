"""HTTP figures, driven by wrk (Debian's compiled load generator): a trivial FastAPI app
(the framework floor), `GET /goals/kpi-definitions` on the goals service, and the same
through the gateway, all with the same wrk threads and connections, in interleaved rounds.

wrk runs with one thread (``-t1``): the machine has two cores, and one wrk thread leaves the
rest of the CPU to the servers under test."""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.infra import ADMIN, AUTH, WORK, Infra, fresh_topics, services
from bench.profile import Profile, profiled
from bench.report import Result, rounded
from deploy.localinfra import free_port
from deploy.processes import base_env, command, terminate, wait_ready

LUA = Path(__file__).with_name("wrk_report.lua")
THREADS = 1
CONNECTIONS = 16


def ensure_wrk() -> str:
    """wrk's path; installed from Debian's packages when missing (`make bench` does so too)."""
    found = shutil.which("wrk")
    if found is None:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env={**base_env(), "DEBIAN_FRONTEND": "noninteractive"},
            stdout=subprocess.DEVNULL,
        )
        found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed and could not be installed")
    return found


def wrk(url: str, seconds: float, *, token: str | None = None) -> dict[str, Any]:
    """One wrk run against ``url``: requests per second, latency percentiles (ms), errors."""
    args = [
        ensure_wrk(),
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    if token is not None:
        args += ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    line = next((x for x in output.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary: {output[-500:]}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(raw["errors"].values())
    seconds_run = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds_run, 2),
        "rps": round(raw["requests"] / seconds_run, 1),
        "errors": errors,
        "error_kinds": raw["errors"],
        "mean_ms": round(latency["mean"] / 1000, 2),
        "p50_ms": round(latency["p50"] / 1000, 2),
        "p90_ms": round(latency["p90"] / 1000, 2),
        "p99_ms": round(latency["p99"] / 1000, 2),
        "max_ms": round(latency["max"] / 1000, 2),
    }


@contextmanager
def floor_app() -> Iterator[int]:
    """bench.floor_app under the services' own uvicorn command line; yields its port."""
    port = free_port()
    args = command("bench", port)
    args[args.index("bench.main:create_app")] = "bench.floor_app:create_app"
    log = (WORK / "floor_app.log").open("ab")
    process = subprocess.Popen(
        args, env=base_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", timeout_s=60)
        yield port
    finally:
        terminate([process])
        log.close()


async def bench_http(infra: Infra, seconds: float, rounds: int) -> list[Result]:
    await fresh_topics(infra)
    url = await infra.database("b_http")
    with services(infra, url, ["goals", "gateway"]) as running, floor_app() as floor_port:
        goals, gateway = running["goals"][0], running["gateway"][0]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{goals}", timeout=30) as client:
            for i in range(20):
                body = {"code": f"kpi_{i}", "name": f"KPI {i}", "unit": "CNY"}
                (
                    await client.post("/goals/kpi-definitions", json=body, headers=AUTH)
                ).raise_for_status()
            listed = await client.get("/goals/kpi-definitions", headers=AUTH)
            listed.raise_for_status()
        targets = {
            "floor": (f"http://127.0.0.1:{floor_port}/floor", None),
            "direct": (f"http://127.0.0.1:{goals}/goals/kpi-definitions", ADMIN),
            "gateway": (f"http://127.0.0.1:{gateway}/goals/kpi-definitions", ADMIN),
        }
        for target, token in targets.values():  # warm every route and connection pool
            wrk(target, 1, token=token)
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        for _ in range(rounds):  # interleaved, so a neighbour's burst hits all three alike
            for name, (target, token) in targets.items():
                runs[name].append(wrk(target, seconds, token=token))
        rps = {name: statistics.median(r["rps"] for r in found) for name, found in runs.items()}
        profiles: dict[str, Profile] = {}
        if rps["direct"] / rps["floor"] < 0.5 or rps["gateway"] / rps["direct"] < 0.85:
            # A target missed: what the two processes spend their CPU on, through the gateway.
            pids = {name: running[name][1].pid for name in ("goals", "gateway")}
            async with profiled(pids, seconds) as profiles:
                await asyncio.to_thread(wrk, targets["gateway"][0], seconds, token=ADMIN)
    errors = {name: sum(r["errors"] for r in found) for name, found in runs.items()}
    shape = f"wrk -t{THREADS} -c{CONNECTIONS}, {rounds} x {seconds:g} s, median"
    common = {"wrk": shape, "rows": len(listed.json().get("items", listed.json()))}
    floor_ratio = rps["direct"] / rps["floor"]
    gateway_ratio = rps["gateway"] / rps["direct"]
    no_errors = not any(errors.values())
    return [
        Result(
            f"Framework floor: trivial FastAPI endpoint ({shape})",
            rounded(rps["floor"]),
            "req/s",
            rounded(rps["floor"]),
            "req/s",
            "itself",
            1.0,
            "(the floor)",
            errors["floor"] == 0,
            {**common, "runs": runs["floor"]},
        ),
        Result(
            f"GET /goals/kpi-definitions (20 rows) on the goals service ({shape})",
            rounded(rps["direct"]),
            "req/s",
            rounded(rps["floor"]),
            "req/s",
            "trivial FastAPI endpoint, same uvicorn",
            round(floor_ratio, 3),
            ">= 0.5 of the floor",
            floor_ratio >= 0.5 and no_errors,
            {**common, "runs": runs["direct"]},
            _profile_notes(profiles, "goals"),
        ),
        Result(
            f"The same through the gateway ({shape})",
            rounded(rps["gateway"]),
            "req/s",
            rounded(rps["direct"]),
            "req/s",
            "the goals service called directly",
            round(gateway_ratio, 3),
            ">= 0.85 of direct",
            gateway_ratio >= 0.85 and no_errors,
            {**common, "runs": runs["gateway"]},
            _profile_notes(profiles, "gateway") if gateway_ratio < 0.85 else [],
        ),
    ]


# What would close each gap, given where the profiles put the time.
LEVERS = {
    "goals": "the database path dominates (SQLAlchemy's ORM and asyncpg: a pool pre-ping, "
    "then the query, per request); closing it takes reads without the ORM and without the "
    "pre-ping round trip, or answers that need no database at all (a cache the service's "
    "own events keep fresh)",
    "gateway": "the proxy's own work per request (parsing, the token check, the pooled "
    "upstream call) is what remains",
}


def _profile_notes(profiles: dict[str, Profile], name: str) -> list[str]:
    if name not in profiles:
        return []
    return [
        f"profile of {name} under load (py-spy): {profiles[name].summary()}. "
        f"What would close it: {LEVERS[name]}"
    ]
