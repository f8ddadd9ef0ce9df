"""Improvement plans, diagnosis with root-cause notes, development plans, training and
promotion readiness."""

from __future__ import annotations

import statistics
import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import DevelopmentPlan, ImprovementPlan, RootCauseNote, TrainingRecord
from performance.schemas import (
    Criterion,
    DevelopmentPlanCreate,
    Diagnosis,
    ImprovementPlanCreate,
    ImprovementPlanUpdate,
    PromotionReadiness,
    RootCauseCreate,
    RootCauseRead,
    TrailingIndicator,
    TrainingCreate,
    TrainingSummary,
)
from performance.service import references
from performance.service.access import may_see_member, require_member_visible, require_unit_reader
from performance.service.dashboard import TARGETS, TRAINING_COVERAGE, TRAINING_HOURS
from performance.settings import Settings
from shared.api import check_if_match
from shared.auth import Principal, Role
from shared.errors import SELF_DECISION, Conflict, DecisionRefused, Forbidden, NotFound
from shared.periods import Grain, Period

TWO = Decimal("0.01")
NEXT_TIER = {"newcomer": "backbone", "backbone": "management_reserve"}


async def manage(session: AsyncSession, principal: Principal, member_id: str) -> None:
    """Managers of the member's units, HR and admins change development records: never
    their own (an improvement plan, a root cause, a training record about yourself is a
    decision about yourself, whatever your roles)."""
    if principal.member_id == member_id:
        raise DecisionRefused(
            SELF_DECISION,
            "development records about yourself are kept by your manager or HR",
            actor=principal.member_id,
            action="record-development",
            subject=member_id,
        )
    if principal.has(Role.hr, Role.admin):
        return
    if principal.has(Role.manager) and await may_see_member(session, principal, member_id):
        return
    raise Forbidden("a member's manager or HR records this")


async def create_plan(
    session: AsyncSession, *, principal: Principal, body: ImprovementPlanCreate
) -> ImprovementPlan:
    await manage(session, principal, body.member_id)
    await references.known_member(session, body.member_id)
    if body.review_id is not None:
        await references.review_of_member(
            session, member_id=body.member_id, review_id=body.review_id
        )
    plan: ImprovementPlan = await repository.add(
        session,
        row=ImprovementPlan(
            id=str(uuid.uuid4()),
            member_id=body.member_id,
            review_id=body.review_id,
            goals=list(body.goals),
            checkpoints=[c.model_dump(mode="json") for c in body.checkpoints],
            created_by=principal.member_id,
            version=1,
        ),
    )
    return plan


async def update_plan(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: str,
    body: ImprovementPlanUpdate,
    if_match: str | None,
) -> ImprovementPlan:
    plan = await repository.get_plan(session, plan_id=plan_id)
    if plan is None or not await may_see_member(session, principal, plan.member_id):
        raise NotFound(f"improvement plan {plan_id} does not exist")
    await manage(session, principal, plan.member_id)
    check_if_match(if_match, plan.id, plan.version)
    if plan.outcome is not None:
        raise Conflict("the plan has an outcome and is closed")
    if body.checkpoints is not None:
        plan.checkpoints = [c.model_dump(mode="json") for c in body.checkpoints]
    if body.outcome is not None:
        plan.outcome, plan.outcome_note = body.outcome, body.outcome_note
    plan.version += 1
    await session.flush()
    return plan


async def add_root_cause(
    session: AsyncSession, *, principal: Principal, body: RootCauseCreate, today: date
) -> RootCauseNote:
    """A note on one of the member's scorecard indicators (422 on ``indicator`` else)."""
    await manage(session, principal, body.member_id)
    member = await references.known_member(session, body.member_id)
    await references.indicator_of_member(
        session, member=member, indicator=body.indicator, today=today
    )
    note: RootCauseNote = await repository.add(
        session,
        row=RootCauseNote(
            id=str(uuid.uuid4()),
            member_id=body.member_id,
            indicator=body.indicator,
            method=body.method,
            whys=list(body.whys),
            fishbone={k.value: v for k, v in body.fishbone.items() if v},
            created_by=principal.member_id,
        ),
    )
    return note


