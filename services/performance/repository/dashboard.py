"""Set-based reads over a unit's whole subtree (the unit and every unit below it) for the
team figures: team health and the management dashboard."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, cast, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from performance.models import MemberCopy, OrgUnitCopy, PulseAnswer, PulseSurvey

__all__ = ["members_of_subtree", "pulse_answers_of_subtree"]


async def members_of_subtree(session: AsyncSession, *, unit_id: str) -> list[MemberCopy]:
    """Every member whose unit path (from goals) passes through ``unit_id``, by id; a member
    without a path counts in their home unit."""
    rows = await session.scalars(
        select(MemberCopy)
        .where(
            or_(
                cast(MemberCopy.unit_path, JSONB).contains([unit_id]),
                MemberCopy.home_unit_id == unit_id,
            )
        )
        .order_by(MemberCopy.id)
    )
    return list(rows.all())


async def pulse_answers_of_subtree(
    session: AsyncSession, *, unit_id: str, start: date, end: date
) -> list[tuple[str, date, int]]:
    """``(survey id, opens on, score)`` of every answer to a pulse survey of ``unit_id`` or a
    unit below it (by performance's copy of the org tree) opened between ``start`` and
    ``end``, in the order the surveys opened."""
    # Both terms plain varchar: a recursive query wants the same type, length included.
    subtree = select(cast(literal(unit_id), String).label("id")).cte("subtree", recursive=True)
    subtree = subtree.union(
        select(cast(OrgUnitCopy.id, String)).join(subtree, OrgUnitCopy.parent_id == subtree.c.id)
    )
    rows = await session.execute(
        select(PulseSurvey.id, PulseSurvey.opens_on, PulseAnswer.score)
        .join(PulseAnswer, PulseAnswer.survey_id == PulseSurvey.id)
        .where(
            PulseSurvey.unit_id.in_(select(subtree.c.id)),
            PulseSurvey.opens_on.between(start, end),
        )
        .order_by(PulseSurvey.opens_on, PulseSurvey.id, PulseAnswer.id)
    )
    return [(survey_id, opens_on, score) for survey_id, opens_on, score in rows.all()]
