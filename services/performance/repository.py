"""The only place with queries on the performance schema."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from performance.models import (
    CalibrationAdjustment,
    CollabRequest,
    DevelopmentPlan,
    Feedback,
    FeedbackInvite,
    ImprovementPlan,
    IndicatorInput,
    LiveScore,
    MemberCopy,
    OrgUnitCopy,
    PulseAnswer,
    PulseParticipation,
    PulseSurvey,
    Review,
    ReviewCycle,
    RootCauseNote,
    ScorecardTemplate,
    TrainingRecord,
    outbox,
)
from shared.locks import namespace_id

T = TypeVar("T")
TEMPLATE_SET_LOCK = "performance.scorecard-templates"


async def add(session: AsyncSession, *, row: T) -> T:
    session.add(row)
    await session.flush()
    return row


# ----------------------------------------------------------------------------- copies


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnitCopy | None:
    return await session.get(OrgUnitCopy, unit_id)


async def get_member(session: AsyncSession, *, member_id: str) -> MemberCopy | None:
    return await session.get(MemberCopy, member_id)


async def members(session: AsyncSession) -> list[MemberCopy]:
    return list((await session.scalars(select(MemberCopy).order_by(MemberCopy.id))).all())


# ----------------------------------------------------------------------------- scorecards


async def lock_template_set(session: AsyncSession, *, exclusive: bool) -> None:
    """Hold the set of scorecard templates until the transaction ends: shared by scorers,
    exclusive by a change of the set (a new template)."""
    take = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await session.execute(
        text(f"SELECT {take}(:namespace, 0)"), {"namespace": namespace_id(TEMPLATE_SET_LOCK)}
    )


async def current_templates(session: AsyncSession) -> list[ScorecardTemplate]:
    rows = await session.scalars(
        select(ScorecardTemplate)
        .where(ScorecardTemplate.current)
        .order_by(ScorecardTemplate.created_at)
    )
    return list(rows.all())


async def latest_version(session: AsyncSession, *, key: str) -> int:
    return int(
        await session.scalar(
            select(func.coalesce(func.max(ScorecardTemplate.version), 0)).where(
                ScorecardTemplate.key == key
            )
        )
        or 0
    )


async def retire_template(session: AsyncSession, *, key: str) -> None:
    await session.execute(
        update(ScorecardTemplate).where(ScorecardTemplate.key == key).values(current=False)
    )


async def get_input(
    session: AsyncSession, *, member_id: str, month: str, source: str, for_update: bool = False
) -> IndicatorInput | None:
    return await session.get(IndicatorInput, (member_id, month, source), with_for_update=for_update)


async def inputs_of(
    session: AsyncSession, *, member_id: str, month: str
) -> dict[str, IndicatorInput]:
    rows = await session.scalars(
        select(IndicatorInput).where(
            IndicatorInput.member_id == member_id, IndicatorInput.month == month
        )
    )
    return {row.source: row for row in rows}


async def months_with_inputs(session: AsyncSession, *, member_id: str) -> list[str]:
    rows = await session.scalars(
        select(IndicatorInput.month).distinct().where(IndicatorInput.member_id == member_id)
    )
    return sorted(rows.all())


async def get_collab_request(session: AsyncSession, *, ticket_id: str) -> CollabRequest | None:
    return await session.get(CollabRequest, ticket_id, with_for_update=True)


async def collab_counts(
    session: AsyncSession, *, member_id: str, month: str
) -> tuple[int, int, list[str]]:
    rows = (
        await session.scalars(
            select(CollabRequest)
            .where(CollabRequest.member_id == member_id, CollabRequest.month == month)
            .order_by(CollabRequest.ticket_id)
        )
    ).all()
    events = [e for row in rows for e in row.event_ids]
    return sum(1 for r in rows if r.within_sla), len(rows), events


async def get_score(
    session: AsyncSession, *, member_id: str, month: str, for_update: bool = False
) -> LiveScore | None:
    return await session.get(LiveScore, (member_id, month), with_for_update=for_update)


async def scores_in(
    session: AsyncSession, *, member_id: str, months: Iterable[str]
) -> list[LiveScore]:
    rows = await session.scalars(
        select(LiveScore)
        .where(LiveScore.member_id == member_id, LiveScore.month.in_(list(months)))
        .order_by(LiveScore.month)
    )
    return list(rows.all())


async def scores_of(
    session: AsyncSession, *, member_ids: set[str], months: Iterable[str]
) -> dict[str, list[LiveScore]]:
    """Many members' scores in the months, by member, each list in month order."""
    found: dict[str, list[LiveScore]] = defaultdict(list)
    rows = await session.scalars(
        select(LiveScore)
        .where(LiveScore.member_id.in_(member_ids), LiveScore.month.in_(list(months)))
        .order_by(LiveScore.member_id, LiveScore.month)
    )
    for row in rows:
        found[row.member_id].append(row)
    return found


# ----------------------------------------------------------------------------- reviews


