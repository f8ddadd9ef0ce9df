"""On the real Kafka broker, goals, performance and incentives each with their own relay and
consumers: actuals move a member's live projection; closing the review cycle produces the
payout run with the amounts computed here by hand; approving publishes ``PayoutApproved``
once; every event delivered a second time changes no amount."""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import text

from deploy.localinfra import Kafka
from goals.main import create_app as create_goals
from goals.settings import Settings as GoalsSettings
from incentives.main import create_app as create_incentives
from incentives.settings import Settings as IncentivesSettings
from performance.main import create_app as create_performance
from performance.settings import Settings as PerformanceSettings
from shared.db import Database
from shared.events import Envelope
from shared.inprocess import InProcessBus
from shared.kafka import KafkaPublisher
from shared.metrics import EVENTS_APPLIED
from shared.outbox import OutgoingMessage
from shared.settings import BusKind
from tests.builders import actual as record_actual
from tests.builders import kpi, kpi_target, org, plan_body
from tests.conftest import create_database
from tests.helpers import auth, eventually, post_ok

pytestmark = pytest.mark.kafka
D = Decimal
ADMIN = auth("admin-k", ["admin"])
FINANCE = auth("fin-k", ["finance"])
_post = functools.partial(post_ok, headers=ADMIN)
T = TypeVar("T")
CONSUMED = (
    "goals.member.changed",
    "goals.kpi.updated",
    "performance.review.closed",
    "performance.score.computed",
)


@pytest.fixture(scope="module")
async def services(kafka: Kafka, database_url: str) -> AsyncIterator[dict[str, Any]]:
    url = await create_database(database_url, f"pay_{uuid.uuid4().hex[:8]}")
    common: dict[str, Any] = {
        "database_url": url,
        "bus": BusKind.kafka,
        "kafka_bootstrap": kafka.bootstrap,
        "outbox_poll_interval_s": 0.2,
    }
    apps = {
        "goals": create_goals(GoalsSettings(**common), bus=InProcessBus()),
        "performance": create_performance(PerformanceSettings(**common), bus=InProcessBus()),
        "incentives": create_incentives(IncentivesSettings(**common), bus=InProcessBus()),
    }
    async with (
        apps["goals"].router.lifespan_context(apps["goals"]),
        apps["performance"].router.lifespan_context(apps["performance"]),
        apps["incentives"].router.lifespan_context(apps["incentives"]),
    ):
        clients = {
            name: httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=f"http://{name}", timeout=60
            )
            for name, app in apps.items()
        }
        try:
            yield {**clients, "url": url}
        finally:
            for client in clients.values():
                await client.aclose()


async def _rows(url: str, schema: str, where: str) -> list[Any]:
    db = Database(url, schema=schema)
    try:
        async with db.sessions() as session:
            result = await session.execute(
                text(f"SELECT * FROM {schema}.outbox WHERE {where} ORDER BY id")
            )
            return list(result.all())
    finally:
        await db.dispose()


