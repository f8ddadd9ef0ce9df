"""Candidates through a requisition's pipeline: each step with who, when, the outcome, the
criteria and the scores against the position's competencies; the answer to the offer,
withdrawal and rejection. A background check is never skipped for a core position.

A candidate's personal data (name, email, phone, resume note, notes) is read only by HR,
admins and the requisition's hiring manager and proposer; everyone else gets a 404. HR,
admins and the hiring manager add candidates and record their steps."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import Candidate, CandidateStep, Requisition
from goals.schemas.recruitment import (
    CandidateClose,
    CandidateCreate,
    CandidateStatus,
    CandidateStepCreate,
    CandidateStepOutcome,
    OfferAnswer,
    RequisitionStatus,
)
from goals.service.access import Scope
from goals.service.recruitment import BACKGROUND_CHECK, REQUIRED_STAGES, STAGE_ORDER, position_of
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable, invalid
from shared.paging import PageQuery

OPEN = (CandidateStatus.active, CandidateStatus.offered, CandidateStatus.accepted)


def reads_candidates(scope: Scope, requisition: Requisition) -> bool:
    me = scope.principal.member_id
    return scope.everything or me in (requisition.hiring_manager_id, requisition.proposed_by)


def writes_candidates(scope: Scope, requisition: Requisition) -> bool:
    return scope.everything or scope.principal.member_id == requisition.hiring_manager_id


async def _requisition_for(
    session: AsyncSession, *, scope: Scope, requisition_id: str, write: bool
) -> Requisition:
    requisition = await repository.get_requisition(session, requisition_id=requisition_id)
    if requisition is None or not reads_candidates(scope, requisition):
        raise NotFound(
            f"requisition {requisition_id}'s candidates do not exist or are not yours to see"
        )
    if write and not writes_candidates(scope, requisition):
        raise Forbidden("HR, admins and the hiring manager handle a requisition's candidates")
    return requisition


async def candidate_for(
    session: AsyncSession, *, scope: Scope, candidate_id: str, write: bool
) -> tuple[Candidate, Requisition]:
    """The candidate (locked when ``write``) and its requisition, if the principal may read
    it (404 otherwise) and, for ``write``, handle it (403)."""
    candidate = await repository.get_candidate(session, candidate_id=candidate_id, lock=write)
    requisition = (
        None
        if candidate is None
        else await repository.get_requisition(session, requisition_id=candidate.requisition_id)
    )
    if candidate is None or requisition is None or not reads_candidates(scope, requisition):
        raise NotFound(f"candidate {candidate_id} does not exist or is not yours to see")
    if write and not writes_candidates(scope, requisition):
        raise Forbidden("HR, admins and the hiring manager handle a requisition's candidates")
    return candidate, requisition


async def add_candidate(
    session: AsyncSession, *, scope: Scope, requisition_id: str, body: CandidateCreate
) -> Candidate:
    requisition = await _requisition_for(
        session, scope=scope, requisition_id=requisition_id, write=True
    )
    if requisition.status != RequisitionStatus.approved:
        raise Conflict(
            f"the requisition is {requisition.status}: candidates are added to an approved "
            "requisition that is not filled"
        )
    if body.channel.value not in requisition.channels:
        raise invalid(
            "channel",
            f"{body.channel.value} is not one of the requisition's channels: "
            f"{', '.join(requisition.channels)}",
        )
    candidate: Candidate = await repository.add(
        session,
        row=Candidate(
            id=str(uuid.uuid4()),
            requisition_id=requisition.id,
            name=body.name,
            email=body.email,
            phone=body.phone,
            resume_note=body.resume_note,
            channel=body.channel.value,
            stage=STAGE_ORDER[0],
            status=CandidateStatus.active.value,
            added_by=scope.principal.member_id,
            version=1,
        ),
    )
    await session.refresh(candidate)
    return candidate


def _score_errors(scores: list[dict[str, Any]], required: set[str]) -> Unprocessable | None:
    errors = [
        {
            "loc": ["body", "scores", i, "competency"],
            "msg": f"{score['competency']} is not a competency the position requires "
            f"({', '.join(sorted(required)) or 'none'})",
            "type": "value_error",
        }
        for i, score in enumerate(scores)
        if score["competency"] not in required
    ]
    if not errors:
        return None
    return Unprocessable(str(errors[0]["msg"]), errors=errors)


async def append_step(
    session: AsyncSession,
    candidate: Candidate,
    steps: list[CandidateStep],
    *,
    stage: str,
    outcome: CandidateStepOutcome,
    by: str,
    note: str | None = None,
    criteria: list[str] | None = None,
    scores: list[dict[str, Any]] | None = None,
) -> None:
    step = CandidateStep(
        id=str(uuid.uuid4()),
        candidate_id=candidate.id,
        seq=len(steps) + 1,
        stage=stage,
        outcome=outcome.value,
        criteria=criteria or [],
        scores=scores or [],
        note=note,
        recorded_by=by,
        recorded_at=datetime.now(UTC),
    )
    session.add(step)
    steps.append(step)


async def steps_of(session: AsyncSession, candidate: Candidate) -> list[CandidateStep]:
    return (await repository.steps_of(session, candidate_ids=[candidate.id])).get(candidate.id, [])


def _close(candidate: Candidate, status: CandidateStatus, note: str | None, today: date) -> None:
    candidate.status = status.value
    candidate.close_note = note
    candidate.closed_on = today


async def record_step(
    session: AsyncSession,
    *,
    scope: Scope,
    candidate_id: str,
    body: CandidateStepCreate,
    today: date,
) -> tuple[Candidate, list[CandidateStep]]:
    """Record a stage's outcome. The stage comes after the candidate's current one; optional
    stages in between are recorded as skipped; a required stage, or the background check of
    a core position, cannot be skipped (422 on ``stage``). A failed step rejects the
    candidate, its note being the reason."""
    candidate, requisition = await candidate_for(
        session, scope=scope, candidate_id=candidate_id, write=True
    )
    if candidate.status != CandidateStatus.active:
        raise Conflict(f"the candidate is {candidate.status}; steps are recorded while active")
    position = await position_of(session, requisition)
    stages, stage = list(requisition.stages), body.stage.value
    if position.core and BACKGROUND_CHECK not in stages:  # the position became core since
        stages = sorted([*stages, BACKGROUND_CHECK], key=STAGE_ORDER.index)
    if stage not in stages:
        raise invalid("stage", f"{stage} is not in this requisition's pipeline: {stages}")
    current = stages.index(candidate.stage)
    if stages.index(stage) <= current:
        raise invalid("stage", f"{stage} does not come after the current stage {candidate.stage}")
    passed = await steps_of(session, candidate)
    skipped = stages[current + 1 : stages.index(stage)]
    for code in skipped:
        if code in REQUIRED_STAGES:
            raise invalid("stage", f"{code} cannot be skipped on the way to {stage}")
    background_done = any(
        s.stage == BACKGROUND_CHECK and s.outcome == CandidateStepOutcome.passed for s in passed
    )
    if (
        position.core
        and STAGE_ORDER.index(stage) > STAGE_ORDER.index(BACKGROUND_CHECK)
        and not background_done
    ):
        raise invalid(
            "stage",
            f"position {position.id} is a core role: its background check cannot be skipped "
            f"(it comes before {stage})",
        )
    scores = [s.model_dump() for s in body.scores]
    problem = _score_errors(scores, {str(c["competency"]) for c in position.required_competencies})
    if problem is not None:
        raise problem
    if body.outcome.value == CandidateStepOutcome.failed and not body.note:
        raise invalid("note", "a failed step rejects the candidate: the note gives the reason")
    me = scope.principal.member_id
    for code in skipped:
        await append_step(
            session, candidate, passed, stage=code, outcome=CandidateStepOutcome.skipped, by=me
        )
    await append_step(
        session,
        candidate,
        passed,
        stage=stage,
        outcome=CandidateStepOutcome(body.outcome.value),
        by=me,
        note=body.note,
        criteria=list(body.criteria),
        scores=scores,
    )
    candidate.stage = stage
    if body.outcome.value == CandidateStepOutcome.failed:
        _close(candidate, CandidateStatus.rejected, body.note, today)
    elif stage == STAGE_ORDER[-1]:
        candidate.status = CandidateStatus.offered.value
    candidate.version += 1
    await session.flush()
    return candidate, passed


async def answer_offer(
    session: AsyncSession, *, scope: Scope, candidate_id: str, body: OfferAnswer, today: date
) -> tuple[Candidate, list[CandidateStep]]:
    candidate, _ = await candidate_for(session, scope=scope, candidate_id=candidate_id, write=True)
    if candidate.status != CandidateStatus.offered:
        raise Conflict(f"the candidate is {candidate.status}; only an offer is answered")
    steps = await steps_of(session, candidate)
    answer = CandidateStatus.accepted if body.accepted else CandidateStatus.declined
    await append_step(
        session,
        candidate,
        steps,
        stage=answer.value,
        outcome=CandidateStepOutcome.final,
        by=scope.principal.member_id,
        note=body.note,
    )
    if body.accepted:
        candidate.status = answer.value
    else:
        _close(candidate, answer, body.note, today)
    candidate.version += 1
    await session.flush()
    return candidate, steps


async def end(
    session: AsyncSession,
    *,
    scope: Scope,
    candidate_id: str,
    body: CandidateClose,
    status: CandidateStatus,
    today: date,
) -> tuple[Candidate, list[CandidateStep]]:
    """The candidate withdrew, or was rejected, with a reason."""
    candidate, _ = await candidate_for(session, scope=scope, candidate_id=candidate_id, write=True)
    if candidate.status not in OPEN:
        raise Conflict(f"the candidate is already {candidate.status}")
    steps = await steps_of(session, candidate)
    await append_step(
        session,
        candidate,
        steps,
        stage=status.value,
        outcome=CandidateStepOutcome.final,
        by=scope.principal.member_id,
        note=body.reason,
    )
    _close(candidate, status, body.reason, today)
    candidate.version += 1
    await session.flush()
    return candidate, steps


async def read_candidate(
    session: AsyncSession, *, scope: Scope, candidate_id: str
) -> tuple[Candidate, list[CandidateStep]]:
    candidate, _ = await candidate_for(session, scope=scope, candidate_id=candidate_id, write=False)
    return candidate, await steps_of(session, candidate)


async def list_candidates(
    session: AsyncSession, *, scope: Scope, requisition_id: str, page: PageQuery
) -> tuple[list[tuple[Candidate, list[CandidateStep]]], str | None]:
    await _requisition_for(session, scope=scope, requisition_id=requisition_id, write=False)
    found, next_cursor = await repository.list_candidates(
        session, requisition_id=requisition_id, page=page
    )
    steps = await repository.steps_of(session, candidate_ids=[c.id for c in found])
    return [(c, steps.get(c.id, [])) for c in found], next_cursor
