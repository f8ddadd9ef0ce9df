"""Attainment: how far an actual reaches its target, and the six places figures keep."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from goals.models import KpiDefinition

SIX_PLACES = Decimal("0.000001")


def q6(value: Decimal) -> Decimal:
    return value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def attainment_of(
    kpi: KpiDefinition, actual: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """actual / target, or target / actual when lower is better; None when undefined."""
    if actual is None or target is None or target == 0:
        return None
    if kpi.direction == "lower_is_better":
        return None if actual <= 0 else q6(target / actual)
    return q6(actual / target)