async def _on_topic(kafka: Kafka, topic: str, event_type: str) -> int:
    """How many messages of ``event_type`` the broker holds on ``topic``."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka.bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    try:
        found = 0
        batches = await consumer.getmany(timeout_ms=3000)
        while batches:
            for messages in batches.values():
                found += sum(
                    1 for m in messages if Envelope.model_validate_json(m.value).type == event_type
                )
            batches = await consumer.getmany(timeout_ms=1000)
        return found
    finally:
        await consumer.stop()


async def step_1_a_rep_with_a_quarter_target(goals: httpx.AsyncClient) -> tuple[str, str]:
    """A team of one rep (a fresh id), revenue, and the rep's Q1 target of 300,000; returns
    the rep's id and the team's."""
    member = f"rep-{uuid.uuid4().hex[:6]}"
    units = await (
        org(goals, headers=ADMIN)
        .unit("team", "Team")
        .member(member, name="Rep", unit="team", hired_on="2025-01-01")
    )
    await kpi(goals, "revenue", name="Revenue", unit="CNY", headers=ADMIN)
    await kpi_target(
        goals,
        owner=member,
        kpi="revenue",
        period="2026-Q1",
        target="300000",
        title="Q1 revenue",
        description="Q1 revenue plan",
        headers=ADMIN,
    )
    return member, units["team"]


async def step_2_finance_plans_once_incentives_knows_the_kpi(
    incentives: httpx.AsyncClient, team: str
) -> None:
    plan = plan_body(
        "Reps Q1",
        period="2026-Q1",
        population={"unit_id": team},
        base_pay="10000",
        performance_pay="3000",
        target_bonus="8000",
        bonus_kpis=[{"kpi": "revenue", "weight": "1"}],
    )

    async def plan_created() -> bool:
        """A plan pays only on a KPI incentives knows goals defined (KPIDefinitionChanged
        comes by Kafka in its own time: a 422 naming the KPI until then)."""
        response = await incentives.post("/incentives/plans", json=plan, headers=FINANCE)
        assert response.status_code in (201, 422), response.text
        return response.status_code == 201

    await eventually(plan_created)


def projected(
    incentives: httpx.AsyncClient, member: str, total: str
) -> Callable[[], Awaitable[dict[str, Any] | None]]:
    """A check for ``eventually``: the member's projection once its total is ``total``."""

    async def check() -> dict[str, Any] | None:
        response = await incentives.get(f"/incentives/members/{member}/projection", headers=FINANCE)
        body = response.json()["items"] if response.status_code == 200 else []
        if body and D(body[0]["total"]["amount"]) == D(total):
            return dict(body[0])
        return None

    return check


async def step_3_actuals_move_the_projection(
    goals: httpx.AsyncClient, incentives: httpx.AsyncClient, member: str
) -> None:
    async def actual(day: str, value: str) -> None:
        await record_actual(
            goals,
            owner=member,
            kpi="revenue",
            day=day,
            value=value,
            key=f"{member}-{day}",
            headers=ADMIN,
        )

    # 240,000 of 300,000 = 80%: half the 8,000 target bonus. 10000 + 3000 (at target until
    # a review closes) + 4000 = 17000.
    await actual("2026-01-15", "240000")
    first = await eventually(projected(incentives, member, "17000.00"))
    assert first["lines"][2]["tier"] == "80% to 100% (linear 50% to 100%)"
    # 330,000 = 110%: 125% of 8,000 = 10,000; the projection follows at once.
    await actual("2026-02-15", "90000")
    second = await eventually(projected(incentives, member, "23000.00"))
    assert D(second["lines"][2]["inputs"]["attainment"]) == D("1.1")


async def step_4_the_closed_review_makes_the_payout_run(
    performance: httpx.AsyncClient, incentives: httpx.AsyncClient, member: str, team: str
) -> dict[str, Any]:
    # The quarterly review (rating A by calibration) closes, and the run appears.
    async def known_to_performance() -> bool:
        response = await performance.get(
            f"/performance/members/{member}/promotion-readiness", headers=ADMIN
        )
        return response.status_code == 200

    await eventually(known_to_performance)
    cycle = (
        await _post(
            performance,
            "/performance/review-cycles",
            {
                "name": "Q1",
                "kind": "quarterly",
                "period": "2026-Q1",
                "population": {"unit_ids": [team]},
            },
        )
    )["id"]
    for state in ("self_assessment", "manager_assessment", "calibration"):
        await _post(
            performance, f"/performance/review-cycles/{cycle}/advance", {"to": state}, status=200
        )
    [review] = (
        await performance.get(f"/performance/review-cycles/{cycle}/reviews", headers=ADMIN)
    ).json()["items"]
    await _post(
        performance,
        f"/performance/reviews/{review['id']}/calibrations",
        {"rating": "A", "reason": "Calibrated"},
        status=200,
    )
    await _post(
        performance,
        f"/performance/review-cycles/{cycle}/advance",
        {"to": "closed", "acknowledge_distribution": {"reason": "A team of a few reps"}},
        status=200,
    )

    async def run_with_review() -> dict[str, Any] | None:
        runs = (await incentives.get("/incentives/payout-runs", headers=FINANCE)).json()["items"]
        totals = {
            m["member_id"]: D(m["total"]["amount"]) for run in runs for m in run["member_totals"]
        }
        return dict(runs[0]) if totals.get(member) == D("23600.00") else None

    # By hand: 10000 + 3000 x 1.2 (A) + 8000 x 125% = 23600.
    run = await eventually(run_with_review)
    lines = (
        await incentives.get(f"/incentives/payout-runs/{run['id']}/lines", headers=FINANCE)
    ).json()["items"]
    assert [(line["rule"], D(line["amount"]["amount"])) for line in lines] == [
        ("base_pay", D("10000.00")),
        ("performance_pay", D("3600.00")),
        ("kpi_bonus", D("10000.00")),
    ]
    return dict(run)


