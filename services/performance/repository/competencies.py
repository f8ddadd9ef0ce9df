"""Queries on position copies and competency assessments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from performance.models import CompetencyAssessment, PositionCopy
from shared.paging import Column, PageQuery

__all__ = [
    "ASSESSMENT_COLUMNS",
    "ASSESSMENT_SORTS",
    "assessments_of",
    "assessments_page",
    "get_assessment",
    "get_position",
    "position_copies",
    "positions_by_ids",
]

ASSESSMENT_COLUMNS: dict[str, Column] = {
    "assessed_on": CompetencyAssessment.assessed_on,
    "created_at": CompetencyAssessment.created_at,
    "competency": CompetencyAssessment.competency,
    "member_id": CompetencyAssessment.member_id,
}
ASSESSMENT_SORTS = tuple(ASSESSMENT_COLUMNS)


async def get_position(session: AsyncSession, *, position_id: str) -> PositionCopy | None:
    return await session.get(PositionCopy, position_id)


async def position_copies(session: AsyncSession) -> list[PositionCopy]:
    return list((await session.scalars(select(PositionCopy).order_by(PositionCopy.id))).all())


async def positions_by_ids(
    session: AsyncSession, *, position_ids: Iterable[str]
) -> dict[str, PositionCopy]:
    wanted = list(set(position_ids))
    if not wanted:
        return {}
    rows = await session.scalars(select(PositionCopy).where(PositionCopy.id.in_(wanted)))
    return {row.id: row for row in rows}


async def get_assessment(
    session: AsyncSession, *, assessment_id: str
) -> CompetencyAssessment | None:
    return await session.get(CompetencyAssessment, assessment_id)


async def assessments_page(
    session: AsyncSession, *, member_ids: Iterable[str] | None, page: PageQuery
) -> tuple[list[CompetencyAssessment], str | None]:
    """One page of the assessments of ``member_ids`` (of everyone when None)."""
    query = select(CompetencyAssessment)
    if member_ids is not None:
        query = query.where(CompetencyAssessment.member_id.in_(list(member_ids)))
    return await page.fetch(session, query, ASSESSMENT_COLUMNS, CompetencyAssessment.id)


async def assessments_of(
    session: AsyncSession, *, member_ids: Iterable[str], through: date
) -> list[CompetencyAssessment]:
    """Every assessment of ``member_ids`` on or before ``through``, in the order they were
    made (by day, then by when they were recorded)."""
    wanted = list(set(member_ids))
    if not wanted:
        return []
    rows = await session.scalars(
        select(CompetencyAssessment)
        .where(
            CompetencyAssessment.member_id.in_(wanted),
            CompetencyAssessment.assessed_on <= through,
        )
        .order_by(
            CompetencyAssessment.assessed_on,
            CompetencyAssessment.created_at,
            CompetencyAssessment.id,
        )
    )
    return list(rows.all())
