"""Performance's part of the invariant checker: a clean state has no drift; a value corrupted
by SQL is reported by its key with what is stored and what its inputs make it; and the
copies of goals' data agree with goals' own API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository, verify
from performance.schemas import (
    CalibrationCreate,
    CycleCreate,
    CycleState,
    DistributionAcknowledgementCreate,
    FeedbackCreate,
    TemplateCreate,
)
from performance.service import cycles, feedback, nominations, reviews
from shared.auth import Principal, Role
from shared.verify import Drift, check_copies
from tests.helpers import auth, post_ok
from tests.performance.support import (
    CURVE,
    HR,
    MIN_PEER_ANSWERS,
    TODAY,
    Performance,
    create_template,
    fresh_performance,
    kpi_updated,
    member_changed,
    ticket_breached,
    ticket_resolved,
)
from tests.system import settled

MONTH = "2026-03"


@dataclass
class CleanState:
    performance: Performance
    score: Decimal  # v-1's score in March
    review_id: str  # a closed, calibrated review
    calibrated: str


async def _clean_state(performance: Performance) -> CleanState:
    # A steep curve on the collaboration share: a score computed from 1/3 unrounded rather
    # than from the 0.333333 that is stored would differ in the first decimal.
    await create_template(performance, _template())
    # v-lead manages both; v-peer, of another unit, rates v-1 as a nominated peer.
    await performance.handle(member_changed("v-lead", "u-v-leads", layer="management"))
    await performance.handle(member_changed("v-peer", "u-v-peers"))
    for member_id in ("v-1", "v-2"):
        await performance.handle(member_changed(member_id, "u-v", manager_id="v-lead"))
        await performance.handle(kpi_updated(member_id, MONTH, "revenue", "0.912345"))
        await performance.handle(kpi_updated(member_id, "2026-02", "revenue", "1.2"))
    for n, within in enumerate((True, True, False)):
        await performance.handle(ticket_resolved(f"v-t{n}", "v-1", MONTH, within=within))
    await performance.handle(ticket_breached("v-t1", "v-1", MONTH))  # 1 of 3 in the SLA
    await performance.handle(kpi_updated("v-unknown", MONTH, "revenue", "1"))  # no member yet

    async def review(session: AsyncSession) -> tuple[str, str]:
        body = CycleCreate.model_validate(
            {"name": "Q1", "kind": "quarterly", "period": "2026-Q1", "population": {}}
        )
        cycle = await cycles.create_cycle(
            session, principal=HR, body=body, default_min_peer_answers=MIN_PEER_ANSWERS
        )
        await cycles.advance(
            session, principal=HR, cycle_id=cycle.id, to=CycleState.self_assessment
        )
        first = (await repository.reviews_of(session, cycle_id=cycle.id))[0]
        assert first.member_id == "v-1"
        await nominations.nominate(
            session, principal=HR, review_id=first.id, member_id="v-peer", today=TODAY
        )
        peer = Principal(member_id="v-peer", roles=frozenset({Role.member}))
        lead = Principal(member_id="v-lead", roles=frozenset({Role.manager}), org_units=("u-v",))
        for principal, source, stars in ((peer, "peer", "4.5"), (lead, "manager", "3")):
            if source == "manager":
                await cycles.advance(
                    session, principal=HR, cycle_id=cycle.id, to=CycleState.manager_assessment
                )
            await feedback.add_feedback(
                session,
                principal=principal,
                review_id=first.id,
                body=FeedbackCreate.model_validate(
                    {"source": source, "ability": stars, "attitude": stars}
                ),
                today=TODAY,
            )
        await cycles.advance(session, principal=HR, cycle_id=cycle.id, to=CycleState.calibration)
        for rating in ("S", "C"):
            await reviews.calibrate(
                session,
                principal=HR,
                review_id=first.id,
                body=CalibrationCreate(rating=rating, reason="against the distribution"),
            )
        await cycles.advance(
            session,
            principal=HR,
            cycle_id=cycle.id,
            to=CycleState.closed,
            acknowledgement=DistributionAcknowledgementCreate(reason="A four-member test cycle"),
        )
        return first.id, "C"

    review_id, calibrated = await performance.run(review)

    async def score(session: AsyncSession) -> Decimal:
        found = await repository.get_score(session, member_id="v-1", month=MONTH)
        assert found is not None
        return found.score

    return CleanState(performance, await performance.run(score), review_id, calibrated)


def _template() -> TemplateCreate:
    return TemplateCreate.model_validate(
        {
            "key": "verify",
            "name": "Verify",
            "population": {"unit_ids": ["u-v"]},
            "indicators": [
                {
                    "code": "revenue",
                    "name": "Revenue",
                    "category": "result",
                    "source": "kpi:revenue",
                    "weight": "0.5",
                    "curve": CURVE,
                },
                {
                    "code": "collaboration",
                    "name": "Answered in SLA",
                    "category": "team",
                    "source": "collab:sla",
                    "weight": "0.5",
                    "curve": {
                        "points": [
                            {"attainment": "0", "score": "0"},
                            {"attainment": "0.5", "score": "1000"},
                        ],
                        "cap": "1000",
                    },
                },
            ],
        }
    )


@pytest.fixture(scope="module")
async def clean(database_url: str) -> AsyncIterator[CleanState]:
    performance = await fresh_performance(database_url)
    yield await _clean_state(performance)
    await performance.db.dispose()


async def _drift(performance: Performance) -> list[Drift]:
    return await performance.run(verify.drift)


async def _corrupted(
    performance: Performance, corrupt: str, restore: str, params: dict[str, object]
) -> list[Drift]:
    """The drift found while ``corrupt`` (an UPDATE) is in force; ``restore`` undoes it."""

    def execute(statement: str) -> Callable[[AsyncSession], Awaitable[None]]:
        async def run(session: AsyncSession) -> None:
            await session.execute(text(statement), params)

        return run

    await performance.run(execute(corrupt))
    try:
        return await _drift(performance)
    finally:
        await performance.run(execute(restore))


async def test_a_clean_state_has_no_drift(clean: CleanState) -> None:
    assert await _drift(clean.performance) == []


async def test_a_corrupted_live_score_is_reported_by_its_key(clean: CleanState) -> None:
    found = await _corrupted(
        clean.performance,
        "UPDATE performance.live_scores SET score = 12.3456 "
        "WHERE member_id = 'v-1' AND month = :month",
        "UPDATE performance.live_scores SET score = :score "
        "WHERE member_id = 'v-1' AND month = :month",
        {"month": MONTH, "score": clean.score},
    )
    # One for the score against its inputs, and one because the last ScoreComputed of the
    # score (which incentives and BI hold) says otherwise.
    assert [(d.kind, d.key, d.stored, d.expected) for d in found] == [
        ("live-score", f"v-1/{MONTH}", "12.3456", str(clean.score)),
        ("live-score-published", f"v-1/{MONTH} score", "12.3456", str(clean.score)),
    ]
    assert await _drift(clean.performance) == []


async def test_a_corrupted_request_count_is_reported_by_its_key(clean: CleanState) -> None:
    found = await _corrupted(
        clean.performance,
        "UPDATE performance.indicator_inputs SET requests = 4 "
        "WHERE member_id = 'v-1' AND month = :month AND source = 'collab:sla'",
        "UPDATE performance.indicator_inputs SET requests = 3 "
        "WHERE member_id = 'v-1' AND month = :month AND source = 'collab:sla'",
        {"month": MONTH},
    )
    assert [(d.kind, d.key, d.stored, d.expected) for d in found] == [
        ("collab-share", f"v-1/{MONTH} requests", "4", "3")
    ]


async def test_a_corrupted_calibrated_rating_is_reported_by_its_review(clean: CleanState) -> None:
    found = await _corrupted(
        clean.performance,
        "UPDATE performance.reviews SET calibrated_rating = 'A' WHERE id = :review",
        "UPDATE performance.reviews SET calibrated_rating = :rating WHERE id = :review",
        {"review": clean.review_id, "rating": clean.calibrated},
    )
    assert [(d.kind, d.key, d.stored, d.expected) for d in found] == [
        ("review-calibration", clean.review_id, "A", clean.calibrated)
    ]


async def test_a_score_made_with_a_template_that_no_longer_fits_is_reported(
    clean: CleanState,
) -> None:
    found = await _corrupted(
        clean.performance,
        "UPDATE performance.members SET layer = 'support' WHERE id = 'v-2'",
        "UPDATE performance.members SET layer = 'execution' WHERE id = 'v-2'",
        {},
    )
    # The template's population names the unit only: it still fits, nothing drifts...
    assert found == []
    found = await _corrupted(
        clean.performance,
        "UPDATE performance.members SET unit_path = '[\"elsewhere\"]' WHERE id = 'v-2'",
        "UPDATE performance.members SET unit_path = '[\"u-v\"]' WHERE id = 'v-2'",
        {},
    )
    # ...but out of the unit no template fits the scores kept for the member's two months.
    assert sorted((d.kind, d.key) for d in found) == [
        ("live-score-template", "v-2/2026-02"),
        ("live-score-template", f"v-2/{MONTH}"),
    ]


async def test_the_copies_of_goals_data_agree_with_goals(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _set_today = system
    admin = auth("verify-admin", ["admin"])
    company = await post_ok(
        client, "/goals/org-units", {"name": "Co", "kind": "company"}, headers=admin
    )
    team = await post_ok(
        client,
        "/goals/org-units",
        {"name": "Team", "kind": "team", "parent_id": company["id"]},
        headers=admin,
    )
    await post_ok(
        client,
        "/goals/positions",
        {
            "id": "copy-pos",
            "unit_id": team["id"],
            "title": "分析师 Analyst",
            "function": "analytics",
            "layer": "execution",
            "core": True,
            "job_description": {"summary": "Analyses the funnel"},
            "required_competencies": [{"competency": "data_analysis", "level": 3}],
        },
        headers=admin,
    )
    await post_ok(
        client,
        "/goals/members",
        {
            "id": "copy-m",
            "name": "王芳",
            "home_unit_id": team["id"],
            "layer": "execution",
            "hired_on": "2025-05-01",
            "position_id": "copy-pos",
        },
        headers=admin,
    )
    await post_ok(
        client,
        "/goals/kpi-definitions",
        {"code": "deals", "name": "Deals", "unit": "x"},
        headers=admin,
    )
    await post_ok(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "deals",
            "description": "The deals plan",
            "owner_type": "member",
            "owner_id": "copy-m",
            "period": MONTH,
            "kpi": "deals",
            "target_value": "8",
        },
        headers=admin,
    )
    await post_ok(
        client,
        "/goals/actuals",
        {
            "owner_id": "copy-m",
            "kpi": "deals",
            "date": f"{MONTH}-05",
            "value": "3",
            "idempotency_key": "copy-m-deals",
        },
        headers=admin,
    )
    await settled(client)
    gateway = client._transport.app  # type: ignore[attr-defined]
    database = gateway.state.service_apps["performance"].state.database
    async with database.sessions() as session:
        copies = await verify.copies(session)
    kinds = {(c.kind, c.key) for c in copies}
    assert {
        ("member", "copy-m"),
        ("org-unit", team["id"]),
        ("org-unit", company["id"]),
        ("position", "copy-pos"),
    } <= kinds
    member = next(c for c in copies if (c.kind, c.key) == ("member", "copy-m"))
    assert member.values["position_id"] == "copy-pos"
    assert ("kpi-attainment", f"copy-m/{MONTH}/deals") in kinds
    assert await check_copies(client, copies, headers=admin) == []


async def test_a_peer_rating_without_its_answered_nomination_is_reported(
    clean: CleanState,
) -> None:
    found = await _corrupted(
        clean.performance,
        "UPDATE performance.nominations SET state = 'approved' WHERE review_id = :review",
        "UPDATE performance.nominations SET state = 'answered' WHERE review_id = :review",
        {"review": clean.review_id},
    )
    peers = [d for d in found if d.kind == "peer-answer"]
    assert len(peers) == 1 and peers[0].key.startswith(clean.review_id), found
    assert (peers[0].stored, peers[0].expected) == ("rated", "not nominated")
