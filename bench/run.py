"""`make bench`: Spearhead's figures, each beside a floor measured in the same run on the
same machine, written to bench/results/latest.json, bench/results/latest.md and the README.

Every service runs as its own process on a Postgres and a Kafka broker this script starts.
`BENCH_QUICK=1` (or --quick) shortens every run, for a look rather than a record.

    python -m bench.run [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from deploy.localinfra import (
    Kafka,
    Postgres,
    free_port,
    start_kafka,
    start_postgres,
    stop_kafka,
    stop_postgres,
)
from deploy.processes import base_env, spawn, terminate, wait_ready
from goals.events import KPIUpdated, MemberChanged
from goals.events import catalog as goals_catalog
from shared.auth import mint_token
from shared.events import Envelope
from shared.kafka import KafkaPublisher
from shared.outbox import OutgoingMessage
from shared.settings import ServiceSettings

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
RESULTS = ROOT / "bench" / "results"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

ADMIN = mint_token(ServiceSettings(), member_id="bench", roles=["admin"], ttl=timedelta(hours=4))
AUTH = {"Authorization": f"Bearer {ADMIN}"}


@dataclass
class Result:
    name: str
    figure: float
    unit: str
    floor: float
    floor_name: str
    ratio: float
    target: str
    met: bool
    details: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- plumbing


@dataclass
class Infra:
    postgres: Postgres
    kafka: Kafka

    async def database(self, name: str) -> str:
        connection = await asyncpg.connect(self.dsn("spearhead"))
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return self.postgres.url.rsplit("/", 1)[0] + f"/{name}"

    def dsn(self, database: str) -> str:
        url = self.postgres.url.replace("postgresql+asyncpg://", "postgresql://", 1)
        return url.rsplit("/", 1)[0] + f"/{database}"


@contextmanager
def infra() -> Iterator[Infra]:
    """A fresh Postgres and broker under bench/.work (what an earlier run left is stopped)."""
    stop_kafka(WORK / "kafka")
    stop_postgres(WORK / "postgres", mode="immediate")
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    try:
        postgres = start_postgres(WORK / "postgres", free_port(), fast=True)
        kafka = start_kafka(WORK / "kafka", free_port(), free_port())
        yield Infra(postgres, kafka)
    finally:
        stop_kafka(WORK / "kafka")
        stop_postgres(WORK / "postgres", mode="immediate")


@contextmanager
def services(
    infra: Infra, database_url: str, names: list[str], **extra: str
) -> Iterator[dict[str, tuple[int, subprocess.Popen[bytes]]]]:
    """The services as processes on the benchmark's database and broker; name -> port."""
    ports = {name: free_port() for name in names}
    env = base_env(
        SPEARHEAD_BUS="kafka",
        SPEARHEAD_KAFKA_BOOTSTRAP=infra.kafka.bootstrap,
        SPEARHEAD_DATABASE_URL=database_url,
        SPEARHEAD_LOG_LEVEL="WARNING",
        GATEWAY_MODE="http",
        # The limiter runs (its cost is part of what is measured) but never refuses the load.
        GATEWAY_RATE_LIMIT_PER_PRINCIPAL="100000000/minute",
        GATEWAY_RATE_LIMIT_PER_ADDRESS="100000000/minute",
        **{f"GATEWAY_{n.upper()}_URL": f"http://127.0.0.1:{p}" for n, p in ports.items()},
        **extra,
    )
    running: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}
    try:
        for name, port in ports.items():
            running[name] = (port, spawn(name, port, env, WORK / f"{name}.log"))
        for name, (port, _process) in running.items():
            if name == "gateway":
                _wait_up(f"http://127.0.0.1:{port}/healthz")
            else:
                wait_ready(f"http://127.0.0.1:{port}", timeout_s=180)
        yield running
    finally:
        terminate([process for _port, process in running.values()])


def _wait_up(url: str, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=3).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


