"""Tables of the ``incentives`` schema."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Identity,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.dashboard import dashboard_targets_table
from shared.db import schema_metadata
from shared.inbox import inbox_table
from shared.outbox import outbox_table

SCHEMA = "incentives"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
dashboard_targets = dashboard_targets_table(metadata)

MONEY = Numeric(18, 2)
RATIO = Numeric(12, 6)


class Base(DeclarativeBase):
    metadata = metadata


class OrgUnitCopy(Base):
    """Incentives' own copy of an org unit, kept from goals' ``OrgUnitChanged`` (a unit's
    subtree, for the dashboard's figures of the unit)."""

    __tablename__ = "org_unit_copies"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(String(36), index=True)
    source_version: Mapped[int] = mapped_column(Integer)


class MemberCopy(Base):
    """Incentives' own copy of a member, kept from goals' ``MemberChanged``."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    home_unit_id: Mapped[str] = mapped_column(String(36), index=True)
    unit_path: Mapped[list[str]] = mapped_column(JSON)
    layer: Mapped[str] = mapped_column(String(20))
    tier: Mapped[str] = mapped_column(String(30))
    manager_id: Mapped[str | None] = mapped_column(String(36))
    hired_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    position_id: Mapped[str | None] = mapped_column(String(36))
    mentor_id: Mapped[str | None] = mapped_column(String(36))
    source_version: Mapped[int] = mapped_column(Integer)


class KpiFigure(Base):
    """A member's latest KPI figure for a period, from ``KPIUpdated``."""

    __tablename__ = "kpi_figures"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kpi: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    # Goals' precision: a copy that rounded would differ from its owner.
    actual: Mapped[Decimal | None] = mapped_column(Numeric(20, 6))
    target: Mapped[Decimal | None] = mapped_column(Numeric(20, 6))
    attainment: Mapped[Decimal | None] = mapped_column(RATIO)
    event_id: Mapped[str] = mapped_column(String(64))
    event_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The version of goals' figure it was copied from (None before versions).
    source_version: Mapped[int | None] = mapped_column(Integer)


class ReviewResult(Base):
    """A member's closed review for a period (the newest revision), from ``ReviewClosed``."""

    __tablename__ = "review_results"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    review_id: Mapped[str] = mapped_column(String(36))
    rating: Mapped[str] = mapped_column(String(20))
    final_score: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    revision: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(64))


class MonthlyScore(Base):
    """A member's live monthly score (the newest revision), from ``ScoreComputed``."""

    __tablename__ = "monthly_scores"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    score: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    revision: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(64))


