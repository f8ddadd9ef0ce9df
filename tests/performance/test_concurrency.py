"""Derived state under concurrent writers, on the real Postgres (issue 11).

Many transactions at once, as two replicas consuming different partitions and HTTP requests
would run them: a member's KPI figures and collab tickets for the same month, a new template
while events arrive, a member's change while events arrive, feedback while the cycle moves
to calibration, calibrations of one review, copies arriving out of order, one member
answering a survey twice. Afterwards every stored value is what its stored inputs make it,
and the last ``ScoreComputed`` of each score carries it."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository, verify
from performance.models import CalibrationAdjustment, MemberCopy, OrgUnitCopy, PulseAnswer
from performance.schemas import (
    CalibrationCreate,
    CycleCreate,
    CycleState,
    FeedbackCreate,
    PulseAnswerCreate,
    PulseSurveyCreate,
)
from performance.service import cycles, feedback, health, nominations, reviews
from performance.service.review_scoring import aspect_of
from performance.service.scorecards import points_for, q4, score_sheet
from performance.settings import Settings
from shared.auth import Principal, Role
from shared.errors import Conflict
from tests.performance.support import (
    CURVE,
    HR,
    KPIS,
    MIN_PEER_ANSWERS,
    T0,
    TODAY,
    Performance,
    create_template,
    fresh_performance,
    kpi_updated,
    member_changed,
    org_unit_changed,
    stored,
    template_body,
    ticket_breached,
    ticket_resolved,
)

MONTHS = ("2026-01", "2026-02", "2026-03")
# Of seven tickets five are answered in time, and two of those breach: 3 of 7 in the SLA.
WITHIN = (True, True, False, True, False, True, True)
BREACHED = (0, 1)


@pytest.fixture(scope="module")
async def performance(database_url: str) -> AsyncIterator[Performance]:
    fresh = await fresh_performance(database_url)
    yield fresh
    await fresh.db.dispose()


async def _no_drift(performance: Performance, *, of: Iterable[str]) -> None:
    """The invariant checker finds nothing wrong with the keys starting with ``of`` (member
    ids, review ids): the tests of this module share one schema."""
    prefixes = tuple(of)
    found = await performance.run(verify.drift)
    assert [d for d in found if d.key.startswith(prefixes)] == []


def _attainments(member_id: str, month: str, kpi: str) -> list[tuple[int, str]]:
    """(minutes after T0, attainment) of three figures of one KPI; the latest stands."""
    seed = sum(map(ord, f"{member_id}{month}{kpi}"))
    return [
        (minute, f"{(seed * (minute + 7)) % 1500 / 1000 + 0.123457:.6f}") for minute in (1, 2, 3)
    ]


async def test_kpi_figures_and_tickets_of_one_member_and_month_at_once(
    performance: Performance,
) -> None:
    await create_template(performance, template_body("mixed", unit_id="u-mixed"))
    members = ("mixed-1", "mixed-2", "mixed-3")
    for member_id in members:
        await performance.handle(member_changed(member_id, "u-mixed"))
    messages = []
    for member_id in members:
        for month in MONTHS:
            for kpi in KPIS:
                messages += [
                    kpi_updated(member_id, month, kpi, value, at=T0 + timedelta(minutes=minute))
                    for minute, value in _attainments(member_id, month, kpi)
                ]
            for index, within in enumerate(WITHIN):
                ticket = f"{member_id}-{month}-t{index}"
                messages.append(ticket_resolved(ticket, member_id, month, within=within))
                if index in BREACHED:
                    messages.append(ticket_breached(ticket, member_id, month))
    random.Random(11).shuffle(messages)
    await asyncio.gather(*(performance.handle(m) for m in messages))

    share = Decimal("0.428571")  # 3 / 7, as numeric(12, 6) keeps it
    weights = {"revenue": "0.4", "leads": "0.2", "retention": "0.15"}
    wrong: list[tuple[str, str, str, object, object]] = []  # key, what, stored, expected
    for member_id in members:
        for month in MONTHS:
            kept = await stored(performance, member_id, month)
            final = {kpi: Decimal(_attainments(member_id, month, kpi)[-1][1]) for kpi in KPIS}
            inputs = {s: i.value for s, i in kept.inputs.items()}
            collab = kept.inputs.get("collab:sla")
            expected = sum(
                (
                    q4(Decimal(weights[kpi]) * points_for(CURVE, value))
                    for kpi, value in final.items()
                ),
                q4(Decimal("0.25") * points_for(CURVE, share)),
            )
            assert kept.score is not None and kept.template is not None
            assert kept.last_published is not None
            checks = {
                "inputs": (
                    inputs,
                    {**{f"kpi:{k}": v for k, v in final.items()}, "collab:sla": share},
                ),
                "requests": (
                    None if collab is None else (collab.answered_in_sla, collab.requests),
                    (3, 7),
                ),
                "score": (kept.score.score, expected),
                "score from its stored inputs": (
                    kept.score.score,
                    score_sheet(kept.template, kept.inputs).score,
                ),
                "last published": (
                    (Decimal(kept.last_published["score"]), kept.last_published["revision"]),
                    (kept.score.score, kept.score.revision),
                ),
            }
            wrong += [
                (member_id, month, what, was, want)
                for what, (was, want) in checks.items()
                if was != want
            ]
    assert wrong == [], Counter(what for _m, _month, what, _was, _want in wrong)
    await _no_drift(performance, of=members)


async def test_a_new_template_while_figures_and_members_arrive(performance: Performance) -> None:
    await create_template(performance, template_body("tpl-base", unit_id="u-tpl"))
    known = [f"tpl-{i}" for i in range(1, 5)]
    arriving = [f"tpl-{i}" for i in range(5, 11)]
    for member_id in known:
        await performance.handle(member_changed(member_id, "u-tpl"))
    for member_id in known + arriving:  # the newcomers' figures come before they do
        await performance.handle(kpi_updated(member_id, "2026-03", "revenue", "0.9"))
    racing = [
        create_template(
            performance, template_body("tpl-exec", unit_id="u-tpl", layers=["execution"])
        ),
        *(performance.handle(member_changed(m, "u-tpl")) for m in arriving),
        *(performance.handle(kpi_updated(m, "2026-04", "leads", "1.1")) for m in known),
        *(
            performance.handle(kpi_updated(m, "2026-03", "leads", "0.8", at=T0 + timedelta(1)))
            for m in known
        ),
    ]
    await asyncio.gather(*racing)

    async def templates(session: AsyncSession) -> list[str]:
        return [t.key for t in await repository.current_templates(session)]

    assert "tpl-exec" in await performance.run(templates)
    for member_id in known + arriving:
        months = ["2026-03", "2026-04"] if member_id in known else ["2026-03"]
        for month in months:
            kept = await stored(performance, member_id, month)
            assert kept.score is not None and kept.template is not None, (member_id, month)
            assert kept.template.key == "tpl-exec", (member_id, month)
            assert kept.score.score == score_sheet(kept.template, kept.inputs).score
    await _no_drift(performance, of=known + arriving)


async def test_a_member_change_while_figures_arrive(performance: Performance) -> None:
    await create_template(
        performance, template_body("mc-exec", unit_id="u-mc", layers=["execution"])
    )
    await create_template(
        performance, template_body("mc-mgmt", unit_id="u-mc", layers=["management"])
    )
    members = [f"mc-{i}" for i in range(1, 7)]
    for member_id in members:
        await performance.handle(member_changed(member_id, "u-mc"))
        await performance.handle(kpi_updated(member_id, "2026-01", "revenue", "1.0"))
    racing = []
    for member_id in members:
        racing.append(
            performance.handle(member_changed(member_id, "u-mc", layer="management", version=2))
        )
        racing += [
            performance.handle(kpi_updated(member_id, month, kpi, "0.95"))
            for month in ("2026-02", "2026-03")
            for kpi in KPIS
        ]
    random.Random(7).shuffle(racing)
    await asyncio.gather(*racing)
    for member_id in members:
        for month in MONTHS:
            kept = await stored(performance, member_id, month)
            assert kept.template is not None and kept.template.key == "mc-mgmt", (member_id, month)
    await _no_drift(performance, of=members)


async def _review_setup(performance: Performance, unit_id: str, members: list[str]) -> str:
    for member_id in members:
        await performance.handle(member_changed(member_id, unit_id))

    async def create(session: AsyncSession) -> str:
        body = CycleCreate.model_validate(
            {
                "name": f"Q1 of {unit_id}",
                "kind": "quarterly",
                "period": "2026-Q1",
                "population": {"unit_ids": [unit_id]},
            }
        )
        cycle = await cycles.create_cycle(
            session, principal=HR, body=body, default_min_peer_answers=MIN_PEER_ANSWERS
        )
        return cycle.id

    cycle_id = await performance.run(create)
    for state in (CycleState.self_assessment, CycleState.manager_assessment):
        await _advance(performance, cycle_id, state)
    return cycle_id


async def _advance(performance: Performance, cycle_id: str, to: CycleState) -> None:
    async def move(session: AsyncSession) -> None:
        await cycles.advance(session, principal=HR, cycle_id=cycle_id, to=to)

    await performance.run(move)


async def _feedback_racing_calibration(performance: Performance, unit_id: str) -> list[str]:
    """Peer ratings of a cycle's reviews while the cycle moves to calibration; returns the
    ids of the reviews, each checked: scored from exactly the feedback stored for it."""
    members = [f"{unit_id}-{i}" for i in range(1, 7)]
    cycle_id = await _review_setup(performance, unit_id, members)

    async def review_ids(session: AsyncSession) -> list[str]:
        return [r.id for r in await repository.reviews_of(session, cycle_id=cycle_id)]

    ids = await performance.run(review_ids)
    # The peers: active members of another unit, each nominated for every review by HR.
    peers = [f"{unit_id}-peer-{n}" for n in range(8)]
    for peer in peers:
        await performance.handle(member_changed(peer, f"{unit_id}-peers"))

    async def nominate(session: AsyncSession) -> None:
        for review_id in ids:
            for peer in peers:
                await nominations.nominate(
                    session, principal=HR, review_id=review_id, member_id=peer, today=TODAY
                )

    await performance.run(nominate)

    async def rate(review_id: str, author: str, stars: str, after_s: float) -> None:
        await asyncio.sleep(after_s)  # spread over the time the cycle takes to move on
        body = FeedbackCreate.model_validate(
            {"source": "peer", "ability": stars, "attitude": stars}
        )
        principal = Principal(member_id=author, roles=frozenset({Role.member}))

        async def give(session: AsyncSession) -> None:
            await feedback.add_feedback(
                session, principal=principal, review_id=review_id, body=body, today=TODAY
            )

        # Refused once the review is calibrating: then rightly left out of its score.
        with contextlib.suppress(Conflict):
            await performance.run(give)

    spread = random.Random(unit_id)
    await asyncio.gather(
        _advance(performance, cycle_id, CycleState.calibration),
        *(
            rate(review_id, peer, str(1 + (n + index) % 5), spread.uniform(0, 0.15))
            for n, peer in enumerate(peers)
            for index, review_id in enumerate(ids)
        ),
    )

    async def check(session: AsyncSession) -> None:
        cycle = await cycles.get_cycle(session, cycle_id=cycle_id)
        for review in await repository.reviews_of(session, cycle_id=cycle_id):
            given = await repository.feedback_of(session, review_ids=[review.id])
            assert review.state == CycleState.calibration
            assert review.ability_score == aspect_of(cycle, given, "ability")[0], review.id
            assert review.attitude_score == aspect_of(cycle, given, "attitude")[0], review.id

    await performance.run(check)
    return ids


async def test_feedback_while_the_cycle_moves_to_calibration(performance: Performance) -> None:
    raced = await asyncio.gather(
        *(_feedback_racing_calibration(performance, f"u-rev{n}") for n in range(3))
    )
    await _no_drift(performance, of=[i for ids in raced for i in ids])


async def test_calibrations_of_one_review_at_once(performance: Performance) -> None:
    members = [f"cal-{i}" for i in range(1, 3)]
    cycle_id = await _review_setup(performance, "u-cal", members)
    await _advance(performance, cycle_id, CycleState.calibration)

    async def first_review(session: AsyncSession) -> str:
        return (await repository.reviews_of(session, cycle_id=cycle_id))[0].id

    review_id = await performance.run(first_review)

    async def calibrate(rating: str, n: int) -> None:
        body = CalibrationCreate(rating=rating, reason=f"calibration round {n}")

        async def adjust(session: AsyncSession) -> None:
            await reviews.calibrate(session, principal=HR, review_id=review_id, body=body)

        await performance.run(adjust)

    await asyncio.gather(*(calibrate(r, n) for n, r in enumerate("SABCDABSCD")))

    async def check(session: AsyncSession) -> None:
        review = await repository.get_review(session, review_id=review_id)
        assert review is not None
        made = list(
            await session.scalars(
                select(CalibrationAdjustment)
                .where(CalibrationAdjustment.review_id == review_id)
                .order_by(CalibrationAdjustment.adjusted_at)
            )
        )
        assert len(made) == 10
        # In the order they were made, each adjustment starts from the one before it.
        assert [a.old_rating for a in made] == [review.rating] + [a.new_rating for a in made[:-1]]
        assert review.calibrated_rating == made[-1].new_rating

    await performance.run(check)
    await _no_drift(performance, of=[review_id])


async def test_copies_arriving_out_of_order_at_once_keep_the_newest(
    performance: Performance,
) -> None:
    """Already safe: a copy is one INSERT ... ON CONFLICT DO UPDATE WHERE the stored version
    is older, a single statement Postgres serialises on the row."""
    versions = list(range(1, 13))
    random.Random(3).shuffle(versions)
    await asyncio.gather(
        *(performance.handle(org_unit_changed("u-copy", version=v)) for v in versions),
        *(performance.handle(member_changed("copy-1", "u-copy", version=v)) for v in versions),
    )

    async def check(session: AsyncSession) -> None:
        unit = await session.get(OrgUnitCopy, "u-copy")
        member = await session.get(MemberCopy, "copy-1")
        assert unit is not None and (unit.source_version, unit.name) == (12, "unit v12")
        assert member is not None and (member.source_version, member.name) == (12, "copy-1 v12")

    await performance.run(check)


async def test_one_member_answering_a_survey_twice_at_once_counts_once(
    performance: Performance,
) -> None:
    """Already safe: the participation claim is one INSERT ... ON CONFLICT DO NOTHING."""
    await performance.handle(member_changed("pulse-1", "u-pulse"))
    today = date(2026, 3, 10)
    settings = Settings()

    async def create(session: AsyncSession) -> str:
        body = PulseSurveyCreate(
            unit_id="u-pulse", question="How is it going?", opens_on=today, closes_on=today
        )
        return (await health.create_survey(session, principal=HR, body=body)).id

    survey_id = await performance.run(create)
    member = Principal(member_id="pulse-1", roles=frozenset({Role.member}))

    async def answer(session: AsyncSession) -> None:
        await health.answer(
            session,
            principal=member,
            survey_id=survey_id,
            body=PulseAnswerCreate(score=5),
            today=today,
            settings=settings,
        )

    outcomes = await asyncio.gather(
        *(performance.run(answer) for _ in range(6)), return_exceptions=True
    )
    assert sum(o is None for o in outcomes) == 1
    assert all(isinstance(o, Conflict) for o in outcomes if o is not None)

    async def answers(session: AsyncSession) -> int:
        rows = await session.scalars(select(PulseAnswer).where(PulseAnswer.survey_id == survey_id))
        return len(rows.all())

    assert await performance.run(answers) == 1
