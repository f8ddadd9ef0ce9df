"""Competency assessments, and a unit's pass rate and role fit, computed here only.

Performance owns development records, so it owns competency assessments: a member is
assessed, by an HR person or a manager of their units (never by themself), in a competency
their position requires. It knows positions from goals' ``PositionChanged`` and who holds
which from ``MemberChanged.position_id`` (its copies; it never asks goals).

- **Pass rate** of a unit subtree over a period: the assessments of its members (by their
  unit path) made in the period that met the level required then, over all of them. Every
  assessment counts: a re-assessment is one more.
- **Role fit** on a day: of the members active that day (hired by it, not gone before it)
  who hold a position that is core and active, the share whose latest assessment (by that
  day) of every competency the position requires now is at least the required level. A
  competency never assessed is not met. No holders: no figure.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.events import CompetencyAssessed, outbox
from performance.models import CompetencyAssessment, MemberCopy, PositionCopy
from performance.schemas import (
    CompetencyAssessmentCreate,
    CompetencyAssessmentRead,
    CompetencyFit,
    HolderFit,
)
from performance.service.access import may_see_member, require_member_visible
from performance.service.references import known_member, not_in_future
from shared.access import hidden
from shared.api import Page
from shared.auth import Principal, Role
from shared.errors import SELF_DECISION, DecisionRefused, Forbidden, invalid
from shared.paging import PageQuery


async def _require_assessor(session: AsyncSession, principal: Principal, member_id: str) -> None:
    """HR, admins and the managers of the member's units assess; nobody assesses themself."""
    if principal.member_id == member_id:
        raise DecisionRefused(
            SELF_DECISION,
            "nobody assesses their own competencies: your manager or HR does",
            actor=principal.member_id,
            action="assess-competency",
            subject=member_id,
        )
    if principal.has(Role.hr, Role.admin):
        return
    if principal.has(Role.manager) and await may_see_member(session, principal, member_id):
        return
    raise Forbidden("a member's manager or HR assesses their competencies")


def required_level(position: PositionCopy, competency: str) -> int | None:
    for required in position.required_competencies:
        if required["competency"] == competency:
            return int(required["level"])
    return None


def requirements_text(position: PositionCopy) -> str:
    listed = [f"{r['competency']} {r['level']}" for r in position.required_competencies]
    return ", ".join(listed) if listed else "none"


async def _position_of(
    session: AsyncSession, member: MemberCopy, position_id: str | None
) -> PositionCopy:
    wanted = position_id or member.position_id
    if wanted is None:
        raise invalid(
            "position_id",
            f"{member.id} holds no position known to performance: name the position assessed",
        )
    position = await repository.get_position(session, position_id=wanted)
    if position is None:
        raise invalid("position_id", f"{wanted} is not a position known to performance")
    return position


async def assess(
    session: AsyncSession, *, principal: Principal, body: CompetencyAssessmentCreate, today: date
) -> CompetencyAssessment:
    """Record an assessment against the level the position requires now, and publish it."""
    await _require_assessor(session, principal, body.member_id)
    member = await known_member(session, body.member_id)
    position = await _position_of(session, member, body.position_id)
    required = required_level(position, body.competency)
    if required is None:
        raise invalid(
            "competency",
            f"{body.competency} is not required by position {position.id} "
            f"(it requires: {requirements_text(position)})",
        )
    not_in_future(body.assessed_on, today=today, field="assessed_on")
    if body.assessed_on < member.hired_on:
        raise invalid(
            "assessed_on",
            f"{body.assessed_on.isoformat()} is before {member.id} was hired "
            f"({member.hired_on.isoformat()})",
        )
    assessment: CompetencyAssessment = await repository.add(
        session,
        row=CompetencyAssessment(
            id=str(uuid.uuid4()),
            member_id=member.id,
            position_id=position.id,
            jd_version=position.jd_version,
            competency=body.competency,
            required_level=required,
            level=body.level,
            passed=body.level >= required,
            assessed_by=principal.member_id,
            assessed_on=body.assessed_on,
            note=body.note,
        ),
    )
    await outbox.publish(
        session,
        CompetencyAssessed(
            assessment_id=assessment.id,
            member_id=assessment.member_id,
            position_id=assessment.position_id,
            jd_version=assessment.jd_version,
            competency=assessment.competency,
            required_level=assessment.required_level,
            level=assessment.level,
            passed=assessment.passed,
            assessed_by=assessment.assessed_by,
            assessed_on=assessment.assessed_on,
        ),
    )
    await session.refresh(assessment)
    return assessment


async def get_assessment(
    session: AsyncSession, *, principal: Principal, assessment_id: str
) -> CompetencyAssessment:
    found = await repository.get_assessment(session, assessment_id=assessment_id)
    if found is None:
        raise hidden()
    await require_member_visible(session, principal, found.member_id)
    return found


