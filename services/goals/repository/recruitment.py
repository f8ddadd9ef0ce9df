"""Queries on recruitment: requisitions, candidates with their steps, erasures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import Candidate, CandidateErasure, CandidateStep, Position, Requisition
from shared.paging import PageQuery

REQUISITION_SORTS = {
    "created_at": Requisition.created_at,
    "period": Requisition.period,
    "status": Requisition.status,
}
CANDIDATE_SORTS = {
    "created_at": Candidate.created_at,
    "stage": Candidate.stage,
    "status": Candidate.status,
}


async def position_to_hire_for(session: AsyncSession, *, position_id: str) -> Position | None:
    return await session.get(Position, position_id)


async def get_requisition(
    session: AsyncSession, *, requisition_id: str, lock: bool = False
) -> Requisition | None:
    if lock:
        return await session.get(
            Requisition, requisition_id, with_for_update=True, populate_existing=True
        )
    return await session.get(Requisition, requisition_id)


async def list_requisitions(
    session: AsyncSession,
    *,
    unit_ids: Iterable[str] | None,
    reader_id: str,
    status: str | None,
    page: PageQuery,
) -> tuple[list[Requisition], str | None]:
    """Requisitions of ``unit_ids`` (every one when None), and those ``reader_id`` proposed
    or hires for."""
    query = select(Requisition)
    if unit_ids is not None:
        query = query.where(
            or_(
                Requisition.unit_id.in_(list(unit_ids)),
                Requisition.proposed_by == reader_id,
                Requisition.hiring_manager_id == reader_id,
            )
        )
    if status is not None:
        query = query.where(Requisition.status == status)
    return await page.fetch(session, query, REQUISITION_SORTS, Requisition.id)


async def get_candidate(
    session: AsyncSession, *, candidate_id: str, lock: bool = False
) -> Candidate | None:
    if lock:
        return await session.get(
            Candidate, candidate_id, with_for_update=True, populate_existing=True
        )
    return await session.get(Candidate, candidate_id)


async def list_candidates(
    session: AsyncSession, *, requisition_id: str, page: PageQuery
) -> tuple[list[Candidate], str | None]:
    query = select(Candidate).where(Candidate.requisition_id == requisition_id)
    return await page.fetch(session, query, CANDIDATE_SORTS, Candidate.id)


async def steps_of(
    session: AsyncSession, *, candidate_ids: Iterable[str]
) -> dict[str, list[CandidateStep]]:
    """Each candidate's steps in order."""
    rows = await session.scalars(
        select(CandidateStep)
        .where(CandidateStep.candidate_id.in_(list(candidate_ids)))
        .order_by(CandidateStep.candidate_id, CandidateStep.seq)
    )
    found: dict[str, list[CandidateStep]] = {}
    for step in rows:
        found.setdefault(step.candidate_id, []).append(step)
    return found


async def erasable_candidates(
    session: AsyncSession, *, statuses: Iterable[str], closed_before: date
) -> list[Candidate]:
    """Candidates closed with one of ``statuses`` before ``closed_before`` whose personal
    data is still there, locked for the erasure."""
    rows = await session.scalars(
        select(Candidate)
        .where(
            Candidate.status.in_(list(statuses)),
            Candidate.closed_on < closed_before,
            Candidate.erased_at.is_(None),
        )
        .order_by(Candidate.closed_on, Candidate.id)
        .with_for_update(skip_locked=True)
    )
    return list(rows.all())


async def list_erasures(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[CandidateErasure], str | None]:
    return await page.fetch(
        session,
        select(CandidateErasure),
        {"erased_at": CandidateErasure.erased_at, "closed_on": CandidateErasure.closed_on},
        CandidateErasure.id,
    )


async def hires_against_hired(session: AsyncSession) -> list[tuple[str, int, int]]:
    """Each requisition's ``hires`` beside the number of its candidates hired, where they
    differ (the invariant checker)."""
    hired = func.count(Candidate.id).filter(Candidate.status == "hired")
    rows = await session.execute(
        select(Requisition.id, Requisition.hires, hired)
        .outerjoin(Candidate, Candidate.requisition_id == Requisition.id)
        .group_by(Requisition.id, Requisition.hires)
        .having(Requisition.hires != hired)
    )
    return [(row[0], row[1], row[2]) for row in rows.all()]


async def erased_but_personal(session: AsyncSession) -> list[str]:
    """Candidates marked erased that still hold personal data (the invariant checker)."""
    rows = await session.scalars(
        select(Candidate.id).where(
            Candidate.erased_at.is_not(None),
            or_(
                Candidate.name.is_not(None),
                Candidate.email.is_not(None),
                Candidate.phone.is_not(None),
                Candidate.resume_note.is_not(None),
                Candidate.close_note.is_not(None),
                Candidate.id.in_(
                    select(CandidateStep.candidate_id).where(CandidateStep.note.is_not(None))
                ),
            ),
        )
    )
    return list(rows.all())
