"""Queries on positions, their job-description versions and reviews, and on the members
team composition counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import (
    Member,
    OrgUnit,
    Position,
    PositionReview,
    PositionVersion,
    SquadMembership,
)
from shared.paging import PageQuery


async def get_position(session: AsyncSession, *, position_id: str) -> Position | None:
    return await session.get(Position, position_id)


async def list_positions(
    session: AsyncSession,
    *,
    unit_ids: Iterable[str] | None,
    core: bool | None,
    due_before: date | None,
    include_inactive: bool,
    page: PageQuery,
) -> tuple[list[Position], str | None]:
    query = select(Position)
    if unit_ids is not None:
        query = query.where(Position.unit_id.in_(list(unit_ids)))
    if core is not None:
        query = query.where(Position.core.is_(core))
    if due_before is not None:
        query = query.where(Position.review_due_on < due_before)
    if not include_inactive:
        query = query.where(Position.active.is_(True))
    return await page.fetch(
        session,
        query,
        {
            "title": Position.title,
            "review_due_on": Position.review_due_on,
            "created_at": Position.created_at,
        },
        Position.id,
    )


async def list_position_versions(
    session: AsyncSession, *, position_id: str, page: PageQuery
) -> tuple[list[PositionVersion], str | None]:
    return await page.fetch(
        session,
        select(PositionVersion).where(PositionVersion.position_id == position_id),
        {"jd_version": PositionVersion.jd_version},
    )


async def list_position_reviews(
    session: AsyncSession, *, position_id: str, page: PageQuery
) -> tuple[list[PositionReview], str | None]:
    return await page.fetch(
        session,
        select(PositionReview).where(PositionReview.position_id == position_id),
        {"reviewed_on": PositionReview.reviewed_on},
        PositionReview.recorded_at,
        PositionReview.id,
    )


async def position_holders(session: AsyncSession, *, position_id: str) -> int:
    """How many members (who have not left) hold the position."""
    count = await session.scalar(
        select(func.count())
        .select_from(Member)
        .where(Member.position_id == position_id, Member.left_on.is_(None))
    )
    return int(count or 0)


async def members_present(
    session: AsyncSession, *, home_unit_ids: Iterable[str], squad_ids: Iterable[str], on: date
) -> tuple[list[Member], dict[str, list[str]]]:
    """The members present on ``on`` (hired, not yet gone) whose home unit is one of
    ``home_unit_ids`` or who are in one of ``squad_ids``, and each squad's member ids."""
    squads = list(squad_ids)
    rows = await session.execute(
        select(SquadMembership.squad_id, SquadMembership.member_id).where(
            SquadMembership.squad_id.in_(squads)
        )
    )
    in_squads: dict[str, list[str]] = {}
    for row in rows:
        in_squads.setdefault(row.squad_id, []).append(row.member_id)
    squad_member_ids = {m for ids in in_squads.values() for m in ids}
    found = await session.scalars(
        select(Member).where(
            Member.home_unit_id.in_(list(home_unit_ids)) | Member.id.in_(squad_member_ids),
            Member.hired_on <= on,
            Member.left_on.is_(None) | (Member.left_on >= on),
        )
    )
    return list(found.all()), in_squads


async def positions_by_id(
    session: AsyncSession, *, position_ids: Iterable[str]
) -> dict[str, Position]:
    found = await session.scalars(select(Position).where(Position.id.in_(list(position_ids))))
    return {p.id: p for p in found.all()}


async def org_units_in(session: AsyncSession, *, unit_ids: Iterable[str]) -> list[OrgUnit]:
    found = await session.scalars(select(OrgUnit).where(OrgUnit.id.in_(list(unit_ids))))
    return list(found.all())