async def list_assessments(
    session: AsyncSession,
    *,
    principal: Principal,
    member_id: str | None,
    unit_id: str | None,
    page: PageQuery,
) -> Page[CompetencyAssessmentRead]:
    """The assessments the caller may see (a member their own, a manager their units'
    members', HR and admins all), of one member or one unit's subtree if asked."""
    wanted: set[str] | None = None
    if not principal.has(Role.hr, Role.admin):
        wanted = {principal.member_id}
        if principal.has(Role.manager):
            wanted |= {
                m.id for m in await repository.members_under(session, unit_ids=principal.org_units)
            }
    if member_id is not None:
        wanted = {member_id} if wanted is None else wanted & {member_id}
    if unit_id is not None:
        subtree = {m.id for m in await repository.members_of_subtree(session, unit_id=unit_id)}
        wanted = subtree if wanted is None else wanted & subtree
    rows, next_cursor = await repository.assessments_page(
        session, member_ids=None if wanted is None else sorted(wanted), page=page
    )
    return Page[CompetencyAssessmentRead](
        items=[CompetencyAssessmentRead.model_validate(r) for r in rows],
        next_cursor=next_cursor,
    )


# ----------------------------------------------------------------------- pass rate, role fit


@dataclass(frozen=True)
class CompetencyFacts:
    """A unit subtree's members, their positions and their assessments to a day: enough to
    compute the pass rate and role fit of any day up to it."""

    members: list[MemberCopy]
    positions: dict[str, PositionCopy]
    assessments: list[CompetencyAssessment]
    """In the order they were made: by day, then as recorded."""


async def competency_facts(
    session: AsyncSession, *, unit_id: str, through: date
) -> CompetencyFacts:
    members = await repository.members_of_subtree(session, unit_id=unit_id)
    positions = await repository.positions_by_ids(
        session, position_ids=[m.position_id for m in members if m.position_id is not None]
    )
    assessments = await repository.assessments_of(
        session, member_ids=[m.id for m in members], through=through
    )
    return CompetencyFacts(members, positions, assessments)


@dataclass(frozen=True)
class PassRate:
    start: date
    end: date
    assessments: list[CompetencyAssessment]

    @property
    def passed(self) -> list[CompetencyAssessment]:
        return [a for a in self.assessments if a.passed]

    @property
    def failed(self) -> list[CompetencyAssessment]:
        return [a for a in self.assessments if not a.passed]


def pass_rate(facts: CompetencyFacts, start: date, end: date) -> PassRate:
    """The assessments made from ``start`` to ``end`` (both included) of the subtree's
    members; ``passed`` / ``assessments`` is the rate."""
    return PassRate(start, end, [a for a in facts.assessments if start <= a.assessed_on <= end])


@dataclass(frozen=True)
class RoleFit:
    day: date
    holders: list[HolderFit]

    @property
    def fitting(self) -> list[str]:
        return [h.member_id for h in self.holders if h.fits]

    @property
    def not_fitting(self) -> list[str]:
        return [h.member_id for h in self.holders if not h.fits]


def _active_on(member: MemberCopy, day: date) -> bool:
    return member.hired_on <= day and (member.left_on is None or member.left_on >= day)


def _competency_fit(
    required: dict[str, Any], latest: CompetencyAssessment | None, day: date
) -> CompetencyFit:
    competency, level = str(required["competency"]), int(required["level"])
    if latest is None:
        return CompetencyFit(
            competency=competency,
            required_level=level,
            level=None,
            assessed_on=None,
            fits=False,
            reason=f"截至 {day} 未测评 (not assessed by {day})",
        )
    fits = latest.level >= level
    sign = ">=" if fits else "<"
    return CompetencyFit(
        competency=competency,
        required_level=level,
        level=latest.level,
        assessed_on=latest.assessed_on,
        fits=fits,
        reason=(
            f"{latest.assessed_on} 测评 {latest.level} {sign} 要求 {level} "
            f"(assessed {latest.level} on {latest.assessed_on}, {sign} required {level})"
        ),
    )


def role_fit(facts: CompetencyFacts, day: date) -> RoleFit:
    """Each holder of a core, active position active on ``day``, fitting or not and why."""
    latest: dict[tuple[str, str], CompetencyAssessment] = {}
    for assessment in facts.assessments:
        if assessment.assessed_on <= day:
            latest[(assessment.member_id, assessment.competency)] = assessment
    holders = []
    for member in facts.members:
        position = facts.positions.get(member.position_id or "")
        if position is None or not (position.core and position.active):
            continue
        if not _active_on(member, day):
            continue
        fits = [
            _competency_fit(required, latest.get((member.id, required["competency"])), day)
            for required in position.required_competencies
        ]
        holders.append(
            HolderFit(
                member_id=member.id,
                position_id=position.id,
                position_title=position.title,
                fits=all(f.fits for f in fits),
                competencies=fits,
            )
        )
    return RoleFit(day, holders)


def ids(items: Sequence[CompetencyAssessment]) -> list[str]:
    return [a.id for a in items]
