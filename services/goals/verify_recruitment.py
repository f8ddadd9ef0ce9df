"""Recruitment's part of goals' invariant checker: a requisition counts exactly the
candidates hired on it, and an erased candidate holds no personal data."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from shared.verify import Drift

SERVICE = "goals"


async def drift(session: AsyncSession) -> list[Drift]:
    found = [
        Drift(
            SERVICE,
            "requisition-hires",
            requisition_id,
            str(hires),
            str(hired),
            detail="the requisition's hires differ from its candidates hired",
        )
        for requisition_id, hires, hired in await repository.hires_against_hired(session)
    ]
    found += [
        Drift(
            SERVICE,
            "candidate-erasure",
            candidate_id,
            "personal data",
            None,
            detail="the candidate is marked erased but still holds personal data",
        )
        for candidate_id in await repository.erased_but_personal(session)
    ]
    return found
