"""Tables of the ``goals`` schema: the organisation, KPIs, goals, figures and work here; the
talent tables (positions, recruitment) in ``talent``; the schema's metadata and shared tables
in ``base``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from goals.models.base import (
    RATIO,
    SCHEMA,
    VALUE,
    Base,
    Timestamps,
    dashboard_targets,
    inbox,
    metadata,
    outbox,
)
from goals.models.talent import (
    Candidate,
    CandidateErasure,
    CandidateStep,
    Position,
    PositionReview,
    PositionVersion,
    Requisition,
)


class OrgUnit(Timestamps, Base):
    """A node of the organisation tree: company > department > team > squad."""

    __tablename__ = "org_units"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey(f"{SCHEMA}.org_units.id"), index=True)
    # Temporary squads have a start and an end; permanent units have neither.
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Member(Timestamps, Base):
    """A person in the organisation, with a home unit they return to after squads."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    home_unit_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.org_units.id"), index=True)
    layer: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(200))
    manager_id: Mapped[str | None] = mapped_column(ForeignKey(f"{SCHEMA}.members.id"))
    tier: Mapped[str] = mapped_column(String(30))
    # Why the last tier change was made (needed when it skips a tier).
    tier_reason: Mapped[str | None] = mapped_column(Text)
    hired_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    leave_reason: Mapped[str | None] = mapped_column(String(30))
    leave_note: Mapped[str | None] = mapped_column(Text)
    # The position the member holds (in their home unit); see ``Position``.
    position_id: Mapped[str | None] = mapped_column(
        ForeignKey(f"{SCHEMA}.positions.id"), index=True
    )
    # Personal data: shown only to HR/admin and the member, never in events; composition
    # uses them only as aggregates over large enough groups.
    gender: Mapped[str | None] = mapped_column(String(10))  # female | male | other
    birth_date: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SquadMembership(Base):
    """A member's place in a temporary squad; their home unit does not change."""

    __tablename__ = "squad_memberships"

    squad_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.org_units.id"), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.members.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(50))


class Mentorship(Base):
    __tablename__ = "mentorships"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mentor_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.members.id"), index=True)
    mentee_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.members.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class KpiDefinition(Timestamps, Base):
    """What is measured and how: unit, direction, aggregation over time, optional formula."""

    __tablename__ = "kpi_definitions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(30))
    direction: Mapped[str] = mapped_column(String(20))
    aggregation: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(20))
    formula: Mapped[str | None] = mapped_column(String(500))
    inputs: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    # Decimal places of the KPI's values: targets, actuals and figures are written at it.
    scale: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    # Targets may not be below zero (counts, money); settable, see schemas/kpis.py.
    non_negative: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # +1 at every change; KPIDefinitionChanged carries it, so copies keep the newest.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # False once retired: no new goals name it; its figures and history stay.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class Goal(Timestamps, Base):
    """An objective, a key result, or a KPI target, owned by the company, a unit or a member
    for one period. ``parent_id`` is the goal it aligns to (and rolls up into)."""

    __tablename__ = "goals"
    __table_args__ = (
        Index("ix_goals_owner_period", "owner_type", "owner_id", "period"),
        Index("ix_goals_kpi_owner_period", "kpi_id", "owner_id", "period"),
        Index(
            "uq_goals_one_kpi_target",
            "owner_type",
            "owner_id",
            "kpi_id",
            "period",
            unique=True,
            postgresql_where=text("kind = 'kpi_target'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    owner_type: Mapped[str] = mapped_column(String(10))
    owner_id: Mapped[str] = mapped_column(String(36))
    period: Mapped[str] = mapped_column(String(7))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    kpi_id: Mapped[str | None] = mapped_column(ForeignKey(f"{SCHEMA}.kpi_definitions.id"))
    target_value: Mapped[Decimal | None] = mapped_column(VALUE)
    weight: Mapped[Decimal] = mapped_column(RATIO, default=Decimal(1))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey(f"{SCHEMA}.goals.id"), index=True)
    smart_warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)


class TargetAdjustment(Base):
    """A change of a goal's target: who, when, why, old and new."""

    __tablename__ = "target_adjustments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    goal_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.goals.id"), index=True)
    old_value: Mapped[Decimal | None] = mapped_column(VALUE)
    new_value: Mapped[Decimal] = mapped_column(VALUE)
    reason: Mapped[str] = mapped_column(Text)
    restated: Mapped[bool] = mapped_column(Boolean, default=False)
    adjusted_by: Mapped[str] = mapped_column(String(100))
    adjusted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class GoalTemplate(Timestamps, Base):
    """A set of goals to apply to many members at once."""

    __tablename__ = "goal_templates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))


