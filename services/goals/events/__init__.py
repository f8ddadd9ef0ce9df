"""Events the goals service publishes: the organisation, KPIs, figures, targets and goal risk
here; the talent events (positions, requisitions, hires) in ``talent``; the catalogue and
the outbox in ``catalog``."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from goals.events.catalog import catalog, outbox
from goals.events.talent import (
    CandidateHired,
    PositionChanged,
    RequiredCompetencyOut,
    RequisitionApproved,
)
from goals.schemas.common import KpiValueOut
from shared.api import examples
from shared.events import Event
from shared.values import Ratio


@catalog.register
class OrgUnitChanged(Event):
    """An org unit was created or changed; other services keep their own copy."""

    event_type: ClassVar[str] = "goals.org-unit.changed"
    event_name: ClassVar[str] = "OrgUnitChanged"
    model_config = examples(
        {
            "unit_id": "0b6f3c1e-8a4e-4c1f-9d6a-2f1e5b7c9a10",
            "name": "Marketing",
            "kind": "department",
            "parent_id": None,
            "starts_on": None,
            "ends_on": None,
            "version": 1,
        }
    )

    unit_id: str
    name: str
    kind: str
    parent_id: str | None
    starts_on: date | None = None
    ends_on: date | None = None
    version: int

    def key(self) -> str:
        return self.unit_id


@catalog.register
class MemberChanged(Event):
    """A member joined, changed (unit, manager, tier, layer) or left; keyed by member id."""

    event_type: ClassVar[str] = "goals.member.changed"
    event_name: ClassVar[str] = "MemberChanged"
    model_config = examples(
        {
            "member_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "name": "王芳 Wang Fang",
            "home_unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "unit_path": [
                "0b6f3c1e-8a4e-4c1f-9d6a-2f1e5b7c9a10",
                "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            ],
            "layer": "execution",
            "tier": "newcomer",
            "manager_id": None,
            "title": None,
            "hired_on": "2026-01-05",
            "left_on": None,
            "leave_reason": None,
            "position_id": "pos-analyst",
            "mentor_id": "m-mentor",
            "version": 1,
        }
    )

    member_id: str
    name: str
    home_unit_id: str
    unit_path: list[str]  # from the root of the org tree down to the home unit
    layer: str
    tier: str
    manager_id: str | None
    title: str | None = None
    hired_on: date
    left_on: date | None
    leave_reason: str | None
    position_id: str | None = Field(default=None, description="The position the member holds")
    mentor_id: str | None = Field(
        default=None,
        description="The mentor of the member's current mentorship as mentee (the one "
        "covering today, else the latest started); null if none",
    )
    version: int

    def key(self) -> str:
        return self.member_id


@catalog.register
class KPIUpdated(Event):
    """An owner's figure for a KPI in a period changed: actual, target and attainment.

    Keyed by the owner's id (the member id for members). ``restated`` marks a change to a
    period that had ended."""

    event_type: ClassVar[str] = "goals.kpi.updated"
    event_name: ClassVar[str] = "KPIUpdated"
    model_config = examples(
        {
            "owner_type": "member",
            "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "member_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "kpi_id": "3c2b1a0f",
            "kpi": "revenue",
            "direction": "higher_is_better",
            "period": "2026-03",
            "actual": "61000.00",
            "target": "80000.00",
            "attainment": "0.762500",
            "measurements": 4,
            "restated": False,
            "version": 3,
        }
    )

    owner_type: str
    owner_id: str
    member_id: str | None
    kpi_id: str
    kpi: str
    direction: str
    period: str
    actual: KpiValueOut | None = Field(description="At the KPI's scale")
    target: KpiValueOut | None = Field(description="At the KPI's scale")
    attainment: Ratio | None
    measurements: int
    restated: bool = False
    version: int | None = Field(
        default=None,
        description="The figure's version, one more at each change: a copy keeps the highest",
    )

    def key(self) -> str:
        return self.owner_id


@catalog.register
class TargetAdjusted(Event):
    """A target changed during (or, restated, after) its period: who, why, old and new."""

    event_type: ClassVar[str] = "goals.target.adjusted"
    event_name: ClassVar[str] = "TargetAdjusted"
    model_config = examples(
        {
            "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            "owner_type": "member",
            "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "kpi": "revenue",
            "period": "2026-Q2",
            "old_value": "300000.00",
            "new_value": "330000.00",
            "reason": "New product launch",
            "adjusted_by": "m-director",
            "restated": False,
        }
    )

    goal_id: str
    owner_type: str
    owner_id: str
    kpi: str | None
    period: str
    old_value: KpiValueOut | None = Field(description="At the KPI's scale")
    new_value: KpiValueOut = Field(description="At the KPI's scale")
    reason: str
    adjusted_by: str
    restated: bool

    def key(self) -> str:
        return self.owner_id


@catalog.register
class KPIDefinitionChanged(Event):
    """A KPI definition was created or changed; keyed by its code. ``version`` is one more
    at each change of that code: a copy keeps the newest and ignores older ones."""

    event_type: ClassVar[str] = "goals.kpi-definition.changed"
    event_name: ClassVar[str] = "KPIDefinitionChanged"
    model_config = examples(
        {
            "code": "revenue",
            "name": "营收 Revenue",
            "unit": "CNY",
            "direction": "higher_is_better",
            "aggregation": "sum",
            "category": "result",
            "formula": None,
            "non_negative": True,
            "active": True,
            "version": 1,
        }
    )

    code: str
    name: str
    unit: str
    direction: str
    aggregation: str
    category: str
    formula: str | None
    non_negative: bool
    active: bool = Field(default=True, description="False once the definition is retired")
    version: int

    def key(self) -> str:
        return self.code


class _GoalRiskChanged(Event):
    """A goal's risk state changed (evaluated from the progress the goal shows); keyed by
    the goal's id."""

    goal_id: str
    title: str
    owner_type: str
    owner_id: str
    period: str
    status: str = Field(description="The new state: on_track, at_risk or off_track")
    previous_status: str = Field(description="The state before: on_track, at_risk, off_track")
    progress: Ratio | None = Field(description="The progress the goal shows (GET .../progress)")
    progress_source: str = Field(description="rolled_up, measured, checked_in or none")
    progress_axis: str | None = Field(description="For rolled_up: org, time or key_results")
    expected: Ratio = Field(description="Where progress should be by now (elapsed share or 1)")
    gap: Ratio | None = Field(description="expected - progress")
    threshold: Ratio = Field(description="The margin the gap is compared with")
    suggested_correction: str
    evaluated_on: date

    def key(self) -> str:
        return self.goal_id


