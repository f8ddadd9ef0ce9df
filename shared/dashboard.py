"""The shape every service's part of the management dashboard takes, and its targets' table.

The plan tracks its own targets (DOMAIN.md, "The plan's own targets"): each figure is
computed by the service that owns its facts and answered as a ``Figure`` (actual, target,
status, the year's month-by-month trend, and what it was computed from); the gateway puts the
services' figures together. A target is configuration of the organisation, kept in the owning
service's ``dashboard_targets`` table: a service declares its figures as ``TargetSpec`` (the
default is the plan's number) and ``Targets`` reads and changes them.

Status compares the actual with the target in the figure's direction: ``met`` on the right
side, ``at_risk`` within the target's margin on the wrong side, ``missed`` beyond it, and
``no_data`` when there is nothing to compute from (never a zero that was not measured).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import Column, DateTime, Integer, MetaData, Numeric, String, Table, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.api import RequestModel, examples
from shared.auth import CurrentPrincipal, Role
from shared.db import SessionDep
from shared.errors import NotFound
from shared.periods import FIRST_YEAR, LAST_YEAR
from shared.values import RATIO_PLACES, DecimalText

Measure = Annotated[
    Decimal,
    DecimalText(
        RATIO_PLACES,
        example="0.900000",
        description='a ratio ("0.900000" is 90%) or a quantity in the figure\'s unit',
    ),
]


# The query every part of the dashboard takes (the gateway's and each service's).
UnitQuery = Annotated[
    str, Query(min_length=1, max_length=36, description="the unit; figures cover its subtree")
]
YearQuery = Annotated[
    int | None,
    Query(ge=FIRST_YEAR, le=LAST_YEAR, description="the calendar year (this year by default)"),
]


class Direction(StrEnum):
    at_least = "at_least"
    """Met when the actual is the target or more (attainment, retention...)."""
    at_most = "at_most"
    """Met when the actual is the target or less (attrition, response hours)."""


class Status(StrEnum):
    met = "met"
    at_risk = "at_risk"
    missed = "missed"
    no_data = "no_data"
    unavailable = "unavailable"
    """Only the gateway says this: the service that computes the figure did not answer."""


@dataclass(frozen=True)
class TargetSpec:
    """One figure a service computes: its key, names, unit and the plan's default target."""

    key: str
    label: str
    """The name people read, Chinese first (``目标达成率``)."""
    label_en: str
    unit: str
    """``ratio`` (0.9 is 90%), ``hours``, or ``hours_per_member``."""
    direction: Direction
    default: Decimal
    default_margin: Decimal
    """How far on the wrong side of the target is still ``at_risk`` rather than ``missed``."""


@dataclass(frozen=True)
class TrendMonth:
    """One month of a figure's trend: the month and the day its year to date ends on (the
    month's last day, or today in the current month)."""

    month: str
    as_of: date

    def until(self, zone: ZoneInfo) -> datetime:
        """The instant the month's point is computed to: the local midnight after ``as_of``."""
        return datetime.combine(self.as_of + timedelta(days=1), time(), zone)


def trend_months(year: int, today: date) -> list[TrendMonth]:
    """January to the current month: every month of a past year, none of a future one."""
    last = 12 if year < today.year else today.month if year == today.year else 0
    return [
        TrendMonth(
            f"{year:04d}-{month:02d}",
            min(date(year, month, calendar.monthrange(year, month)[1]), today),
        )
        for month in range(1, last + 1)
    ]


def year_start(year: int, zone: ZoneInfo) -> datetime:
    """The local midnight that begins ``year``."""
    return datetime(year, 1, 1, tzinfo=zone)


def ratio(part: int | Decimal, whole: int | Decimal, places: int = RATIO_PLACES) -> Decimal | None:
    """``part / whole`` at the figures' six places (half up); None with nothing to divide by."""
    if not whole:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


