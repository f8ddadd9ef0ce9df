"""`make soak`: KPIUpdated at 200 a second through the pipeline for 10 minutes
(SOAK_SECONDS, SOAK_RATE to change), with every service running as its own process; each
service's memory (RSS) at the start and the end, and the backlog at the end. Writes
bench/results/soak.json and soak.md. Bounded in time; never part of `make test`.

    SOAK_SECONDS=30 python -m bench.soak
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from typing import Any

from bench.infra import Infra, Running, fresh_topics, infra, log, rss_mb, services
from bench.pipeline import prepare, run_at
from bench.raw import raw_round_trip
from bench.report import Result, about, ratio_of, rounded, write

NAMES = ["goals", "performance", "incentives", "collab", "gateway"]
RSS_GROWTH = 1.5  # the target: no service ends above this multiple of its start


async def _rss_every(running: Running, seconds: float, into: list[dict[str, float]]) -> None:
    began = time.monotonic()
    while True:
        into.append(
            {
                "t": round(time.monotonic() - began),
                **{name: rss_mb(p.pid) for name, (_port, p) in running.items()},
            }
        )
        await asyncio.sleep(seconds)


async def soak(running_infra: Infra, rate: int, seconds: float) -> list[Result]:
    await fresh_topics(running_infra)
    url = await running_infra.database("b_soak")
    dsn = running_infra.dsn("b_soak")
    with services(running_infra, url, NAMES) as running:
        await prepare(running_infra, dsn, running)
        raw = await raw_round_trip(running_infra.kafka, rate, min(30.0, seconds))
        raw.pop("latencies")
        log(f"soak: {rate}/s for {seconds:g} s")
        rss: list[dict[str, float]] = []
        sampler = asyncio.create_task(_rss_every(running, max(1.0, seconds / 60), rss))
        try:
            run = await run_at(running_infra, dsn, rate, seconds, drain_cap_s=120)
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
        end = {name: rss_mb(p.pid) for name, (_port, p) in running.items()}
    start = rss[0]
    backlog = run["backlog"]
    series: dict[str, Any] = {"rss_series": rss}
    results = [
        Result(
            f"Soak: pipeline throughput at {rate}/s for {seconds:g} s",
            run["achieved_per_s"],
            "events/s",
            run["offered_per_s"],
            "events/s",
            "offered",
            rounded(ratio_of(run["achieved_per_s"], run["offered_per_s"]), 3),
            ">= 0.95 of offered",
            run["achieved_per_s"] >= 0.95 * run["offered_per_s"],
            {k: v for k, v in run.items() if k != "backlog_series"},
        ),
        Result(
            "Soak: backlog at the end of sending",
            backlog.get("at_end_of_sending", float("nan")),
            "events",
            backlog.get("at_third", float("nan")),
            "events",
            "backlog at a third of the soak",
            rounded(
                ratio_of(backlog.get("at_end_of_sending", 0), max(1, backlog.get("at_third", 0))),
                2,
            ),
            "bounded",
            bool(backlog.get("bounded")),
            {"backlog": backlog, "backlog_series": run["backlog_series"]},
            [
                f"max {backlog.get('max')}, final {backlog.get('final')}, drained "
                f"{backlog.get('drained_after_s')} s after sending stopped"
            ],
        ),
        Result(
            f"Soak: projection latency p95 at {rate}/s",
            run["projection"]["p95_ms"],
            "ms",
            raw["p95_ms"],
            "ms",
            "raw aiokafka produce -> consume, same rate",
            rounded(ratio_of(run["projection"]["p95_ms"], raw["p95_ms"]), 2),
            "(no target)",
            True,
            {"score": run["score"], "projection": run["projection"], "raw": raw},
            [
                f"score p50/p95/p99 {run['score']['p50_ms']}/{run['score']['p95_ms']}/"
                f"{run['score']['p99_ms']} ms, projection p50/p95/p99 "
                f"{run['projection']['p50_ms']}/{run['projection']['p95_ms']}/"
                f"{run['projection']['p99_ms']} ms"
            ],
        ),
    ]
    for name in NAMES:
        growth = ratio_of(end[name], start[name])
        results.append(
            Result(
                f"Soak: RSS of {name} at the end",
                end[name],
                "MiB",
                start[name],
                "MiB",
                "its RSS at the start",
                rounded(growth, 2),
                f"<= {RSS_GROWTH}x the start",
                growth <= RSS_GROWTH,
                series if name == NAMES[0] else {},
            )
        )
    return results


def main() -> int:
    seconds = float(os.environ.get("SOAK_SECONDS", "600"))
    rate = int(os.environ.get("SOAK_RATE", "200"))
    began = time.monotonic()
    with infra() as running:
        results = asyncio.run(soak(running, rate, seconds))
    info = about(False, took_s=round(time.monotonic() - began), soak_seconds=seconds, rate=rate)
    print(write("soak", "Soak", results, info, readme=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
