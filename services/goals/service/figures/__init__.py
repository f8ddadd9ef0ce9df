"""KPI figures: each owner's actual, target and attainment per period, computed from the
measurements, kept in ``kpi_figures``, and published as ``KPIUpdated`` when they change.

Over time a KPI aggregates as it is defined (sum, average, last). Up the org tree a unit's
figure covers its whole subtree: sums and lasts add up, averages average every measurement.
A formula KPI is its formula over the inputs' actuals for the same owner and period.

Modules: ``figure`` (the key and the figure), ``loading`` (the queries, into explicit
state), ``contributors`` (who contributes to whose figure), ``aggregation`` (over time and
up the tree), ``formulas`` (formula KPIs over their inputs), ``attainment``,
``explanation`` (the words beside the numbers), ``engine`` (computing a set of keys) and
``refresh`` (storing and publishing what changed)."""

from goals.service.figures.attainment import SIX_PLACES, attainment_of, q6
from goals.service.figures.engine import FigureEngine
from goals.service.figures.figure import Figure, FigureKey, Owner, figure_owner_type
from goals.service.figures.refresh import FIGURE_LOCKS, refresh

__all__ = [
    "FIGURE_LOCKS",
    "SIX_PLACES",
    "Figure",
    "FigureEngine",
    "FigureKey",
    "Owner",
    "attainment_of",
    "figure_owner_type",
    "q6",
    "refresh",
]
