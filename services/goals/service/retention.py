"""The erasure of candidates' personal data: a candidate who was not hired (rejected,
withdrawn, declined) loses name, email, phone, resume note, closing note and the notes of
their steps once closed for longer than ``candidate_retention_days`` (180 by default), as
personal-information law expects. The candidate stays, with stages, scores, outcome and
channel (the recruitment statistics), and ``erased_at``; each erasure is recorded in
``candidate_erasures``. Runs as the periodic job ``candidate-erasure`` and on
``POST /goals/candidates/erase-expired`` for an outside scheduler. Hired candidates are
never erased by it: they are members now."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import CandidateErasure
from goals.schemas.recruitment import CandidateErasureRun, CandidateStatus
from goals.service.access import Scope, require_admin
from goals.settings import Settings
from shared.db import Database
from shared.paging import PageQuery

ERASED_FIELDS = ["name", "email", "phone", "resume_note", "close_note", "step_notes"]
NOT_HIRED = [CandidateStatus.rejected, CandidateStatus.withdrawn, CandidateStatus.declined]
JOB = "system:candidate-erasure"


async def erase_expired(
    session: AsyncSession, *, today: date, retention_days: int, by: str
) -> CandidateErasureRun:
    """Erase the personal data of every candidate not hired and closed more than
    ``retention_days`` before ``today``; record each erasure."""
    found = await repository.erasable_candidates(
        session,
        statuses=[s.value for s in NOT_HIRED],
        closed_before=today - timedelta(days=retention_days),
    )
    steps = await repository.steps_of(session, candidate_ids=[c.id for c in found])
    now = datetime.now(UTC)
    for candidate in found:
        candidate.name = candidate.email = candidate.phone = None
        candidate.resume_note = candidate.close_note = None
        candidate.erased_at = now
        candidate.version += 1
        for step in steps.get(candidate.id, []):
            step.note = None
            step.scores = [{**score, "note": None} for score in step.scores]
        assert candidate.closed_on is not None  # selected as closed
        session.add(
            CandidateErasure(
                id=str(uuid.uuid4()),
                candidate_id=candidate.id,
                requisition_id=candidate.requisition_id,
                closed_on=candidate.closed_on,
                erased_at=now,
                retention_days=retention_days,
                fields=list(ERASED_FIELDS),
                erased_by=by,
            )
        )
    await session.flush()
    return CandidateErasureRun(erased=len(found), candidate_ids=[c.id for c in found], today=today)


async def erase_on_request(
    session: AsyncSession, *, scope: Scope, today: date, settings: Settings
) -> CandidateErasureRun:
    """The erasure for an outside scheduler (HR and admins)."""
    require_admin(scope.principal)
    return await erase_expired(
        session,
        today=today,
        retention_days=settings.candidate_retention_days,
        by=scope.principal.member_id,
    )


async def erase_on_timer(db: Database, settings: Settings, *, today: date | None = None) -> int:
    """One pass of the periodic erasure on ``today`` (the organisation's, by default)."""
    day = today or datetime.now(ZoneInfo(settings.timezone)).date()
    async with db.transaction() as session:
        run = await erase_expired(
            session, today=day, retention_days=settings.candidate_retention_days, by=JOB
        )
    return run.erased


async def list_erasures(
    session: AsyncSession, *, scope: Scope, page: PageQuery
) -> tuple[list[CandidateErasure], str | None]:
    require_admin(scope.principal)
    return await repository.list_erasures(session, page=page)