class Ladder(Base):
    """A named attainment ladder plans copy from (a plan keeps its own copy)."""

    __tablename__ = "ladders"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Plan(Base):
    """What a population is paid for a period: base, performance pay, KPI bonus, commission.

    ``terms`` is a list of segments by effective date; a mid-period change adds one."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(10), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    population: Mapped[dict[str, Any]] = mapped_column(JSON)
    terms: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    bonus_kpis: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rating_multipliers: Mapped[dict[str, str]] = mapped_column(JSON)
    commission: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RevenueEntry(Base):
    """Closed revenue, a refund or a credit note, with the commission it paid or reversed."""

    __tablename__ = "revenue_entries"
    __table_args__ = (UniqueConstraint("seq"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True))
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    plan_id: Mapped[str] = mapped_column(String(36))
    period: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    deal_id: Mapped[str] = mapped_column(String(64), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    closed_on: Mapped[date] = mapped_column(Date)
    cumulative_before: Mapped[Decimal] = mapped_column(MONEY)
    slices: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    commission: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Projection(Base):
    """What a member would be paid under a plan at the current figures, with its lines."""

    __tablename__ = "projections"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(MONEY)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


# A run's lines follow their inputs until it is approved: while it is a draft, and while its
# first approval waits for a second approver (see ``service/payouts.approve``).
UNAPPROVED_RUN_STATES = ("draft", "awaiting_second_approval")


class PayoutRun(Base):
    """A period's payouts: draft (awaiting a second approval when its first approver is paid
    in it), then approved (immutable), then exported to payroll."""

    __tablename__ = "payout_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), index=True)
    state: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The first of two approvals (a run that pays its approver); the final one is approved_*.
    first_approved_by: Mapped[str | None] = mapped_column(String(100))
    first_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    exported_by: Mapped[str | None] = mapped_column(String(100))
    exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PayoutLine(Base):
    """One explained amount: the rule, its inputs (and the events behind them), the tier."""

    __tablename__ = "payout_lines"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(36), index=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    plan_id: Mapped[str | None] = mapped_column(String(36))
    rule: Mapped[str] = mapped_column(String(40))
    tier: Mapped[str | None] = mapped_column(String(200))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    explanation: Mapped[str] = mapped_column(Text)


class Adjustment(Base):
    """A correction to an approved run, paid as a line of the next run, with its reason."""

    __tablename__ = "adjustments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    period: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    run_id: Mapped[str | None] = mapped_column(String(36), index=True)


class Project(Base):
    """A special project of an owner unit whose members get a one-off bonus once it succeeds
    and is approved. It concludes once: succeeded (then approved, paid) or failed; the
    dashboard's success rate is over the concluded ``core`` projects."""

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(20))
    awards: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    succeeded_by: Mapped[str | None] = mapped_column(String(100))
    succeeded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    success_note: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_run_id: Mapped[str | None] = mapped_column(String(36))
    # The owner unit (null for projects made before units were recorded).
    unit_id: Mapped[str | None] = mapped_column(String(36), index=True)
    core: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # "succeeded" or "failed" once concluded (the state moves on after success: approved...).
    outcome: Mapped[str | None] = mapped_column(String(20))
    concluded_by: Mapped[str | None] = mapped_column(String(100))
    concluded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    failure_note: Mapped[str | None] = mapped_column(Text)


class StarAward(Base):
    """A month's marketing stars, with the rule that chose them: awarded from a settlement
    of the month (``revision``), re-awarded by each newer one (``reason``); ``members`` says
    who was eligible and why not, ``history`` every revision's winners, revoked and added."""

    __tablename__ = "star_awards"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    eligible: Mapped[int] = mapped_column(Integer)
    share: Mapped[Decimal] = mapped_column(RATIO)
    rule: Mapped[str] = mapped_column(Text)
    stars: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    awarded_by: Mapped[str] = mapped_column(String(100))
    awarded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The settlement revision the current stars come from (None: awarded before settlements).
    revision: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    members: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class MonthSettlement(Base):
    """Performance's newest settlement of a month (``MonthSettled``): its final scores."""

    __tablename__ = "month_settlements"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    settled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    settled_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    event_id: Mapped[str] = mapped_column(String(64))


class KpiDefinitionCopy(Base):
    """Incentives' copy of a KPI definition, from goals' ``KPIDefinitionChanged`` (the
    newest version): a plan names only an active one."""

    __tablename__ = "kpi_definitions"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[int] = mapped_column(Integer)


class EquityGrant(Base):
    """A long-term reward in units (not money): draft, then approved. ``tranches`` is the
    vesting schedule, each ``{"number", "vests_on", "quantity", "state", "note"}``
    (pending > vested or forfeited); ``conditions`` the tenure and performance it needs."""

    __tablename__ = "equity_grants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    instrument: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    granted_on: Mapped[date] = mapped_column(Date)
    cliff_months: Mapped[int] = mapped_column(Integer)
    tranches: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON)
    currency: Mapped[str | None] = mapped_column(String(3))
    strike_price: Mapped[Decimal | None] = mapped_column(MONEY)
    fair_value: Mapped[Decimal | None] = mapped_column(MONEY)
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Recalculation(Base):
    """A member whose pay for a period must be looked at again, and why. Consumers only
    queue these; a job works through them in batches (see ``service/recalc.py``)."""

    __tablename__ = "recalculations"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    reasons: Mapped[list[str]] = mapped_column(JSONB)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    review_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    queued_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
