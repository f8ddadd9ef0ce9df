"""What a figure is: its key (owner, KPI, period) and the numbers computed for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from goals.models import KpiDefinition


class FigureKey(NamedTuple):
    """One figure: its owner ("member" or "unit"; the company is its org unit), KPI and
    period. Measurements are kept per the same (owner, KPI, period) of their owner."""

    owner_type: str
    owner_id: str
    kpi_id: str
    period: str


class Owner(NamedTuple):
    """A figure's owner, or the owner of measurements that contribute to it."""

    owner_type: str
    owner_id: str


def figure_owner_type(owner_type: str) -> str:
    return "member" if owner_type == "member" else "unit"


@dataclass
class Figure:
    key: FigureKey
    kpi: KpiDefinition
    actual: Decimal | None = None
    measurements: int = 0
    target: Decimal | None = None
    attainment: Decimal | None = None
    explanation: list[str] = field(default_factory=list)
