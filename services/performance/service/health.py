"""Team health: anonymous pulse surveys, core-member retention, voluntary attrition, over a
unit's whole subtree. The figures are computed here once for both readers: the unit's health
(``team_health``, the whole year) and the management dashboard (``service.dashboard``, the
year to a date, month by month)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import MemberCopy, PulseAnswer, PulseSurvey, dashboard_targets
from performance.schemas import PulseAnswerCreate, PulseSurveyCreate, TeamHealth
from performance.service.access import require_hr, require_unit_reader
from performance.settings import Settings
from shared.auth import Principal
from shared.dashboard import Direction, Targets, TargetSpec, ratio
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.periods import Grain, Period

TWO = Decimal("0.01")

CORE_RETENTION = TargetSpec(
    key="core_retention",
    label="核心成员保留率",
    label_en="Core-member retention",
    unit="ratio",
    direction=Direction.at_least,
    default=Decimal("0.90"),
    default_margin=Decimal("0.05"),
)
VOLUNTARY_ATTRITION = TargetSpec(
    key="voluntary_attrition",
    label="主动离职率",
    label_en="Voluntary attrition",
    unit="ratio",
    direction=Direction.at_most,
    default=Decimal("0.08"),
    default_margin=Decimal("0.02"),
)
SATISFACTION = TargetSpec(
    key="satisfaction",
    label="满意度",
    label_en="Satisfaction",
    unit="ratio",
    direction=Direction.at_least,
    default=Decimal("0.85"),
    default_margin=Decimal("0.05"),
)
HEALTH_TARGETS = Targets(dashboard_targets, (CORE_RETENTION, VOLUNTARY_ATTRITION, SATISFACTION))
"""The organisation's targets of the health figures; the dashboard's ``TARGETS`` reads the
same rows with the training figures beside them."""


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def _active_after(left_on: date | None, day: date) -> bool:
    """Still a member at the end of ``day``: one whose leaving date is ``day`` has gone."""
    return left_on is None or left_on > day


def at_start_of_year(member: MemberCopy, start: date) -> bool:
    return member.hired_on <= start and (member.left_on is None or member.left_on >= start)


def months_to(as_of: date) -> list[str]:
    """The months of ``as_of``'s year from January to ``as_of``'s month."""
    return [str(Period(as_of.year, Grain.month, m)) for m in range(1, as_of.month + 1)]


@dataclass(frozen=True)
class HealthFacts:
    """What a subtree's health figures for a year are computed from, read once: the members
    of the subtree, the live scores of those at the start of the year (member -> month ->
    score), and the answers to its pulse surveys ``(survey id, opens on, score)``."""

    year: int
    members: list[MemberCopy]
    scores: dict[str, dict[str, Decimal]]
    answers: list[tuple[str, date, int]]

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    def at_start(self) -> list[MemberCopy]:
        return [m for m in self.members if at_start_of_year(m, self.start)]


async def health_facts(
    session: AsyncSession, *, unit_id: str, year: int, through: date
) -> HealthFacts:
    """The facts of ``unit_id``'s subtree from the start of ``year`` to ``through``."""
    start = date(year, 1, 1)
    members = await repository.members_of_subtree(session, unit_id=unit_id)
    live = await repository.scores_of_members(
        session,
        member_ids=[m.id for m in members if at_start_of_year(m, start)],
        months=months_to(through),
    )
    scores: dict[str, dict[str, Decimal]] = {}
    for score in live:
        scores.setdefault(score.member_id, {})[score.month] = score.score
    answers = await repository.pulse_answers_of_subtree(
        session, unit_id=unit_id, start=start, end=through
    )
    return HealthFacts(year=year, members=members, scores=scores, answers=answers)


@dataclass(frozen=True)
class Satisfaction:
    satisfied: int
    """Answers of 4 or 5."""
    answers: int
    survey_ids: list[str]


def satisfaction(facts: HealthFacts, as_of: date) -> Satisfaction:
    """The answers to the surveys opened from the start of the year to ``as_of``."""
    counted = [(survey, score) for survey, opens_on, score in facts.answers if opens_on <= as_of]
    return Satisfaction(
        satisfied=sum(1 for _survey, score in counted if score >= 4),
        answers=len(counted),
        survey_ids=list(dict.fromkeys(survey for survey, _score in counted)),
    )


