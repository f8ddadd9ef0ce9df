"""Queries for goals' part of the management dashboard: the KPI targets of a subtree with
the figures they are measured by, the members' monthly figures of one KPI, and the members
homed in a subtree. Each is one set-based statement, however many members the subtree has."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, and_, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import Goal, KpiFigure, Member

__all__ = ["dashboard_goals", "member_kpi_figures", "members_homed_in"]

Rows = Sequence[Row[*tuple[Any, ...]]]


def _homed_in(unit_ids: list[str]) -> Any:
    return select(Member.id).where(Member.home_unit_id.in_(unit_ids)).scalar_subquery()


async def dashboard_goals(
    session: AsyncSession, *, unit_ids: Iterable[str], start: date, end: date
) -> Rows:
    """The KPI targets (``kind = 'kpi_target'`` with a target value) owned by one of the units
    (or the company's unit) or by a member homed in one of them, whose period lies within
    ``start``..``end``; each with the actual of the figure it is measured by (``figure_actual``
    NULL and ``has_figure`` false when goals has no figure for it)."""
    units = list(unit_ids)
    if not units:
        return []
    figure_type = case((Goal.owner_type == "member", "member"), else_="unit")
    query = (
        select(
            Goal.id,
            Goal.owner_type,
            Goal.owner_id,
            Goal.kpi_id,
            Goal.period,
            Goal.period_end,
            Goal.target_value,
            KpiFigure.actual.label("figure_actual"),
            KpiFigure.owner_type.is_not(None).label("has_figure"),
        )
        .outerjoin(
            KpiFigure,
            and_(
                KpiFigure.owner_type == figure_type,
                KpiFigure.owner_id == Goal.owner_id,
                KpiFigure.kpi_id == Goal.kpi_id,
                KpiFigure.period == Goal.period,
            ),
        )
        .where(
            Goal.kind == "kpi_target",
            Goal.kpi_id.is_not(None),
            Goal.target_value.is_not(None),
            Goal.period_start >= start,
            Goal.period_end <= end,
            or_(
                and_(Goal.owner_type.in_(("unit", "company")), Goal.owner_id.in_(units)),
                and_(Goal.owner_type == "member", Goal.owner_id.in_(_homed_in(units))),
            ),
        )
        .order_by(Goal.period_end, Goal.period_start, Goal.owner_type, Goal.owner_id, Goal.id)
    )
    return (await session.execute(query)).all()


async def member_kpi_figures(
    session: AsyncSession, *, unit_ids: Iterable[str], kpi_id: str, periods: Iterable[str]
) -> Rows:
    """(owner id, period, actual) of the members' figures of one KPI in the periods, for the
    members homed in the units (figures without an actual left out)."""
    units, periods = list(unit_ids), list(periods)
    if not units or not periods:
        return []
    query = (
        select(KpiFigure.owner_id, KpiFigure.period, KpiFigure.actual)
        .where(
            KpiFigure.owner_type == "member",
            KpiFigure.kpi_id == kpi_id,
            KpiFigure.period.in_(periods),
            KpiFigure.actual.is_not(None),
            KpiFigure.owner_id.in_(_homed_in(units)),
        )
        .order_by(KpiFigure.period, KpiFigure.owner_id)
    )
    return (await session.execute(query)).all()


async def members_homed_in(session: AsyncSession, *, unit_ids: Iterable[str]) -> Rows:
    """(id, hired_on, left_on) of every member whose home unit is one of the units, those
    who left included."""
    units = list(unit_ids)
    if not units:
        return []
    query = (
        select(Member.id, Member.hired_on, Member.left_on)
        .where(Member.home_unit_id.in_(units))
        .order_by(Member.id)
    )
    return (await session.execute(query)).all()