async def step_5_the_approval_is_published_once(
    services: dict[str, Any], kafka: Kafka, run: dict[str, Any]
) -> Any:
    """Returns the outbox row of PayoutApproved."""
    incentives: httpx.AsyncClient = services["incentives"]
    etag = (await incentives.get(f"/incentives/payout-runs/{run['id']}", headers=FINANCE)).headers[
        "ETag"
    ]
    approved = await incentives.post(
        f"/incentives/payout-runs/{run['id']}/approve", headers={**FINANCE, "If-Match": etag}
    )
    assert approved.status_code == 200, approved.text

    async def relayed() -> list[Any] | None:
        rows = await _rows(
            services["url"], "incentives", "event_type = 'incentives.payout.approved'"
        )
        return rows if rows and all(r.sent_at is not None for r in rows) else None

    [approval] = await eventually(relayed)
    assert await _on_topic(kafka, approval.topic, "incentives.payout.approved") == 1
    return approval


async def step_6_every_event_delivered_again_changes_nothing(
    services: dict[str, Any], kafka: Kafka, member: str, run: dict[str, Any], approval: Any
) -> None:
    incentives: httpx.AsyncClient = services["incentives"]
    # Deliver every event incentives consumes a second time, exactly as it was sent.
    again: list[Any] = []
    for schema in ("goals", "performance"):
        again += await _rows(
            services["url"],
            schema,
            "event_type IN (" + ", ".join(f"'{t}'" for t in CONSUMED) + ")",
        )
    assert len(again) >= 5
    duplicates = EVENTS_APPLIED.labels(consumer="incentives", outcome="duplicate")
    before = duplicates._value.get()
    publisher = KafkaPublisher(kafka.bootstrap, client_id="redeliver-incentives")
    try:
        await publisher.send_batch(
            [
                OutgoingMessage(
                    row.topic,
                    row.message_key,
                    Envelope.model_validate(row.envelope).model_dump_json().encode(),
                    str(row.event_id),
                )
                for row in again
            ]
        )
    finally:
        await publisher.close()

    async def all_redelivered() -> bool:
        return bool(duplicates._value.get() - before >= len(again))

    await eventually(all_redelivered)
    after = (await incentives.get(f"/incentives/payout-runs/{run['id']}", headers=FINANCE)).json()
    assert (after["state"], after["member_totals"]) == ("approved", run["member_totals"])
    adjustments = await incentives.get("/incentives/adjustments", headers=FINANCE)
    assert adjustments.json() == {"items": [], "next_cursor": None}
    runs = (await incentives.get("/incentives/payout-runs", headers=FINANCE)).json()["items"]
    assert [r["id"] for r in runs] == [run["id"]]
    [projection] = (
        await incentives.get(f"/incentives/members/{member}/projection", headers=FINANCE)
    ).json()["items"]
    assert projection["total"] == {
        "amount": "23600.00",
        "currency": "CNY",
    }  # the closed review's A, x1.2
    assert await _on_topic(kafka, approval.topic, "incentives.payout.approved") == 1


async def test_actuals_to_projection_review_to_payout_once(
    services: dict[str, Any], kafka: Kafka
) -> None:
    goals: httpx.AsyncClient = services["goals"]
    performance: httpx.AsyncClient = services["performance"]
    incentives: httpx.AsyncClient = services["incentives"]
    member, team = await step_1_a_rep_with_a_quarter_target(goals)
    await step_2_finance_plans_once_incentives_knows_the_kpi(incentives, team)
    await step_3_actuals_move_the_projection(goals, incentives, member)
    run = await step_4_the_closed_review_makes_the_payout_run(performance, incentives, member, team)
    approval = await step_5_the_approval_is_published_once(services, kafka, run)
    await step_6_every_event_delivered_again_changes_nothing(services, kafka, member, run, approval)