@dataclass(frozen=True)
class CoreRetention:
    at_start: list[str]
    """The headcount at the start of the year, by id."""
    averages: list[tuple[str, Decimal]]
    """Every member of the headcount with a live score this year to ``as_of``'s month:
    the average of their monthly scores, best first (ties by id)."""
    core: list[str]
    retained: list[str]
    """The core members still active at the end of ``as_of``."""

    @property
    def departed(self) -> list[str]:
        return [m for m in self.core if m not in self.retained]


def core_retention(facts: HealthFacts, as_of: date, core_share: Decimal) -> CoreRetention:
    """Core members: the top ``core_share`` of the headcount at the start of the year
    (rounded half up, at least one when anyone has a score) by average monthly live score
    from January to ``as_of``'s month; retained: those still active at ``as_of``."""
    at_start = facts.at_start()
    months = set(months_to(as_of))
    averages: list[tuple[str, Decimal]] = []
    for member in at_start:
        mine = [v for month, v in facts.scores.get(member.id, {}).items() if month in months]
        if mine:
            averages.append((member.id, sum(mine, Decimal(0)) / len(mine)))
    averages.sort(key=lambda pair: (-pair[1], pair[0]))
    count = int((Decimal(len(at_start)) * core_share).to_integral_value(rounding=ROUND_HALF_UP))
    core = [member_id for member_id, _avg in averages[: max(count, 1)]] if averages else []
    left_on = {m.id: m.left_on for m in at_start}
    return CoreRetention(
        at_start=[m.id for m in at_start],
        averages=averages,
        core=core,
        retained=[m for m in core if _active_after(left_on[m], as_of)],
    )


@dataclass(frozen=True)
class Attrition:
    at_start: list[str]
    leavers: list[str]
    """Of the headcount at the start of the year, those who left by choice by ``as_of``."""


def voluntary_attrition(facts: HealthFacts, as_of: date) -> Attrition:
    at_start = facts.at_start()
    return Attrition(
        at_start=[m.id for m in at_start],
        leavers=[
            m.id
            for m in at_start
            if m.left_on is not None
            and facts.start <= m.left_on <= as_of
            and m.leave_reason == "voluntary"
        ],
    )


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
    """The health of the unit's whole subtree over the whole year, against the
    organisation's targets. A leaving date later in the year counts as gone already (the
    dashboard counts only to today)."""
    await require_unit_reader(session, principal, unit_id, "health")
    end = date(year, 12, 31)
    facts = await health_facts(session, unit_id=unit_id, year=year, through=end)
    targets = await HEALTH_TARGETS.all(session)
    liked = satisfaction(facts, end)
    core = core_retention(facts, end, settings.core_share)
    attrition = voluntary_attrition(facts, end)
    explanation = [
        f"satisfaction = answers of 4 or 5 / all answers = {liked.satisfied} / {liked.answers}",
        f"core = top {settings.core_share:.0%} of {len(core.at_start)} members by "
        f"average monthly score: {', '.join(core.core) or 'none'}; "
        f"{len(core.retained)} still active",
        f"voluntary attrition = voluntary leavers / headcount at the start "
        f"of the year = {len(attrition.leavers)} / {len(attrition.at_start)}",
    ]
    return TeamHealth(
        unit_id=unit_id,
        year=year,
        satisfaction=ratio(liked.satisfied, liked.answers, places=2),
        satisfaction_target=targets[SATISFACTION.key].target,
        answers=liked.answers,
        core_members=core.core,
        core_retention=ratio(len(core.retained), len(core.core), places=2),
        core_retention_target=targets[CORE_RETENTION.key].target,
        headcount_at_start=len(attrition.at_start),
        voluntary_leavers=len(attrition.leavers),
        voluntary_attrition=ratio(len(attrition.leavers), len(attrition.at_start), places=2),
        voluntary_attrition_target=targets[VOLUNTARY_ATTRITION.key].target,
        explanation=explanation,
    )