def status_of(
    actual: Decimal | None, target: Decimal, direction: Direction, margin: Decimal
) -> Status:
    if actual is None:
        return Status.no_data
    gap = target - actual if direction is Direction.at_least else actual - target
    if gap <= 0:
        return Status.met
    return Status.at_risk if gap <= margin else Status.missed


# The figure every dashboard schema shows as its example.
_EXAMPLE_MEASURE: dict[str, Any] = {
    "key": "goal_attainment",
    "label": "目标达成率",
    "label_en": "Goal attainment",
    "unit": "ratio",
    "direction": "at_least",
}
_EXAMPLE_TARGET: dict[str, Any] = {
    **_EXAMPLE_MEASURE,
    "target": "0.900000",
    "at_risk_margin": "0.050000",
    "version": 1,
    "updated_by": None,
    "updated_at": None,
}


class TargetRead(BaseModel):
    model_config = examples(_EXAMPLE_TARGET)

    key: str
    label: str
    label_en: str
    unit: str
    direction: Direction
    target: Measure
    at_risk_margin: Measure
    version: int = Field(description="0 while the plan's default applies")
    updated_by: str | None
    updated_at: datetime | None


FIGURE_EXAMPLE: dict[str, Any] = {
    **_EXAMPLE_MEASURE,
    "actual": "0.800000",
    "target": "0.900000",
    "at_risk_margin": "0.050000",
    "status": "missed",
    "trend": [
        {"month": "2026-01", "actual": "0.750000"},
        {"month": "2026-02", "actual": "0.800000"},
    ],
    "explanation": ["截至 2026-02-28: 目标达成率 = 8 / 10 = 0.800000"],
    "inputs": {"goal_ids": ["g-1", "g-2"]},
}


class TargetList(BaseModel):
    """The organisation's targets for one service's dashboard figures."""

    model_config = examples({"targets": [{**_EXAMPLE_TARGET, "version": 0}]})

    targets: list[TargetRead]


class TargetPut(RequestModel):
    """A dashboard target of the organisation (HR and admins)."""

    model_config = examples({"target": "0.900000", "at_risk_margin": "0.050000"})

    target: Annotated[Measure, Field(ge=0, le=1_000_000)]
    at_risk_margin: Annotated[Measure, Field(ge=0, le=1_000_000)]


class TrendPoint(BaseModel):
    model_config = examples({"month": "2026-03", "actual": "0.800000"})

    month: str = Field(examples=["2026-03"])
    actual: Measure | None = Field(description="null: nothing to compute from that month")


class Figure(BaseModel):
    """One of the plan's targets for one unit and year, with where its number came from."""

    model_config = examples(FIGURE_EXAMPLE)

    key: str
    label: str
    label_en: str
    unit: str
    direction: Direction
    actual: Measure | None
    target: Measure
    at_risk_margin: Measure
    status: Status
    trend: list[TrendPoint] = Field(description="the year's months, January first, to date")
    explanation: list[str] = Field(description="how the actual was computed, step by step")
    inputs: dict[str, Any] = Field(
        default_factory=dict,
        description="what it was computed from: ids of figures, members, projects, tickets",
    )


class DashboardPart(BaseModel):
    """A service's figures for one unit (the unit's whole subtree) and year."""

    model_config = examples(
        {"service": "goals", "unit_id": "u-marketing", "year": 2026, "figures": [FIGURE_EXAMPLE]}
    )

    service: str
    unit_id: str
    year: int
    figures: list[Figure]


def figure(
    spec: TargetSpec,
    target: TargetRead,
    *,
    actual: Decimal | None,
    trend: Sequence[tuple[str, Decimal | None]],
    explanation: list[str],
    inputs: dict[str, Any] | None = None,
) -> Figure:
    """A figure from what the service computed and the organisation's target for it."""
    return Figure(
        key=spec.key,
        label=spec.label,
        label_en=spec.label_en,
        unit=spec.unit,
        direction=spec.direction,
        actual=actual,
        target=target.target,
        at_risk_margin=target.at_risk_margin,
        status=status_of(actual, target.target, spec.direction, target.at_risk_margin),
        trend=[TrendPoint(month=month, actual=value) for month, value in trend],
        explanation=explanation,
        inputs=inputs or {},
    )


