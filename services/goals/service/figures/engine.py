"""The figure engine: computes the figures of a set of keys, and finds the keys that
measurements move, with a handful of set-based queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import KpiDefinition
from goals.service.figures import explanation
from goals.service.figures.aggregation import aggregate
from goals.service.figures.attainment import attainment_of
from goals.service.figures.contributors import contributors_of, keys_moved_by, subtrees
from goals.service.figures.figure import Figure, FigureKey, Owner
from goals.service.figures.formulas import compute_all
from goals.service.figures.loading import (
    Catalogue,
    load_catalogue,
    load_membership,
    load_placement,
    load_targets,
    load_totals,
)
from goals.service.kpis import inputs_closure
from shared.periods import Period


class FigureEngine:
    """Computes figures for a set of keys with a handful of set-based queries."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._catalogue: Catalogue | None = None

    async def keys_touched_by(
        self, touched: Iterable[tuple[str, str, str, date]]
    ) -> set[FigureKey]:
        """Every figure a measurement (owner, kpi, day) moves: the owner's and its units',
        the day's month, quarter and year, the KPI and the formulas that read it."""
        catalogue = self._catalogue = await load_catalogue(self.session)
        touched = list(touched)
        placement = await load_placement(
            self.session,
            member_ids={
                owner_id for owner_type, owner_id, _k, _d in touched if owner_type == "member"
            },
        )
        return keys_moved_by(touched, kpis=catalogue.kpis, tree=catalogue.tree, placement=placement)

    async def compute(self, keys: Iterable[FigureKey]) -> dict[FigureKey, Figure]:
        """The figures of ``keys``: actual, measurements, target, attainment, explanation."""
        keys = {FigureKey._make(key) for key in keys}
        if self._catalogue is None:
            self._catalogue = await load_catalogue(self.session)
        catalogue = self._catalogue
        if not keys:
            return {}
        unit_owners = {key.owner_id for key in keys if key.owner_type == "unit"}
        subtree_of = subtrees(catalogue.tree, unit_owners)
        membership = await load_membership(
            self.session, unit_ids=set().union(*subtree_of.values()), squad_ids=unit_owners
        )
        contributors = contributors_of(
            (Owner(key.owner_type, key.owner_id) for key in keys),
            subtree_of=subtree_of,
            membership=membership,
        )
        measured_kpis = {
            kpi_id
            for kpi_id in inputs_closure(catalogue.kpis, {key.kpi_id for key in keys})
            if not catalogue.by_id[kpi_id].formula
        }
        totals = await load_totals(
            self.session,
            owners=set().union(*contributors.values()),
            kpi_ids=measured_kpis,
            years={Period.parse(key.period).year for key in keys},
            with_last=any(catalogue.by_id[k].aggregation == "last" for k in measured_kpis),
        )

        def measured(key: FigureKey, kpi: KpiDefinition) -> Figure:
            owners = contributors.get(Owner(key.owner_type, key.owner_id), set())
            found = aggregate(
                kpi,
                (
                    totals[of]
                    for o in owners
                    if (of := FigureKey(o.owner_type, o.owner_id, key.kpi_id, key.period)) in totals
                ),
            )
            figure = Figure(key=key, kpi=kpi, actual=found.actual, measurements=found.measurements)
            figure.explanation.append(explanation.measured(kpi, key.period, key.owner_type, found))
            return figure

        figures = compute_all(
            keys, by_id=catalogue.by_id, by_code=catalogue.by_code, measured=measured
        )
        wanted = {key: figures[key] for key in keys}
        targets = await load_targets(self.session, keys=list(wanted))
        for key, figure in wanted.items():
            figure.target = targets.get(key)
            figure.attainment = attainment_of(figure.kpi, figure.actual, figure.target)
            figure.explanation.append(explanation.attainment(figure))
        return wanted
