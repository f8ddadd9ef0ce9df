"""Recruitment: headcount requisitions and their decisions, candidates through the
pipeline, the hire, and the erasure of candidates' personal data."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy.ext.asyncio import AsyncSession

from goals.api.deps import ScopeDep, SettingsDep, TodayDep
from goals.models import Candidate, CandidateStep
from goals.schemas.recruitment import (
    CandidateClose,
    CandidateCreate,
    CandidateErasureRead,
    CandidateErasureRun,
    CandidateRead,
    CandidateStatus,
    CandidateStepCreate,
    CandidateStepRead,
    HireCreate,
    OfferAnswer,
    RequisitionApprove,
    RequisitionCreate,
    RequisitionRead,
    RequisitionReject,
    RequisitionStatus,
)
from goals.service import candidates, hiring, recruitment, retention
from goals.service.access import Scope
from shared.api import Page
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["recruitment"])

RequisitionsPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=["created_at", "period", "status"], default="created_at")),
]
CandidatesPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=["created_at", "stage", "status"], default="created_at")),
]
ErasuresPage = Annotated[
    PageQuery, Depends(page_query(sortable=["erased_at", "closed_on"], default="erased_at"))
]


def _candidate(candidate: Candidate, steps: list[CandidateStep]) -> CandidateRead:
    read = CandidateRead.model_validate(candidate)
    read.steps = [CandidateStepRead.model_validate(s) for s in steps]
    return read


@router.post("/requisitions", status_code=201, response_model=RequisitionRead)
async def propose_requisition(
    body: RequisitionCreate, session: SessionDep, scope: ScopeDep, response: Response
) -> RequisitionRead:
    """Propose a headcount requisition for a position of a unit (a manager of the unit or
    of a unit above it, HR or admins), with its channels and pipeline stages."""
    requisition = await recruitment.propose(session, scope=scope, body=body)
    response.headers["Location"] = f"/goals/requisitions/{requisition.id}"
    return RequisitionRead.model_validate(requisition)


@router.get("/requisitions", response_model=Page[RequisitionRead])
async def list_requisitions(
    session: SessionDep,
    scope: ScopeDep,
    page: RequisitionsPage,
    status: RequisitionStatus | None = None,
) -> Page[RequisitionRead]:
    """The requisitions you may see (HR and admins all, managers their units' subtree, and
    those you proposed or hire for), a page at a time."""
    found, next_cursor = await recruitment.list_requisitions(
        session, scope=scope, status=status.value if status else None, page=page
    )
    return Page[RequisitionRead](
        items=[RequisitionRead.model_validate(r) for r in found], next_cursor=next_cursor
    )


@router.get("/requisitions/{requisition_id}", response_model=RequisitionRead)
async def get_requisition(
    requisition_id: str, session: SessionDep, scope: ScopeDep
) -> RequisitionRead:
    """Read one requisition (404 when it is not yours to see)."""
    return RequisitionRead.model_validate(
        await recruitment.readable_requisition(session, scope=scope, requisition_id=requisition_id)
    )


@router.post("/requisitions/{requisition_id}/approve", response_model=RequisitionRead)
async def approve_requisition(
    requisition_id: str, body: RequisitionApprove, session: SessionDep, scope: ScopeDep
) -> RequisitionRead:
    """Approve a requisition (HR, admins or a manager above its unit; never its proposer or
    hiring manager: 403); publishes ``RequisitionApproved``."""
    return RequisitionRead.model_validate(
        await recruitment.approve(session, scope=scope, requisition_id=requisition_id, body=body)
    )


@router.post("/requisitions/{requisition_id}/reject", response_model=RequisitionRead)
async def reject_requisition(
    requisition_id: str, body: RequisitionReject, session: SessionDep, scope: ScopeDep
) -> RequisitionRead:
    """Reject a requisition with a reason (the same deciders as approval)."""
    return RequisitionRead.model_validate(
        await recruitment.reject(session, scope=scope, requisition_id=requisition_id, body=body)
    )


@router.post("/requisitions/{requisition_id}/close", response_model=RequisitionRead)
async def close_requisition(
    requisition_id: str, body: RequisitionReject, session: SessionDep, scope: ScopeDep
) -> RequisitionRead:
    """Stop hiring on an approved requisition before it is filled, with a reason."""
    return RequisitionRead.model_validate(
        await recruitment.close(session, scope=scope, requisition_id=requisition_id, body=body)
    )


@router.post(
    "/requisitions/{requisition_id}/candidates", status_code=201, response_model=CandidateRead
)
async def add_candidate(
    requisition_id: str,
    body: CandidateCreate,
    session: SessionDep,
    scope: ScopeDep,
    response: Response,
) -> CandidateRead:
    """Add a candidate to an approved, unfilled requisition (HR, admins, its hiring
    manager), through one of its channels."""
    candidate = await candidates.add_candidate(
        session, scope=scope, requisition_id=requisition_id, body=body
    )
    response.headers["Location"] = f"/goals/candidates/{candidate.id}"
    return _candidate(candidate, [])


@router.get("/requisitions/{requisition_id}/candidates", response_model=Page[CandidateRead])
async def list_candidates(
    requisition_id: str, session: SessionDep, scope: ScopeDep, page: CandidatesPage
) -> Page[CandidateRead]:
    """A requisition's candidates with their steps (HR, admins, its hiring manager and
    proposer; 404 for anyone else)."""
    found, next_cursor = await candidates.list_candidates(
        session, scope=scope, requisition_id=requisition_id, page=page
    )
    return Page[CandidateRead](
        items=[_candidate(c, steps) for c, steps in found], next_cursor=next_cursor
    )


@router.post("/candidates/erase-expired", response_model=CandidateErasureRun)
async def erase_expired_candidates(
    session: SessionDep, scope: ScopeDep, settings: SettingsDep, today: TodayDep
) -> CandidateErasureRun:
    """Erase the personal data of candidates not hired and closed longer than the retention
    period (HR and admins; for an outside scheduler); each erasure is recorded."""
    return await retention.erase_on_request(session, scope=scope, today=today, settings=settings)


@router.get("/candidate-erasures", response_model=Page[CandidateErasureRead])
async def list_candidate_erasures(
    session: SessionDep, scope: ScopeDep, page: ErasuresPage
) -> Page[CandidateErasureRead]:
    """The record of erasures of candidates' personal data (HR and admins)."""
    found, next_cursor = await retention.list_erasures(session, scope=scope, page=page)
    return Page[CandidateErasureRead](
        items=[CandidateErasureRead.model_validate(e) for e in found], next_cursor=next_cursor
    )


