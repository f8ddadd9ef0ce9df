"""`make bench`: Spearhead's figures, each beside a floor measured in the same run on the
same machine, written to bench/results/latest.json, bench/results/latest.md and the README.

Every service runs as its own process (deploy.processes.spawn) on a Postgres and a Kafka
broker this script starts. `BENCH_QUICK=1` (or --quick) shortens every run, for a look
rather than a record.

    python -m bench.run [--quick] [--only http,pipeline,close,csv]

With ``--only`` it runs just those and writes bench/results/partial.{json,md} (the record
and the README table are written by full runs only).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from bench.close import bench_close
from bench.csv_import import bench_csv
from bench.http import THREADS, bench_http, ensure_wrk
from bench.infra import Infra, infra, log
from bench.pipeline import bench_pipeline
from bench.report import Result, about, write

RATES = [200, 500]
BENCHES = ("http", "pipeline", "close", "csv")


async def measure(running: Infra, quick: bool, only: set[str]) -> list[Result]:
    results: list[Result] = []
    if "http" in only:
        log("HTTP: wrk against the floor app, goals and the gateway")
        results += await bench_http(running, seconds=5 if quick else 15, rounds=1 if quick else 3)
    if "pipeline" in only:
        log("pipeline")
        results += await bench_pipeline(
            running,
            seconds=10 if quick else 60,
            rates=RATES,
            step_seconds=10 if quick else 20,
            drain_cap_s=60 if quick else 180,
        )
    if "close" in only:
        log("quarter close")
        results.append(await bench_close(running, 2000 if quick else 10000))
    if "csv" in only:
        log("CSV import")
        results.append(await bench_csv(running, 20000 if quick else 100000))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benches")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    if only - set(BENCHES):
        parser.error(f"unknown benches: {sorted(only - set(BENCHES))}; known: {BENCHES}")
    complete = only == set(BENCHES)
    ensure_wrk()
    began = time.monotonic()
    with infra() as running:  # outside the event loop: the broker check runs its own
        results = asyncio.run(measure(running, args.quick, only))
    info = about(
        args.quick, took_s=round(time.monotonic() - began), wrk_threads=THREADS, rates=RATES
    )
    name = "latest" if complete else "partial"
    print(write(name, "Benchmarks", results, info, readme=complete))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
