"""Queries on development records (plans, training, improvement plans, root causes) and
team health (pulse surveys)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from performance.models import (
    DevelopmentPlan,
    ImprovementPlan,
    LiveScore,
    MemberCopy,
    PulseAnswer,
    PulseParticipation,
    PulseSurvey,
    Review,
    RootCauseNote,
    TrainingRecord,
)
from performance.repository.scores import members


async def development_plan_of(
    session: AsyncSession, *, member_id: str, year: int
) -> DevelopmentPlan | None:
    found: DevelopmentPlan | None = await session.scalar(
        select(DevelopmentPlan).where(
            DevelopmentPlan.member_id == member_id, DevelopmentPlan.year == year
        )
    )
    return found


async def members_in_unit(session: AsyncSession, *, unit_id: str) -> list[MemberCopy]:
    """Members whose unit path passes through ``unit_id`` (the unit's whole subtree)."""
    return [m for m in await members(session) if unit_id in (m.unit_path or [])]


async def scores_of_members(
    session: AsyncSession, *, member_ids: Iterable[str], months: Iterable[str]
) -> list[LiveScore]:
    rows = await session.scalars(
        select(LiveScore).where(
            LiveScore.member_id.in_(list(member_ids)), LiveScore.month.in_(list(months))
        )
    )
    return list(rows.all())


async def get_development_plan(
    session: AsyncSession, *, plan_id: str, for_update: bool = False
) -> DevelopmentPlan | None:
    return await session.get(DevelopmentPlan, plan_id, with_for_update=for_update)


async def get_plan(session: AsyncSession, *, plan_id: str) -> ImprovementPlan | None:
    return await session.get(ImprovementPlan, plan_id, with_for_update=True)


async def root_causes_of(session: AsyncSession, *, member_id: str) -> list[RootCauseNote]:
    rows = await session.scalars(
        select(RootCauseNote)
        .where(RootCauseNote.member_id == member_id)
        .order_by(RootCauseNote.created_at)
    )
    return list(rows.all())


async def training_of(
    session: AsyncSession, *, member_ids: Iterable[str], start: Any, end: Any
) -> list[TrainingRecord]:
    rows = await session.scalars(
        select(TrainingRecord).where(
            TrainingRecord.member_id.in_(list(member_ids)),
            TrainingRecord.completed_on.between(start, end),
        )
    )
    return list(rows.all())


async def closed_reviews_of(session: AsyncSession, *, member_id: str) -> list[Review]:
    rows = await session.scalars(
        select(Review)
        .where(Review.member_id == member_id, Review.state == "closed")
        .order_by(Review.closed_at)
    )
    return list(rows.all())


async def get_survey(session: AsyncSession, *, survey_id: str) -> PulseSurvey | None:
    return await session.get(PulseSurvey, survey_id)


async def claim_participation(session: AsyncSession, *, survey_id: str, participant: str) -> bool:
    claimed = await session.scalar(
        insert(PulseParticipation)
        .values(survey_id=survey_id, participant=participant)
        .on_conflict_do_nothing()
        .returning(PulseParticipation.survey_id)
    )
    return claimed is not None


async def answers_for_units(
    session: AsyncSession, *, unit_ids: Iterable[str], start: Any, end: Any
) -> list[int]:
    rows = await session.scalars(
        select(PulseAnswer.score)
        .join(PulseSurvey, PulseSurvey.id == PulseAnswer.survey_id)
        .where(PulseSurvey.unit_id.in_(list(unit_ids)), PulseSurvey.opens_on.between(start, end))
    )
    return list(rows.all())
