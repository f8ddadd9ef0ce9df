"""Attainment (goals ``attainment_of``): actual / target when higher is better, target /
actual when lower is better (acquisition cost: spending less than the target attains more
than 100%), kept at six places rounded half up; no attainment without both figures or with
a zero target, and none for a lower-is-better KPI whose actual is zero or below (the module
calls target / 0 undefined)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goals.models import KpiDefinition
from goals.service.figures import attainment_of

D = Decimal
HIGHER = KpiDefinition(code="revenue", direction="higher_is_better")
LOWER = KpiDefinition(code="cac", direction="lower_is_better")


@pytest.mark.parametrize(
    ("actual", "target", "attained"),
    [
        ("110", "100", "1.100000"),
        ("100", "100", "1.000000"),
        ("80", "100", "0.800000"),
        ("0", "100", "0.000000"),  # nothing achieved yet: 0%, not "no attainment"
        ("250", "100", "2.500000"),  # no cap here: the ladders cap pay
        ("2", "3", "0.666667"),  # 0.6666666... half up
        ("1", "3", "0.333333"),
        ("1", "6", "0.166667"),  # 0.1666666... half up
    ],
)
def test_higher_is_better_is_actual_over_target(actual: str, target: str, attained: str) -> None:
    result = attainment_of(HIGHER, D(actual), D(target))
    assert result == D(attained)
    assert result is not None and result.as_tuple().exponent == -6  # six places


@pytest.mark.parametrize(
    ("actual", "target", "attained"),
    [
        ("40", "50", "1.250000"),  # cost 40 against a target of 50: 125%
        ("50", "50", "1.000000"),
        ("100", "50", "0.500000"),  # twice the target cost: 50%
        ("300", "200", "0.666667"),
        ("60", "10", "0.166667"),
    ],
)
def test_lower_is_better_is_target_over_actual(actual: str, target: str, attained: str) -> None:
    assert attainment_of(LOWER, D(actual), D(target)) == D(attained)


@pytest.mark.parametrize("kpi", [HIGHER, LOWER], ids=["higher", "lower"])
def test_no_attainment_without_both_figures_or_with_a_zero_target(kpi: KpiDefinition) -> None:
    assert attainment_of(kpi, None, D(100)) is None
    assert attainment_of(kpi, D(100), None) is None
    assert attainment_of(kpi, D(100), D(0)) is None
    assert attainment_of(kpi, D(0), D(0)) is None


def test_lower_is_better_with_a_zero_or_negative_actual_has_no_attainment() -> None:
    assert attainment_of(LOWER, D(0), D(50)) is None
    assert attainment_of(LOWER, D(-5), D(50)) is None
