"""The words beside a figure's numbers: how its actual and its attainment were reached,
written from the numbers already computed (nothing here computes)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from goals.models import KpiDefinition
from goals.service.figures.aggregation import Aggregate
from goals.service.figures.figure import Figure


def measured(kpi: KpiDefinition, period: str, owner_type: str, found: Aggregate) -> str:
    """How a measured KPI's actual was aggregated."""
    if found.actual is None:
        return f"no measurements of {kpi.code} in {period}"
    scope = (
        ""
        if owner_type == "member"
        else f" across {found.contributors} owners in the unit's subtree"
    )
    if kpi.aggregation == "sum":
        return (
            f"actual = sum of {found.measurements} measurements of {kpi.code} in {period}{scope}"
            f" = {found.actual}"
        )
    if kpi.aggregation == "average":
        return (
            f"actual = average of {found.measurements} measurements of {kpi.code} in {period}"
            f"{scope} = {found.total} / {found.measurements} = {found.actual}"
        )
    return (
        f"actual = latest measurement of {kpi.code} in {period}"
        + (f", added up{scope}" if scope else "")
        + f" = {found.actual}"
    )


def formula(
    kpi: KpiDefinition, values: Mapping[str, Decimal | None], actual: Decimal | None
) -> str:
    """A formula KPI's actual from its inputs' actuals."""
    shown = ", ".join(f"{c} = {v if v is not None else 'no data'}" for c, v in values.items())
    return (
        f"{kpi.code} = {kpi.formula} with {shown} -> "
        f"{actual if actual is not None else 'undefined'}"
    )


def attainment(figure: Figure) -> str:
    """How the figure's attainment follows from its actual and target, or why it has none."""
    if figure.target is None:
        return "no target set, so no attainment"
    if figure.attainment is None:
        return "attainment is undefined without a usable actual"
    if figure.kpi.direction == "lower_is_better":
        return (
            f"attainment = target / actual (lower is better) = {figure.target} / "
            f"{figure.actual} = {figure.attainment}"
        )
    return f"attainment = actual / target = {figure.actual} / {figure.target} = {figure.attainment}"