async def _until(check: Callable[[], Awaitable[bool]], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _scalar(dsn: str, query: str, *args: Any) -> Any:
    connection = await asyncpg.connect(dsn)
    try:
        return await connection.fetchval(query, *args)
    finally:
        await connection.close()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _send(publisher: KafkaPublisher, envelopes: list[tuple[str, Envelope]]) -> None:
    await publisher.send_batch(
        [OutgoingMessage(e.topic, key, e.model_dump_json().encode(), e.id) for key, e in envelopes]
    )


def _member_changed(member_id: str, unit: str = "bench-unit") -> Envelope:
    return goals_catalog.envelope(
        MemberChanged(
            member_id=member_id,
            name=member_id,
            home_unit_id=unit,
            unit_path=[unit],
            layer="execution",
            tier="backbone",
            manager_id=None,
            hired_on=date(2025, 1, 1),
            left_on=None,
            leave_reason=None,
            version=1,
        )
    )


# ----------------------------------------------------------------------------- 1. gateway


async def bench_gateway(infra: Infra, seconds: float) -> Result:
    url = await infra.database("b_gateway")
    with services(infra, url, ["goals", "gateway"]) as running:
        goals, gateway = running["goals"][0], running["gateway"][0]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{goals}", timeout=30) as client:
            for i in range(20):
                body = {"code": f"kpi_{i}", "name": f"KPI {i}", "unit": "CNY"}
                await client.post("/goals/kpi-definitions", json=body, headers=AUTH)

        def load(port: int) -> dict[str, float]:
            output = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.load",
                    f"http://127.0.0.1:{port}/goals/kpi-definitions",
                    ADMIN,
                    "--seconds",
                    str(seconds),
                    "--concurrency",
                    "16",
                ],
                env=base_env(),
                capture_output=True,
                check=True,
            )
            result: dict[str, float] = json.loads(output.stdout)
            return result

        direct = await asyncio.to_thread(load, goals)
        through = await asyncio.to_thread(load, gateway)
    ratio = through["rps"] / direct["rps"]
    return Result(
        "Gateway throughput (GET /goals/kpi-definitions, 16 clients)",
        round(through["rps"], 1),
        "req/s",
        round(direct["rps"], 1),
        "the goals service called directly",
        round(ratio, 3),
        ">= 0.70 of direct",
        ratio >= 0.70,
        {"gateway": through, "direct": direct},
    )


# ----------------------------------------------------------------------------- 2. pipeline


async def _raw_round_trip(kafka: Kafka, rate: int, seconds: float) -> list[float]:
    """aiokafka produce -> consume on the same broker at the same rate (ms)."""
    topic = f"bench.raw.{uuid.uuid4().hex[:6]}"
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, linger_ms=0)
    await producer.start()
    await producer.send_and_wait(topic, b"0", key=b"warm")
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="latest", group_id=None
    )
    await consumer.start()
    latencies: list[float] = []
    try:
        await consumer.seek_to_end()
        await asyncio.sleep(1)

        async def receive() -> None:
            async for message in consumer:
                latencies.append((time.time() - float(message.value)) * 1000)

        async def send(i: int) -> None:
            await producer.send(topic, str(time.time()).encode(), key=str(i % 200).encode())

        receiver = asyncio.create_task(receive())
        await _paced(rate, seconds, send)
        await producer.flush()
        await asyncio.sleep(3)
        receiver.cancel()
    finally:
        await consumer.stop()
        await producer.stop()
    return latencies


