"""Team health: anonymous pulse surveys, core-member retention, voluntary attrition."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import PulseAnswer, PulseSurvey
from performance.schemas import PulseAnswerCreate, PulseSurveyCreate, TeamHealth
from performance.service.access import require_hr, require_unit_reader
from performance.settings import Settings
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.periods import Grain, Period

TWO = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def _active_after(left_on: date | None, day: date) -> bool:
    return left_on is None or left_on > day


async def create_survey(
    session: AsyncSession, *, principal: Principal, body: PulseSurveyCreate
) -> PulseSurvey:
    require_hr(principal)
    if body.closes_on < body.opens_on:
        raise Unprocessable("a survey cannot close before it opens")
    survey: PulseSurvey = await repository.add(
        session,
        row=PulseSurvey(
            id=str(uuid.uuid4()),
            unit_id=body.unit_id,
            question=body.question,
            opens_on=body.opens_on,
            closes_on=body.closes_on,
            created_by=principal.member_id,
        ),
    )
    return survey


async def answer(
    session: AsyncSession,
    *,
    principal: Principal,
    survey_id: str,
    body: PulseAnswerCreate,
    today: date,
    settings: Settings,
) -> None:
    """One anonymous answer a member: the answer holds no trace of who gave it."""
    survey = await repository.get_survey(session, survey_id=survey_id)
    if survey is None:
        raise NotFound(f"survey {survey_id} does not exist")
    member = await repository.get_member(session, member_id=principal.member_id)
    if member is None or survey.unit_id not in (member.unit_path or []):
        raise Forbidden("this survey is for another unit")
    if not survey.opens_on <= today <= survey.closes_on:
        raise Conflict("the survey is not open")
    participant = hmac.new(
        settings.jwt_secret.encode(), f"{survey.id}:{principal.member_id}".encode(), hashlib.sha256
    ).hexdigest()
    if not await repository.claim_participation(
        session, survey_id=survey.id, participant=participant
    ):
        raise Conflict("you have already answered this survey")
    await repository.add(
        session,
        row=PulseAnswer(
            id=str(uuid.uuid4()), survey_id=survey.id, score=body.score, comment=body.comment
        ),
    )


async def team_health(
    session: AsyncSession, *, principal: Principal, unit_id: str, year: int, settings: Settings
) -> TeamHealth:
    await require_unit_reader(session, principal, unit_id, "health")
    start, end = date(year, 1, 1), date(year, 12, 31)
    explanation: list[str] = []
    scores = await repository.answers_for_units(session, unit_ids=[unit_id], start=start, end=end)
    satisfaction = q2(Decimal(sum(1 for s in scores if s >= 4)) / len(scores)) if scores else None
    explanation.append(
        f"satisfaction = answers of 4 or 5 / all answers = "
        f"{sum(1 for s in scores if s >= 4)} / {len(scores)}"
    )
    members = await repository.members_in_unit(session, unit_id=unit_id)
    at_start = [
        m for m in members if m.hired_on <= start and (m.left_on is None or m.left_on >= start)
    ]
    months = [str(Period(year, Grain.month, m)) for m in range(1, 13)]
    live = await repository.scores_of_members(
        session, member_ids=[m.id for m in at_start], months=months
    )
    totals: dict[str, list[Decimal]] = {}
    for score in live:
        totals.setdefault(score.member_id, []).append(score.score)
    averages = sorted(((sum(v, Decimal(0)) / len(v), k) for k, v in totals.items()), reverse=True)
    core_count = (
        int(
            (Decimal(len(at_start)) * settings.core_share).to_integral_value(rounding=ROUND_HALF_UP)
        )
        if averages
        else 0
    )
    core = [member_id for _avg, member_id in averages[: max(core_count, 1 if averages else 0)]]
    by_id = {m.id: m for m in members}
    retained = [m for m in core if _active_after(by_id[m].left_on, end)]
    retention = q2(Decimal(len(retained)) / len(core)) if core else None
    explanation.append(
        f"core = top {settings.core_share:.0%} of {len(at_start)} members by "
        f"average monthly score: {', '.join(core) or 'none'}; "
        f"{len(retained)} still active"
    )
    voluntary = [
        m
        for m in at_start
        if m.left_on is not None and start <= m.left_on <= end and m.leave_reason == "voluntary"
    ]
    attrition = q2(Decimal(len(voluntary)) / len(at_start)) if at_start else None
    explanation.append(
        f"voluntary attrition = voluntary leavers / headcount at the start "
        f"of the year = {len(voluntary)} / {len(at_start)}"
    )
    return TeamHealth(
        unit_id=unit_id,
        year=year,
        satisfaction=satisfaction,
        satisfaction_target=settings.satisfaction_target,
        answers=len(scores),
        core_members=core,
        core_retention=retention,
        core_retention_target=settings.core_retention_target,
        headcount_at_start=len(at_start),
        voluntary_leavers=len(voluntary),
        voluntary_attrition=attrition,
        voluntary_attrition_target=settings.voluntary_attrition_target,
        explanation=explanation,
    )