_RISK_EXAMPLE = {
    "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
    "title": "Q1 增长 Q1 growth",
    "owner_type": "member",
    "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
    "period": "2026-Q1",
    "progress": "0.478000",
    "progress_source": "rolled_up",
    "progress_axis": "key_results",
    "expected": "0.822222",
    "gap": "0.344222",
    "suggested_correction": "落后于计划: 与负责人重新规划 (behind plan: re-plan with the owner)",
    "evaluated_on": "2026-03-15",
}


@catalog.register
class GoalAtRisk(_GoalRiskChanged):
    """A goal's progress now trails where it should be by more than the at-risk margin."""

    event_type: ClassVar[str] = "goals.goal.at-risk"
    event_name: ClassVar[str] = "GoalAtRisk"
    model_config = examples(
        {
            **_RISK_EXAMPLE,
            "status": "at_risk",
            "previous_status": "on_track",
            "progress": "0.700000",
            "gap": "0.122222",
            "threshold": "0.100000",
        }
    )


@catalog.register
class GoalOffTrack(_GoalRiskChanged):
    """A goal's progress now trails where it should be by more than the off-track margin."""

    event_type: ClassVar[str] = "goals.goal.off-track"
    event_name: ClassVar[str] = "GoalOffTrack"
    model_config = examples(
        {
            **_RISK_EXAMPLE,
            "status": "off_track",
            "previous_status": "at_risk",
            "threshold": "0.250000",
        }
    )


@catalog.register
class GoalBackOnTrack(_GoalRiskChanged):
    """A goal that was at risk or off track is within the at-risk margin again."""

    event_type: ClassVar[str] = "goals.goal.back-on-track"
    event_name: ClassVar[str] = "GoalBackOnTrack"
    model_config = examples(
        {
            **_RISK_EXAMPLE,
            "status": "on_track",
            "previous_status": "off_track",
            "progress": "0.800000",
            "gap": "0.022222",
            "threshold": "0.100000",
            "suggested_correction": "无需纠偏 (none needed)",
        }
    )


__all__ = [
    "CandidateHired",
    "GoalAtRisk",
    "GoalBackOnTrack",
    "GoalOffTrack",
    "KPIDefinitionChanged",
    "KPIUpdated",
    "MemberChanged",
    "OrgUnitChanged",
    "PositionChanged",
    "RequiredCompetencyOut",
    "RequisitionApproved",
    "TargetAdjusted",
    "_GoalRiskChanged",
    "catalog",
    "outbox",
]
