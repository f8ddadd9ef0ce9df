"""Development records: competency assessments (against performance's copies of goals'
positions), improvement and development plans with their root-cause notes, and training."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from performance.models.base import (
    Base,
)


class PositionCopy(Base):
    """Performance's own copy of a position, kept from goals' ``PositionChanged``: what its
    holders' competencies are assessed against (``[{competency, level, name?}]``)."""

    __tablename__ = "positions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(64))
    layer: Mapped[str] = mapped_column(String(20))
    core: Mapped[bool] = mapped_column(Boolean)
    jd_version: Mapped[int] = mapped_column(Integer)
    required_competencies: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)
    source_version: Mapped[int] = mapped_column(Integer)


class CompetencyAssessment(Base):
    """A member assessed in one competency their position requires: the level, the level
    required then (and the job description's version), by whom and on which day."""

    __tablename__ = "competency_assessments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    position_id: Mapped[str] = mapped_column(String(64))
    jd_version: Mapped[int] = mapped_column(Integer)
    competency: Mapped[str] = mapped_column(String(64))
    required_level: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    assessed_by: Mapped[str] = mapped_column(String(100))
    assessed_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ImprovementPlan(Base):
    """Goals and checkpoints agreed after a review, and how it ended."""

    __tablename__ = "improvement_plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    review_id: Mapped[str | None] = mapped_column(String(36))
    goals: Mapped[list[str]] = mapped_column(JSON)
    checkpoints: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1)


class RootCauseNote(Base):
    """A manager's diagnosis of a trailing indicator: five whys or fishbone categories."""

    __tablename__ = "root_cause_notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    indicator: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(20))
    whys: Mapped[list[str]] = mapped_column(JSON, default=list)
    fishbone: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class DevelopmentPlan(Base):
    __tablename__ = "development_plans"
    __table_args__ = (UniqueConstraint("member_id", "year"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    year: Mapped[int] = mapped_column(Integer)
    objectives: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)


class TrainingRecord(Base):
    __tablename__ = "training_records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(300))
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    completed_on: Mapped[date] = mapped_column(Date)
    provider: Mapped[str | None] = mapped_column(String(200))