def _points_by_indicator(explanation: dict[str, Any]) -> dict[str, Decimal]:
    return {
        line["code"]: Decimal(str(line["points"])) for line in explanation.get("indicators", [])
    }


def _previous_month(month: Period) -> Period:
    return (
        Period(month.year - 1, Grain.month, 12)
        if month.index == 1
        else Period(month.year, Grain.month, month.index - 1)
    )


async def diagnose(
    session: AsyncSession, *, principal: Principal, member_id: str, month: str
) -> Diagnosis:
    """Each indicator where the member's points trail the median of their home unit, and
    the first month of the run of months in which it has trailed."""
    await require_member_visible(session, principal, member_id)
    member = await repository.get_member(session, member_id=member_id)
    if member is None:
        raise NotFound(f"member {member_id} is not known to performance")
    team = [
        m.id for m in await repository.members(session) if m.home_unit_id == member.home_unit_id
    ]
    current = Period.parse(month)
    months = [current]
    for _ in range(11):
        months.append(_previous_month(months[-1]))
    scores = await repository.scores_of_members(
        session, member_ids=team, months=[str(m) for m in months]
    )
    by_month: dict[str, dict[str, dict[str, Decimal]]] = {}
    for score in scores:
        by_month.setdefault(score.month, {})[score.member_id] = _points_by_indicator(
            score.explanation
        )

    def trailing(indicator: str, at: Period) -> tuple[bool, Decimal, Decimal]:
        points = by_month.get(str(at), {})
        mine = points.get(member_id, {}).get(indicator)
        team_points = [p[indicator] for p in points.values() if indicator in p]
        if mine is None or not team_points:
            return False, Decimal(0), Decimal(0)
        # Points have 4 places; the median of an even number of them may have 5.
        median = Decimal(str(statistics.median(team_points))).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )
        return mine < median, mine, median

    found = []
    for indicator in sorted(by_month.get(month, {}).get(member_id, {})):
        behind, mine, median = trailing(indicator, current)
        if not behind:
            continue
        since = current
        for earlier in months[1:]:
            if not trailing(indicator, earlier)[0]:
                break
            since = earlier
        found.append(
            TrailingIndicator(
                indicator=indicator, points=mine, team_median=median, trailing_since=str(since)
            )
        )
    notes = [
        RootCauseRead.model_validate(n)
        for n in await repository.root_causes_of(session, member_id=member_id)
    ]
    return Diagnosis(
        member_id=member_id, month=month, team_size=len(team), trailing=found, notes=notes
    )


async def create_development_plan(
    session: AsyncSession, *, principal: Principal, body: DevelopmentPlanCreate
) -> DevelopmentPlan:
    await manage(session, principal, body.member_id)
    existing = await repository.development_plan_of(
        session, member_id=body.member_id, year=body.year
    )
    if existing is not None:
        path = f"/performance/development-plans/{existing.id}"
        raise Conflict(
            f"{body.member_id} already has the development plan {existing.id} for {body.year}; "
            f"change that one: PATCH {path} with If-Match",
            extensions={"existing": path},
        )
    plan: DevelopmentPlan = await repository.add(
        session,
        row=DevelopmentPlan(
            id=str(uuid.uuid4()),
            member_id=body.member_id,
            year=body.year,
            objectives=list(body.objectives),
            created_by=principal.member_id,
            version=1,
        ),
    )
    return plan


async def record_training(
    session: AsyncSession, *, principal: Principal, body: TrainingCreate, today: date
) -> TrainingRecord:
    """Training completed by today (422 on ``completed_on`` for a day after it)."""
    await manage(session, principal, body.member_id)
    references.not_in_future(body.completed_on, today=today, field="completed_on")
    record: TrainingRecord = await repository.add(
        session,
        row=TrainingRecord(
            id=str(uuid.uuid4()),
            member_id=body.member_id,
            title=body.title,
            hours=body.hours,
            completed_on=body.completed_on,
            provider=body.provider,
        ),
    )
    return record


