"""A measured KPI's actual: its measurements in a period aggregated as the KPI is defined
(sum, average, last), across every owner that contributes to the figure. Up the org tree
sums and lasts add up, averages average every measurement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from goals.models import KpiDefinition
from goals.service.figures.attainment import q6


@dataclass(frozen=True)
class PeriodTotals:
    """One owner's measurements of one KPI in one period: their sum, count and last value."""

    total: Decimal
    count: int
    last: Decimal


@dataclass(frozen=True)
class Aggregate:
    """A measured figure's actual (None without measurements) and what it was made of."""

    actual: Decimal | None
    measurements: int
    total: Decimal
    contributors: int


def aggregate(kpi: KpiDefinition, found: Iterable[PeriodTotals]) -> Aggregate:
    """The KPI's actual over the contributors' totals found for one period."""
    total, count, last, contributors = Decimal(0), 0, Decimal(0), 0
    for totals in found:
        total += totals.total
        count += totals.count
        last += totals.last
        contributors += 1
    if count == 0:
        actual = None
    elif kpi.aggregation == "sum":
        actual = q6(total)
    elif kpi.aggregation == "average":
        actual = q6(total / count)
    else:
        actual = q6(last)
    return Aggregate(actual=actual, measurements=count, total=total, contributors=contributors)
