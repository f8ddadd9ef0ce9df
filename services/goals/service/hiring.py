"""The hire (HR and admins): an accepted candidate becomes a member of the position's unit,
with the position's layer and title, as a newcomer with a mentor, in one transaction with
``MemberChanged`` (carrying the position and the mentor) and ``CandidateHired``. It counts
towards the requisition, which is filled at its headcount."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import CandidateHired, outbox
from goals.models import Candidate, CandidateStep, Member
from goals.schemas.org import Layer, MemberCreate, Tier
from goals.schemas.recruitment import (
    CandidateStatus,
    CandidateStepOutcome,
    HireCreate,
    RequisitionStatus,
)
from goals.service.access import Scope
from goals.service.candidates import append_step, candidate_for, steps_of
from goals.service.org import add_member
from goals.service.recruitment import BACKGROUND_CHECK, position_of
from shared.errors import Conflict, Forbidden


async def hire(
    session: AsyncSession, *, scope: Scope, candidate_id: str, body: HireCreate, today: date
) -> tuple[Candidate, list[CandidateStep], Member]:
    candidate, requisition = await candidate_for(
        session, scope=scope, candidate_id=candidate_id, write=True
    )
    if not scope.everything:
        raise Forbidden("HR and admins hire")
    if candidate.status != CandidateStatus.accepted:
        raise Conflict(f"the candidate is {candidate.status}; only an accepted offer is hired")
    locked = await repository.get_requisition(session, requisition_id=requisition.id, lock=True)
    assert locked is not None  # a foreign key
    requisition = locked
    if requisition.hires >= requisition.headcount:
        raise Conflict(
            f"the requisition is filled: {requisition.hires} of {requisition.headcount} hired"
        )
    if requisition.status != RequisitionStatus.approved:
        raise Conflict(f"the requisition is {requisition.status}; hires need an approved one")
    position = await position_of(session, requisition)
    steps = await steps_of(session, candidate)
    if position.core and not any(
        s.stage == BACKGROUND_CHECK and s.outcome == CandidateStepOutcome.passed for s in steps
    ):
        raise Conflict(
            f"position {position.id} is a core role: hiring needs a passed background check"
        )
    assert candidate.name is not None  # erased only once closed without a hire
    member = await add_member(
        session,
        body=MemberCreate(
            id=body.member_id,
            name=candidate.name,
            email=body.email or candidate.email,
            home_unit_id=position.unit_id,
            layer=Layer(position.layer),
            title=position.title,
            manager_id=body.manager_id,
            tier=Tier.newcomer,
            hired_on=body.hired_on,
            position_id=position.id,
        ),
        today=today,
        mentor_id=body.mentor_id,
        mentor_months=body.mentorship_months,
    )
    await append_step(
        session,
        candidate,
        steps,
        stage=CandidateStatus.hired.value,
        outcome=CandidateStepOutcome.final,
        by=scope.principal.member_id,
    )
    candidate.status = CandidateStatus.hired.value
    candidate.member_id = member.id
    candidate.closed_on = today
    candidate.version += 1
    requisition.hires += 1
    if requisition.hires == requisition.headcount:
        requisition.status = RequisitionStatus.filled.value
    requisition.version += 1
    await session.flush()
    await outbox.publish(
        session,
        CandidateHired(
            candidate_id=candidate.id,
            requisition_id=requisition.id,
            position_id=position.id,
            unit_id=position.unit_id,
            member_id=member.id,
            hired_on=body.hired_on,
            mentor_id=body.mentor_id,
            core=position.core,
        ),
    )
    return candidate, steps, member