async def get_cycle(
    session: AsyncSession, *, cycle_id: str, for_update: bool = False
) -> ReviewCycle | None:
    return await session.get(ReviewCycle, cycle_id, with_for_update=for_update)


async def reviews_of(
    session: AsyncSession, *, cycle_id: str, for_update: bool = False
) -> list[Review]:
    query = select(Review).where(Review.cycle_id == cycle_id).order_by(Review.member_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    rows = await session.scalars(query)
    return list(rows.all())


async def get_review(
    session: AsyncSession, *, review_id: str, for_update: bool = False
) -> Review | None:
    return await session.get(Review, review_id, with_for_update=for_update)


async def reviews_for_member(session: AsyncSession, *, member_id: str) -> list[Review]:
    rows = await session.scalars(select(Review).where(Review.member_id == member_id))
    return list(rows.all())


async def feedback_of(session: AsyncSession, *, review_ids: Iterable[str]) -> list[Feedback]:
    rows = await session.scalars(
        select(Feedback)
        .where(Feedback.review_id.in_(list(review_ids)))
        .order_by(Feedback.created_at, Feedback.id)
    )
    return list(rows.all())


async def get_invite(session: AsyncSession, *, token_hash: str) -> FeedbackInvite | None:
    return await session.get(FeedbackInvite, token_hash, with_for_update=True)


async def adjustments_of(session: AsyncSession, *, review_id: str) -> list[CalibrationAdjustment]:
    rows = await session.scalars(
        select(CalibrationAdjustment)
        .where(CalibrationAdjustment.review_id == review_id)
        .order_by(CalibrationAdjustment.adjusted_at)
    )
    return list(rows.all())


# ----------------------------------------------------------------------------- development
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


# ----------------------------------------------------------------------------- verification


async def all_scores(session: AsyncSession) -> list[LiveScore]:
    rows = await session.scalars(select(LiveScore).order_by(LiveScore.member_id, LiveScore.month))
    return list(rows.all())


async def all_inputs(session: AsyncSession) -> dict[tuple[str, str], dict[str, IndicatorInput]]:
    """Every indicator input, by (member, month) and then by source."""
    found: dict[tuple[str, str], dict[str, IndicatorInput]] = defaultdict(dict)
    for row in await session.scalars(select(IndicatorInput)):
        found[(row.member_id, row.month)][row.source] = row
    return found


async def all_templates(session: AsyncSession) -> list[ScorecardTemplate]:
    """Every version of every template, in creation order."""
    rows = await session.scalars(
        select(ScorecardTemplate).order_by(ScorecardTemplate.created_at, ScorecardTemplate.id)
    )
    return list(rows.all())


async def request_counts(session: AsyncSession) -> dict[tuple[str, str], tuple[int, int]]:
    """(answered within the SLA, all) of the collab requests, by (member, month)."""
    rows = await session.execute(
        select(
            CollabRequest.member_id,
            CollabRequest.month,
            func.count().filter(CollabRequest.within_sla),
            func.count(),
        ).group_by(CollabRequest.member_id, CollabRequest.month)
    )
    return {(r[0], r[1]): (int(r[2]), int(r[3])) for r in rows}


async def last_published_scores(session: AsyncSession) -> dict[tuple[str, str], Any]:
    """The data of the newest ``ScoreComputed`` still in the outbox for each member and month."""
    data = outbox.c.envelope["data"]
    key = (data["member_id"].astext, data["month"].astext)
    rows = await session.execute(
        select(*key, data)
        .where(outbox.c.event_type == "performance.score.computed")
        .order_by(*key, outbox.c.id.desc())
        .ext(distinct_on(*key))
    )
    return {(r[0], r[1]): r[2] for r in rows}


async def org_unit_copies(session: AsyncSession) -> list[OrgUnitCopy]:
    return list((await session.scalars(select(OrgUnitCopy).order_by(OrgUnitCopy.id))).all())


async def scored_reviews(session: AsyncSession) -> list[Review]:
    """Reviews with a final score (calibrating or closed; a reopened one has none)."""
    rows = await session.scalars(
        select(Review).where(Review.final_score.is_not(None)).order_by(Review.id)
    )
    return list(rows.all())


async def cycles_by_id(
    session: AsyncSession, *, cycle_ids: Iterable[str]
) -> dict[str, ReviewCycle]:
    rows = await session.scalars(select(ReviewCycle).where(ReviewCycle.id.in_(list(cycle_ids))))
    return {row.id: row for row in rows}


async def last_adjustments(session: AsyncSession) -> dict[str, CalibrationAdjustment]:
    """The newest calibration adjustment of each review that has one."""
    rows = await session.scalars(
        select(CalibrationAdjustment)
        .order_by(
            CalibrationAdjustment.review_id,
            CalibrationAdjustment.adjusted_at.desc(),
            CalibrationAdjustment.id.desc(),
        )
        .ext(distinct_on(CalibrationAdjustment.review_id))
    )
    return {row.review_id: row for row in rows}