class Measurement(Base):
    """One actual: owner, KPI, day, value, source, and the key that makes it count once."""

    __tablename__ = "measurements"
    __table_args__ = (
        Index("ix_measurements_owner_kpi_day", "owner_type", "owner_id", "kpi_id", "measured_on"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(10))
    owner_id: Mapped[str] = mapped_column(String(36))
    kpi_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.kpi_definitions.id"))
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(VALUE)
    source: Mapped[str] = mapped_column(String(50))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    corrects_id: Mapped[str | None] = mapped_column(ForeignKey(f"{SCHEMA}.measurements.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class KpiFigure(Base):
    """The last reported figure of an owner's KPI in a period: what ``KPIUpdated`` said."""

    __tablename__ = "kpi_figures"

    owner_type: Mapped[str] = mapped_column(String(10), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kpi_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    actual: Mapped[Decimal | None] = mapped_column(VALUE)
    target: Mapped[Decimal | None] = mapped_column(VALUE)
    attainment: Mapped[Decimal | None] = mapped_column(RATIO)
    measurements: Mapped[int] = mapped_column(Integer, default=0)
    # +1 at every change; KPIUpdated carries it, so copies keep the newest.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class CheckIn(Base):
    """A monthly alignment check-in on a goal."""

    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("goal_id", "month"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    goal_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.goals.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    progress: Mapped[Decimal] = mapped_column(RATIO)
    confidence: Mapped[str] = mapped_column(String(10))
    blockers: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Task(Timestamps, Base):
    """Work that decomposes a key result; urgency x importance gives its quadrant."""

    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.members.id"), index=True)
    key_result_id: Mapped[str | None] = mapped_column(ForeignKey(f"{SCHEMA}.goals.id"))
    title: Mapped[str] = mapped_column(String(300))
    resources: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean)
    important: Mapped[bool] = mapped_column(Boolean)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class RiskCorrection(Base):
    """What was done about a goal at risk or off track."""

    __tablename__ = "risk_corrections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    goal_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.goals.id"), index=True)
    status_at_time: Mapped[str] = mapped_column(String(20))
    suggested: Mapped[str] = mapped_column(Text)
    action_taken: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class DataGrantCopy(Base):
    """Goals' copy of a data grant made in collab (from ``DataGrantChanged``): a unit lets
    another read its ``kpi_figures`` until ``valid_until`` (inclusive) while ``active``."""

    __tablename__ = "data_grants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    grantor_unit_id: Mapped[str] = mapped_column(String(36))
    grantee_unit_id: Mapped[str] = mapped_column(String(36), index=True)
    data_set: Mapped[str] = mapped_column(String(64))
    valid_until: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[int] = mapped_column(Integer)


class GoalRiskState(Base):
    """A goal's risk state (on track, at risk, off track) as last changed, so that a change
    is published once (``GoalAtRisk``, ``GoalOffTrack``, ``GoalBackOnTrack``). A goal
    without a row has never been evaluated away from on track."""

    __tablename__ = "goal_risk_states"

    goal_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.goals.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    # The progress and its source when the state last changed.
    progress: Mapped[Decimal | None] = mapped_column(RATIO)
    progress_source: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[date] = mapped_column(Date)
    # One more at every change, that is at every risk event published.
    changes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


__all__ = [
    "RATIO",
    "SCHEMA",
    "VALUE",
    "Base",
    "Candidate",
    "CandidateErasure",
    "CandidateStep",
    "CheckIn",
    "DataGrantCopy",
    "Goal",
    "GoalRiskState",
    "GoalTemplate",
    "KpiDefinition",
    "KpiFigure",
    "Measurement",
    "Member",
    "Mentorship",
    "OrgUnit",
    "Position",
    "PositionReview",
    "PositionVersion",
    "Requisition",
    "RiskCorrection",
    "SquadMembership",
    "TargetAdjustment",
    "Task",
    "Timestamps",
    "dashboard_targets",
    "inbox",
    "metadata",
    "outbox",
]