@router.get("/candidates/{candidate_id}", response_model=CandidateRead)
async def get_candidate(candidate_id: str, session: SessionDep, scope: ScopeDep) -> CandidateRead:
    """A candidate with their steps in order (HR, admins, the requisition's hiring manager
    and proposer; 404 for anyone else)."""
    candidate, steps = await candidates.read_candidate(
        session, scope=scope, candidate_id=candidate_id
    )
    return _candidate(candidate, steps)


@router.post("/candidates/{candidate_id}/steps", status_code=201, response_model=CandidateRead)
async def record_step(
    candidate_id: str,
    body: CandidateStepCreate,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
) -> CandidateRead:
    """Record a stage's outcome with criteria and scores against the position's
    competencies; optional stages passed over are recorded as skipped, a core role's
    background check is never skipped (422 on stage); a failed step rejects the candidate."""
    candidate, steps = await candidates.record_step(
        session, scope=scope, candidate_id=candidate_id, body=body, today=today
    )
    return _candidate(candidate, steps)


@router.post("/candidates/{candidate_id}/offer-answer", response_model=CandidateRead)
async def answer_offer(
    candidate_id: str, body: OfferAnswer, session: SessionDep, scope: ScopeDep, today: TodayDep
) -> CandidateRead:
    """The candidate's answer to the offer: accepted, or declined."""
    candidate, steps = await candidates.answer_offer(
        session, scope=scope, candidate_id=candidate_id, body=body, today=today
    )
    return _candidate(candidate, steps)


@router.post("/candidates/{candidate_id}/withdraw", response_model=CandidateRead)
async def withdraw_candidate(
    candidate_id: str,
    body: CandidateClose,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
) -> CandidateRead:
    """The candidate withdrew, with the reason."""
    return await _end(session, scope, candidate_id, body, CandidateStatus.withdrawn, today)


@router.post("/candidates/{candidate_id}/reject", response_model=CandidateRead)
async def reject_candidate(
    candidate_id: str,
    body: CandidateClose,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
) -> CandidateRead:
    """Reject the candidate, with the reason."""
    return await _end(session, scope, candidate_id, body, CandidateStatus.rejected, today)


async def _end(
    session: AsyncSession,
    scope: Scope,
    candidate_id: str,
    body: CandidateClose,
    status: CandidateStatus,
    today: date,
) -> CandidateRead:
    candidate, steps = await candidates.end(
        session, scope=scope, candidate_id=candidate_id, body=body, status=status, today=today
    )
    return _candidate(candidate, steps)


@router.post("/candidates/{candidate_id}/hire", response_model=CandidateRead)
async def hire_candidate(
    candidate_id: str,
    body: HireCreate,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
    response: Response,
) -> CandidateRead:
    """Hire an accepted candidate (HR and admins): the member is created in the position's
    unit as a newcomer with a mentor; publishes ``MemberChanged`` and ``CandidateHired``."""
    candidate, steps, member = await hiring.hire(
        session, scope=scope, candidate_id=candidate_id, body=body, today=today
    )
    response.headers["Location"] = f"/goals/members/{member.id}"
    return _candidate(candidate, steps)
