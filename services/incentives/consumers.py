"""Events the incentives service consumes, and the one place listing its subscriptions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incentives.schemas import (
    KPIDefinitionChangedV1,
    KPIUpdatedV1,
    MemberChangedV1,
    MonthSettledV1,
    OrgUnitChangedV1,
    ReviewClosedV1,
    ScoreComputedV1,
)
from incentives.service import copies, recalc, stars
from shared.events import Envelope
from shared.inbox import Subscription
from shared.runtime import PeriodicJob

subscription = Subscription(consumer="incentives")


@subscription.on(OrgUnitChangedV1)
async def on_org_unit_changed(session: AsyncSession, event: Envelope) -> None:
    await copies.org_unit_changed(session, change=OrgUnitChangedV1.model_validate(event.data))


@subscription.on(MemberChangedV1)
async def on_member_changed(session: AsyncSession, event: Envelope) -> None:
    await copies.member_changed(session, change=MemberChangedV1.model_validate(event.data))


@subscription.on_many(KPIUpdatedV1)
async def on_kpi_updated(session: AsyncSession, events: list[Envelope]) -> None:
    await copies.kpis_updated(
        session,
        [
            copies.Figure(KPIUpdatedV1.model_validate(event.data), event.id, event.time)
            for event in events
        ],
    )


@subscription.on_many(ReviewClosedV1)
async def on_review_closed(session: AsyncSession, events: list[Envelope]) -> None:
    await copies.reviews_closed(
        session, [(ReviewClosedV1.model_validate(event.data), event.id) for event in events]
    )


@subscription.on_many(ScoreComputedV1)
async def on_score_computed(session: AsyncSession, events: list[Envelope]) -> None:
    await copies.scores_computed(
        session, [(ScoreComputedV1.model_validate(event.data), event.id) for event in events]
    )


@subscription.on(KPIDefinitionChangedV1)
async def on_kpi_definition_changed(session: AsyncSession, event: Envelope) -> None:
    await copies.kpi_definition_changed(
        session, change=KPIDefinitionChangedV1.model_validate(event.data)
    )


@subscription.on(MonthSettledV1)
async def on_month_settled(session: AsyncSession, event: Envelope) -> None:
    await stars.month_settled(session, MonthSettledV1.model_validate(event.data), event.id)


subscriptions = [subscription]

jobs = [
    PeriodicJob(
        name="recalculate-pay",
        run=recalc.recalculate,
        interval_s=lambda settings: float(settings.recalc_interval_s),
        wake=recalc.waker,
    )
]