def dashboard_targets_table(metadata: MetaData) -> Table:
    """The ``dashboard_targets`` table in the metadata's schema: one row per changed target."""
    return Table(
        "dashboard_targets",
        metadata,
        Column("key", String(64), primary_key=True),
        Column("target", Numeric(18, RATIO_PLACES), nullable=False),
        Column("at_risk_margin", Numeric(18, RATIO_PLACES), nullable=False),
        Column("version", Integer, nullable=False),
        Column("updated_by", String(100), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class Targets:
    """A service's dashboard targets: the plan's defaults until the organisation sets one."""

    def __init__(self, table: Table, specs: Sequence[TargetSpec]) -> None:
        self.table = table
        self.specs = {spec.key: spec for spec in specs}

    def spec(self, key: str) -> TargetSpec | None:
        return self.specs.get(key)

    async def all(self, session: AsyncSession) -> dict[str, TargetRead]:
        rows = {row.key: row for row in (await session.execute(select(self.table))).all()}
        return {key: self._read(spec, rows.get(key)) for key, spec in self.specs.items()}

    async def put(
        self, session: AsyncSession, *, spec: TargetSpec, body: TargetPut, by: str
    ) -> TargetRead:
        """Set one target; its version goes up by one each time (the first set is 1)."""
        statement = insert(self.table).values(
            key=spec.key,
            target=body.target,
            at_risk_margin=body.at_risk_margin,
            version=1,
            updated_by=by,
        )
        row = (
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[self.table.c.key],
                    set_={
                        "target": statement.excluded.target,
                        "at_risk_margin": statement.excluded.at_risk_margin,
                        "version": self.table.c.version + 1,
                        "updated_by": statement.excluded.updated_by,
                        "updated_at": func.now(),
                    },
                ).returning(*self.table.c)
            )
        ).one()
        return self._read(spec, row)

    @staticmethod
    def _read(spec: TargetSpec, row: Any) -> TargetRead:
        return TargetRead(
            key=spec.key,
            label=spec.label,
            label_en=spec.label_en,
            unit=spec.unit,
            direction=spec.direction,
            target=spec.default if row is None else row.target,
            at_risk_margin=spec.default_margin if row is None else row.at_risk_margin,
            version=0 if row is None else row.version,
            updated_by=None if row is None else row.updated_by,
            updated_at=None if row is None else row.updated_at,
        )


def targets_router(targets: Targets) -> APIRouter:
    """``GET /dashboard/targets`` and ``PUT /dashboard/targets/{key}`` for a service's figures:
    anyone signed in reads the organisation's targets; HR and admins set them."""
    router = APIRouter(tags=["dashboard"])

    @router.get("/dashboard/targets", response_model=TargetList)
    async def list_targets(session: SessionDep, principal: CurrentPrincipal) -> TargetList:
        """The organisation's targets for this service's dashboard figures (the plan's
        default until HR sets one: version 0)."""
        return TargetList(targets=list((await targets.all(session)).values()))

    @router.put("/dashboard/targets/{key}", response_model=TargetRead)
    async def put_target(
        key: Annotated[str, Path(min_length=1, max_length=64)],
        body: TargetPut,
        session: SessionDep,
        principal: CurrentPrincipal,
    ) -> TargetRead:
        """Set one of the organisation's dashboard targets (HR and admins)."""
        principal.require(Role.hr, Role.admin)
        spec = targets.spec(key)
        if spec is None:
            raise NotFound(f"no dashboard figure {key!r} here; known: {', '.join(targets.specs)}")
        return await targets.put(session, spec=spec, body=body, by=principal.member_id)

    return router