async def _paced(rate: int, seconds: float, send: Callable[[int], Awaitable[None]]) -> None:
    """Call ``send`` ``rate`` times a second for ``seconds``, in 10 ms ticks."""
    per_tick = max(1, rate // 100)
    ticks = int(seconds * 100)
    began = time.perf_counter()
    sent = 0
    pending: set[asyncio.Future[None]] = set()
    for tick in range(ticks):
        for _ in range(per_tick):
            task = asyncio.ensure_future(send(sent))
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 1
        delay = began + (tick + 1) / 100 - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    await asyncio.gather(*pending)


async def bench_pipeline(infra: Infra, seconds: float, rates: list[int]) -> list[Result]:
    url = await infra.database("b_pipeline")
    dsn = infra.dsn("b_pipeline")
    members = [f"p-{i:03d}" for i in range(200)]
    results = []
    with services(infra, url, ["performance", "incentives"]) as running:
        publisher = KafkaPublisher(infra.kafka.bootstrap, client_id="bench-pipeline")
        await _send(publisher, [(m, _member_changed(m)) for m in members])
        await _until(
            lambda: _counts(dsn, ["performance.members", "incentives.members"], len(members)),
            120,
            "the members to arrive",
        )
        async with httpx.AsyncClient(timeout=60) as client:
            template = {
                "key": "bench",
                "name": "Revenue",
                "indicators": [
                    {
                        "code": "revenue",
                        "name": "Revenue",
                        "category": "result",
                        "source": "kpi:revenue",
                        "weight": "1",
                    }
                ],
            }
            port = running["performance"][0]
            response = await client.post(
                f"http://127.0.0.1:{port}/performance/scorecard-templates",
                json=template,
                headers=AUTH,
            )
            response.raise_for_status()
            plan = {
                "name": "March",
                "period": "2026-03",
                "base_pay": {"amount": "1000", "currency": "CNY"},
                "target_bonus": {"amount": "1000", "currency": "CNY"},
                "bonus_kpis": [{"kpi": "revenue", "weight": "1"}],
            }
            port = running["incentives"][0]
            response = await client.post(
                f"http://127.0.0.1:{port}/incentives/plans", json=plan, headers=AUTH
            )
            response.raise_for_status()
        await _until(lambda: _queue_empty(dsn), 120, "the first projections")
        results_by_rate: dict[int, dict[str, list[float]]] = {}
        for rate in rates:
            raw = await _raw_round_trip(infra.kafka, rate, seconds)
            measured = await _pipeline_run(infra, dsn, publisher, members, rate, seconds)
            results_by_rate[rate] = {"raw": raw, **measured}
        await publisher.close()
    for rate, found in results_by_rate.items():
        raw_p95 = percentile(found["raw"], 0.95)
        projection_p95 = percentile(found["projection"], 0.95)
        ratio = projection_p95 / raw_p95
        details = {
            name: {
                "samples": len(values),
                "p50_ms": round(percentile(values, 0.50), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "p99_ms": round(percentile(values, 0.99), 1),
            }
            for name, values in found.items()
        }
        results.append(
            Result(
                f"KPIUpdated -> live score -> payout projection at {rate}/s, p95",
                round(projection_p95, 1),
                "ms",
                round(raw_p95, 1),
                "raw aiokafka produce -> consume, same rate",
                round(ratio, 2),
                "<= 5x raw" if rate == 500 else "(no target)",
                ratio <= 5 if rate == 500 else True,
                details,
            )
        )
    return results


async def _counts(dsn: str, tables: list[str], wanted: int) -> bool:
    for table in tables:
        if (await _scalar(dsn, f"SELECT count(*) FROM {table}")) < wanted:
            return False
    return True


async def _pipeline_run(
    infra: Infra,
    dsn: str,
    publisher: KafkaPublisher,
    members: list[str],
    rate: int,
    seconds: float,
) -> dict[str, list[float]]:
    month = "2026-03"
    connection = await asyncpg.connect(dsn)
    sent: dict[str, float] = {}
    scored: dict[str, float] = {}
    projected: dict[str, float] = {}
    consumer = AIOKafkaConsumer(
        "performance.score",
        bootstrap_servers=infra.kafka.bootstrap,
        auto_offset_reset="latest",
        group_id=None,
    )
    await consumer.start()
    await consumer.seek_to_end()
    await asyncio.sleep(1)

    async def scores() -> None:
        async for message in consumer:
            envelope = Envelope.model_validate_json(message.value)
            at = envelope.time.timestamp()
            for indicator in envelope.data["indicators"]:
                for event_id in indicator.get("events", []):
                    if event_id in sent and event_id not in scored:
                        scored[event_id] = (at - sent[event_id]) * 1000

    async def projections() -> None:
        while True:
            rows = await connection.fetch(
                "SELECT lines, updated_at FROM incentives.projections WHERE period = $1", month
            )
            for row in rows:
                lines = json.loads(row["lines"]) if isinstance(row["lines"], str) else row["lines"]
                for line in lines:
                    for event_id in line.get("inputs", {}).get("events", []):
                        if event_id in sent and event_id not in projected:
                            at = row["updated_at"].timestamp()
                            projected[event_id] = (at - sent[event_id]) * 1000
            await asyncio.sleep(0.02)

    tasks = [asyncio.create_task(scores()), asyncio.create_task(projections())]
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka.bootstrap, linger_ms=0)
    await producer.start()

    async def send(i: int) -> None:
        member = members[i % len(members)]
        envelope = goals_catalog.envelope(
            KPIUpdated(
                owner_type="member",
                owner_id=member,
                member_id=member,
                kpi_id="bench-revenue",
                kpi="revenue",
                direction="higher_is_better",
                period=month,
                actual=1000 + i,
                target=1000,
                attainment=(1000 + i) / 1000,
                measurements=i,
            )
        )
        sent[envelope.id] = time.time()
        await producer.send(
            envelope.topic, envelope.model_dump_json().encode(), key=member.encode()
        )

    try:
        await _paced(rate, seconds, send)
        await producer.flush()
        await asyncio.sleep(5)
    finally:
        await producer.stop()
        for task in tasks:
            task.cancel()
        await consumer.stop()
        await connection.close()
    return {"score": list(scored.values()), "projection": list(projected.values())}


# ----------------------------------------------------------------------------- 3. close


async def bench_close(infra: Infra, members_count: int) -> Result:
    url = await infra.database("b_close")
    dsn = infra.dsn("b_close")
    members = [f"c-{i:05d}" for i in range(members_count)]
    with services(infra, url, ["performance", "incentives"]) as running:
        performance = f"http://127.0.0.1:{running['performance'][0]}"
        incentives = f"http://127.0.0.1:{running['incentives'][0]}"
        publisher = KafkaPublisher(infra.kafka.bootstrap, client_id="bench-close")
        for start in range(0, len(members), 1000):
            chunk = members[start : start + 1000]
            await _send(publisher, [(m, _member_changed(m)) for m in chunk])
        await publisher.close()
        await _until(
            lambda: _counts(dsn, ["performance.members", "incentives.members"], members_count),
            600,
            "the members to arrive",
        )
        async with httpx.AsyncClient(timeout=600) as client:
            plan = {
                "name": "Everyone Q1",
                "period": "2026-Q1",
                "base_pay": {"amount": "30000", "currency": "CNY"},
                "performance_pay": {"amount": "9000", "currency": "CNY"},
                "target_bonus": {"amount": "20000", "currency": "CNY"},
                "bonus_kpis": [{"kpi": "revenue", "weight": "1"}],
            }
            response = await client.post(f"{incentives}/incentives/plans", json=plan, headers=AUTH)
            response.raise_for_status()
            await _until(
                lambda: _queue_empty(dsn), 600, "incentives to project the new plan for everyone"
            )
            cycle = await client.post(
                f"{performance}/performance/review-cycles",
                json={"name": "Q1", "kind": "quarterly", "period": "2026-Q1"},
                headers=AUTH,
            )
            cycle.raise_for_status()
            advance = f"{performance}/performance/review-cycles/{cycle.json()['id']}/advance"
            for state in ("self_assessment", "manager_assessment", "calibration"):
                (await client.post(advance, json={"to": state}, headers=AUTH)).raise_for_status()
            began = time.perf_counter()
            closed = await client.post(advance, json={"to": "closed"}, headers=AUTH)
            closed.raise_for_status()
            close_request_s = time.perf_counter() - began
            await _until(lambda: _paid_with_reviews(dsn, members_count), 900, "the payout run")
            wall_s = time.perf_counter() - began
        peak = {name: round(peak_rss_mb(p.pid), 1) for name, (_port, p) in running.items()}
    floor_s = await _close_in_sql(infra.dsn("b_close"))
    return Result(
        f"Close a quarterly cycle of {members_count:,} and produce their payout run",
        round(wall_s, 2),
        "s",
        round(floor_s, 3),
        "the same set-based work in SQL",
        round(wall_s / floor_s, 1),
        "< 10 s",
        wall_s < 10,
        {"close_request_s": round(close_request_s, 2), "peak_rss_mb": peak},
    )


async def _queue_empty(dsn: str) -> bool:
    return bool((await _scalar(dsn, "SELECT count(*) FROM incentives.recalculations")) == 0)


async def _paid_with_reviews(dsn: str, wanted: int) -> bool:
    found = await _scalar(
        dsn,
        "SELECT count(DISTINCT l.member_id) FROM incentives.payout_lines l "
        "JOIN incentives.payout_runs r ON r.id = l.run_id "
        "WHERE r.period = '2026-Q1' AND l.rule = 'performance_pay' "
        "AND l.inputs->>'rating' IS NOT NULL",
    )
    return bool(found >= wanted) and await _queue_empty(dsn)


async def _close_in_sql(dsn: str) -> float:
    """Freeze every review's final score and rating and write a base, performance-pay and
    bonus line for each member, one statement each."""
    connection = await asyncpg.connect(dsn)
    try:
        began = time.perf_counter()
        async with connection.transaction():
            await connection.execute(
                "CREATE TEMP TABLE closed AS SELECT r.member_id, "
                "coalesce(avg(s.score), 0) AS results FROM performance.reviews r "
                "LEFT JOIN performance.live_scores s ON s.member_id = r.member_id "
                "AND s.month IN ('2026-01', '2026-02', '2026-03') GROUP BY r.member_id"
            )
            await connection.execute(
                "CREATE TEMP TABLE lines AS "
                "SELECT member_id, 'base_pay' AS rule, 30000::numeric AS amount FROM closed "
                "UNION ALL SELECT member_id, 'performance_pay', 9000 * CASE WHEN results >= 80 "
                "THEN 1.2 WHEN results >= 70 THEN 1 ELSE 0 END FROM closed "
                "UNION ALL SELECT member_id, 'kpi_bonus', 0 FROM closed"
            )
        return time.perf_counter() - began
    finally:
        await connection.close()


# ----------------------------------------------------------------------------- 4. CSV


async def bench_csv(infra: Infra, rows: int) -> Result:
    url = await infra.database("b_csv")
    with services(infra, url, ["goals"]) as running:
        goals = f"http://127.0.0.1:{running['goals'][0]}"
        async with httpx.AsyncClient(base_url=goals, timeout=900) as client:
            await client.post(
                "/goals/kpi-definitions",
                json={"code": "revenue", "name": "Revenue", "unit": "CNY"},
                headers=AUTH,
            )
            unit = (
                await client.post(
                    "/goals/org-units", json={"name": "Bench", "kind": "team"}, headers=AUTH
                )
            ).json()["id"]
            owners = [f"m-{i:03d}" for i in range(100)]
            for owner in owners:
                await client.post(
                    "/goals/members",
                    json={
                        "id": owner,
                        "name": owner,
                        "home_unit_id": unit,
                        "layer": "execution",
                        "hired_on": "2025-01-01",
                    },
                    headers=AUTH,
                )
            lines = ["owner_id,kpi,date,value,source,idempotency_key"]
            first = date(2026, 1, 1)
            for i in range(rows):
                day = first + timedelta(days=(i // len(owners)) % 365)
                lines.append(f"{owners[i % len(owners)]},revenue,{day},{100 + i % 900},crm,k-{i}")
            body = ("\n".join(lines) + "\n").encode()
            began = time.perf_counter()
            response = await client.post(
                "/goals/actuals/csv", content=body, headers={**AUTH, "content-type": "text/csv"}
            )
            import_s = time.perf_counter() - began
            report = response.json()
            if response.status_code != 200 or report.get("accepted") != rows:
                raise RuntimeError(f"the import did not take every row: {response.text[:300]}")
    connection = await asyncpg.connect(infra.dsn("b_csv"))
    try:
        await connection.execute(
            "CREATE TABLE copy_floor (owner_id text, kpi text, date date, value numeric, "
            "source text, idempotency_key text)"
        )
        began = time.perf_counter()
        await connection.copy_to_table(
            "copy_floor", source=io.BytesIO(body), format="csv", header=True
        )
        copy_s = time.perf_counter() - began
    finally:
        await connection.close()
    ratio = import_s / copy_s
    return Result(
        f"Import {rows:,} actuals by CSV (POST /goals/actuals/csv)",
        round(import_s, 2),
        "s",
        round(copy_s, 2),
        "Postgres COPY of the same rows",
        round(ratio, 1),
        "<= 3x COPY",
        ratio <= 3,
        {"figures_changed": report.get("figures_changed")},
    )


# ----------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def markdown(results: list[Result], about: dict[str, Any]) -> str:
    head = (
        f"Measured {about['run_at']} on {about['machine']['cpus']} x {about['machine']['cpu']}, "
        f"{about['machine']['memory_gib']} GiB, Python {about['machine']['python']}"
        f"{' (quick run)' if about['quick'] else ''}. Each floor is measured in the same run.\n\n"
    )
    rows = [
        "| Benchmark | Figure | Floor | Ratio | Target | Met |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.name} | {r.figure} {r.unit} | {r.floor} {r.unit} ({r.floor_name}) "
            f"| {r.ratio} | {r.target} | {'yes' if r.met else '**no**'} |"
        )
    return head + "\n".join(rows) + "\n"


def write(results: list[Result], quick: bool) -> None:
    about = {
        "run_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "machine": machine(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps({**about, "results": [asdict(r) for r in results]}, indent=2) + "\n"
    )
    table = markdown(results, about)
    (RESULTS / "latest.md").write_text("# Benchmarks\n\n" + table)
    readme = README.read_text()
    if START in readme and END in readme:
        before, rest = readme.split(START, 1)
        _old, after = rest.split(END, 1)
        README.write_text(f"{before}{START}\n{table}{END}{after}")
    print(table)


async def measure(running: Infra, quick: bool) -> list[Result]:
    seconds = 8.0 if quick else 20.0
    pipeline_s = 10.0 if quick else 60.0
    members = 2000 if quick else 10000
    csv_rows = 20000 if quick else 100000
    results: list[Result] = [await bench_gateway(running, seconds)]
    results += await bench_pipeline(running, pipeline_s, [200, 500])
    results.append(await bench_close(running, members))
    results.append(await bench_csv(running, csv_rows))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    args = parser.parse_args(argv)
    with infra() as running:  # outside the event loop: the broker check runs its own
        results = asyncio.run(measure(running, args.quick))
    write(results, args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