async def training_summary(
    session: AsyncSession, *, principal: Principal, unit_id: str, year: int, settings: Settings
) -> TrainingSummary:
    """Coverage (members with any training) and hours a member for the unit's subtree."""
    await require_unit_reader(session, principal, unit_id, "training")
    start, end = date(year, 1, 1), date(year, 12, 31)
    members = [
        m
        for m in await repository.members_in_unit(session, unit_id=unit_id)
        if m.hired_on <= end and (m.left_on is None or m.left_on >= start)
    ]
    records = await repository.training_of(
        session, member_ids=[m.id for m in members], start=start, end=end
    )
    hours: dict[str, Decimal] = {m.id: Decimal(0) for m in members}
    for record in records:
        hours[record.member_id] += record.hours
    trained = sum(1 for h in hours.values() if h > 0)
    count = len(members)
    # The organisation's targets, the same the dashboard compares with.
    targets = await TARGETS.all(session)
    coverage_target = targets[TRAINING_COVERAGE.key].target
    hours_target = targets[TRAINING_HOURS.key].target
    return TrainingSummary(
        unit_id=unit_id,
        year=year,
        members=count,
        trained=trained,
        coverage=(Decimal(trained) / count).quantize(TWO, rounding=ROUND_HALF_UP)
        if count
        else Decimal(0),
        coverage_target=coverage_target,
        hours_per_member=(sum(hours.values(), Decimal(0)) / count).quantize(
            TWO, rounding=ROUND_HALF_UP
        )
        if count
        else Decimal(0),
        hours_target=hours_target,
        members_below_hours=sorted(m for m, h in hours.items() if h < hours_target),
    )


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


async def promotion_readiness(
    session: AsyncSession, *, principal: Principal, member_id: str, today: date, settings: Settings
) -> PromotionReadiness:
    """Newcomer to backbone, backbone to management: tenure, recent ratings, training."""
    await require_member_visible(session, principal, member_id)
    member = await repository.get_member(session, member_id=member_id)
    if member is None:
        raise NotFound(f"member {member_id} is not known to performance")
    next_tier = NEXT_TIER.get(member.tier)
    if next_tier is None:
        return PromotionReadiness(
            member_id=member_id, tier=member.tier, next_tier=None, ready=False, criteria=[]
        )
    tenure = _months_between(member.hired_on, today)
    needed_months = (
        settings.backbone_min_months
        if member.tier == "newcomer"
        else settings.management_min_months
    )
    reviews = await repository.closed_reviews_of(session, member_id=member_id)
    ratings = [r.calibrated_rating or r.rating for r in reviews]
    needed_reviews = 1 if member.tier == "newcomer" else 2
    recent = ratings[-needed_reviews:]
    year_ago = date(today.year - 1, today.month, min(today.day, 28))
    hours = sum(
        (
            r.hours
            for r in await repository.training_of(
                session, member_ids=[member_id], start=year_ago, end=today
            )
        ),
        Decimal(0),
    )
    hours_target = (await TARGETS.all(session))[TRAINING_HOURS.key].target
    criteria = [
        Criterion(
            name="tenure",
            met=tenure >= needed_months,
            detail=f"{tenure} months, {needed_months} needed",
        ),
        Criterion(
            name="reviews",
            met=len(recent) == needed_reviews and all(r in ("S", "A") for r in recent),
            detail=f"last {needed_reviews} closed review(s) rated S or A: "
            f"{', '.join(str(r) for r in recent) or 'none yet'}",
        ),
        Criterion(
            name="training",
            met=hours >= hours_target,
            detail=f"{hours} hours in the last 12 months, {hours_target.normalize():f} needed",
        ),
    ]
    return PromotionReadiness(
        member_id=member_id,
        tier=member.tier,
        next_tier=next_tier,
        ready=all(c.met for c in criteria),
        criteria=criteria,
    )
