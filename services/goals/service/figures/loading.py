"""What figures are computed from, read with a handful of set-based queries into explicit
state: the KPIs and the org tree, where members belong, and the measurements' totals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import KpiDefinition
from goals.service.figures.aggregation import PeriodTotals
from goals.service.figures.figure import FigureKey, Owner


@dataclass(frozen=True)
class Catalogue:
    """Every KPI (by id and by code) and the org tree (unit -> parent)."""

    kpis: list[KpiDefinition]
    by_id: dict[str, KpiDefinition]
    by_code: dict[str, KpiDefinition]
    tree: dict[str, str | None]


async def load_catalogue(session: AsyncSession) -> Catalogue:
    kpis = await repository.all_kpis(session)
    return Catalogue(
        kpis=kpis,
        by_id={k.id: k for k in kpis},
        by_code={k.code: k for k in kpis},
        tree=await repository.unit_tree(session),
    )


@dataclass(frozen=True)
class Placement:
    """Where members sit: their home unit and the squads they are in."""

    home_of: dict[str, str]
    squads_of: dict[str, list[str]]


async def load_placement(session: AsyncSession, *, member_ids: set[str]) -> Placement:
    return Placement(
        home_of=await repository.home_units(session, member_ids=member_ids),
        squads_of=await repository.squads_of(session, member_ids=member_ids),
    )


@dataclass(frozen=True)
class Membership:
    """Who is in units: the members homed in them and the members of squads."""

    home_of: dict[str, str]
    members_of_squad: dict[str, list[str]]


async def load_membership(
    session: AsyncSession, *, unit_ids: set[str], squad_ids: set[str]
) -> Membership:
    return Membership(
        home_of=await repository.members_in_units(session, unit_ids=unit_ids),
        members_of_squad=await repository.squad_members(session, squad_ids=squad_ids),
    )


async def load_totals(
    session: AsyncSession,
    *,
    owners: Iterable[Owner],
    kpi_ids: set[str],
    years: set[int],
    with_last: bool,
) -> dict[FigureKey, PeriodTotals]:
    """Each measurement owner's totals per KPI and month, quarter and year (the last value
    only ``with_last``)."""
    rows = await repository.period_aggregates(
        session, owners=owners, kpi_ids=kpi_ids, years=years, with_last=with_last
    )
    return {
        FigureKey(
            row.owner_type, row.owner_id, row.kpi_id, row.month or row.quarter or row.year
        ): PeriodTotals(total=row.total, count=row.n, last=row.last)
        for row in rows
    }


async def load_targets(session: AsyncSession, *, keys: list[FigureKey]) -> dict[FigureKey, Decimal]:
    """The target of each figure that has one (a KPI target, else a key result's)."""
    found = await repository.targets_for(session, keys=keys)
    return {FigureKey._make(key): target for key, target in found.items()}
