"""Formula KPIs: a formula KPI's actual is its formula over its inputs' actuals for the same
owner and period. Inputs are computed before the formulas that read them, depth first,
without recursion."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from goals.models import KpiDefinition
from goals.service import formula
from goals.service.figures import explanation
from goals.service.figures.attainment import q6
from goals.service.figures.figure import Figure, FigureKey


@dataclass
class _Reading:
    """A formula figure part way through reading its inputs."""

    figure: Figure
    inputs: Iterator[tuple[str, FigureKey]]
    values: dict[str, Decimal | None] = field(default_factory=dict)
    waiting_for: tuple[str, FigureKey] | None = None


def input_keys(
    key: FigureKey, kpi: KpiDefinition, by_code: dict[str, KpiDefinition]
) -> list[tuple[str, FigureKey]]:
    """(code, figure) of each input of the formula that names a KPI: the same owner's and
    period's figure of that KPI."""
    return [
        (code, key._replace(kpi_id=by_code[code].id))
        for code in kpi.inputs or []
        if code in by_code
    ]


def compute_all(
    keys: Iterable[FigureKey],
    *,
    by_id: dict[str, KpiDefinition],
    by_code: dict[str, KpiDefinition],
    measured: Callable[[FigureKey, KpiDefinition], Figure],
) -> dict[FigureKey, Figure]:
    """The figures of ``keys`` and of every input their formulas read, measured KPIs by
    ``measured``. A figure is registered before its inputs are read, so a formula that reads
    itself through its inputs sees its own actual as unknown (None) instead of looping."""
    figures: dict[FigureKey, Figure] = {}

    def start(key: FigureKey) -> _Reading | None:
        kpi = by_id[key.kpi_id]
        if not kpi.formula:
            figures[key] = measured(key, kpi)
            return None
        figure = figures[key] = Figure(key=key, kpi=kpi)
        return _Reading(figure=figure, inputs=iter(input_keys(key, kpi, by_code)))

    for key in keys:
        if key in figures:
            continue
        first = start(key)
        stack = [first] if first is not None else []
        while stack:
            reading = stack[-1]
            if reading.waiting_for is not None:
                code, input_key = reading.waiting_for
                reading.values[code] = figures[input_key].actual
                reading.waiting_for = None
            upcoming = next(reading.inputs, None)
            if upcoming is None:
                stack.pop()
                _evaluate(reading)
                continue
            reading.waiting_for = upcoming
            if upcoming[1] not in figures:
                started = start(upcoming[1])
                if started is not None:
                    stack.append(started)
    return figures


def _evaluate(reading: _Reading) -> None:
    figure, kpi = reading.figure, reading.figure.kpi
    assert kpi.formula
    actual = formula.evaluate(kpi.formula, reading.values)
    figure.actual = q6(actual) if actual is not None else None
    figure.explanation.append(explanation.formula(kpi, reading.values, figure.actual))
