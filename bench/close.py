"""Quarter close: close a quarterly review cycle of N members and wait for their payout run,
beside the same set-based work done in SQL; the services' peak memory during it."""

from __future__ import annotations

import time

import asyncpg
import httpx

from bench.infra import (
    AUTH,
    Infra,
    fresh_topics,
    members_and_revenue,
    peak_rss_mb,
    queue_empty,
    scalar,
    services,
)
from bench.profile import profiled
from bench.report import Result, ratio_of, rounded
from shared.polling import until

# What would close a missed target, given where the profile puts the time.
LEVER = (
    "the payout run computes each member's lines in Python (incentives' calculator: tiers, "
    "rounding and the explanation of every line) and writes them through SQLAlchemy; closing "
    "it takes the tier arithmetic set-based in SQL, with the explanations assembled from the "
    "same tier rows, so Python only formats what SQL computed"
)
# How long the close is profiled from its start (it is sampled, whatever its outcome).
PROFILED_S = 10
TARGET_RATIO = 150


async def bench_close(infra: Infra, members_count: int) -> Result:
    await fresh_topics(infra)
    url = await infra.database("b_close")
    dsn = infra.dsn("b_close")
    members = [f"c-{i:05d}" for i in range(members_count)]
    with services(infra, url, ["performance", "incentives"]) as running:
        performance = f"http://127.0.0.1:{running['performance'][0]}"
        incentives = f"http://127.0.0.1:{running['incentives'][0]}"
        await members_and_revenue(infra, dsn, members, client_id="bench-close", timeout_s=600)
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
            await until(
                lambda: queue_empty(dsn),
                timeout_s=600,
                every_s=0.1,
                what="incentives to project the new plan for everyone",
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
            pids = {name: process.pid for name, (_port, process) in running.items()}
            async with profiled(pids, PROFILED_S) as profiles:
                began = time.perf_counter()
                closed = await client.post(
                    advance,
                    json={"to": "closed", "acknowledge_distribution": {"reason": "Bench data"}},
                    headers=AUTH,
                )
                closed.raise_for_status()
                close_request_s = time.perf_counter() - began
                await until(
                    lambda: _paid_with_reviews(dsn, members_count),
                    timeout_s=900,
                    every_s=0.1,
                    what="the payout run",
                )
                wall_s = time.perf_counter() - began
        peak = {name: peak_rss_mb(p.pid) for name, (_port, p) in running.items()}
    floor_s = await _close_in_sql(dsn)
    ratio = ratio_of(wall_s, floor_s)
    memory = ", ".join(f"{name} {mb} MiB" for name, mb in peak.items())
    return Result(
        f"Close a quarterly cycle of {members_count:,} and produce their payout run",
        round(wall_s, 2),
        "s",
        round(floor_s, 3),
        "s",
        "the same set-based work in SQL",
        rounded(ratio, 1),
        f"<= {TARGET_RATIO}x the SQL floor",
        ratio <= TARGET_RATIO,
        {"close_request_s": round(close_request_s, 2), "peak_rss_mb": peak},
        [
            f"the close request itself took {close_request_s:.2f} s; peak RSS (VmHWM) of each "
            f"service process by the end of the close: {memory}",
            *(
                f"profile of {name} in the first {PROFILED_S} s of the close (py-spy): "
                f"{profile.summary()}"
                for name, profile in profiles.items()
                if ratio > TARGET_RATIO
            ),
            *([f"What would close it: {LEVER}"] if ratio > TARGET_RATIO else []),
        ],
    )


async def _paid_with_reviews(dsn: str, wanted: int) -> bool:
    found = await scalar(
        dsn,
        "SELECT count(DISTINCT l.member_id) FROM incentives.payout_lines l "
        "JOIN incentives.payout_runs r ON r.id = l.run_id "
        "WHERE r.period = '2026-Q1' AND l.rule = 'performance_pay' "
        "AND l.inputs->>'rating' IS NOT NULL",
    )
    return bool(found >= wanted) and await queue_empty(dsn)


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
