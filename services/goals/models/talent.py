"""Talent tables (issue 17): positions with their job-description versions and reviews,
headcount requisitions, candidates, their pipeline steps and the record of erased candidate
data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from goals.models.base import (
    SCHEMA,
    Base,
    Timestamps,
)


class Position(Timestamps, Base):
    """A position in a unit with its job description (summary, duties, authority,
    deliverables) and required competencies. ``jd_version`` is one more whenever the job
    description or the requirements change (the earlier one is kept in
    ``position_versions``); ``version`` is one more at every change (``PositionChanged``)."""

    __tablename__ = "positions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.org_units.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    function: Mapped[str] = mapped_column(String(40))
    layer: Mapped[str] = mapped_column(String(20))
    core: Mapped[bool] = mapped_column(Boolean, default=False)
    # {"summary": str, "duties": [str], "authority": [str], "deliverables": [str]}
    job_description: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{"competency": code, "level": 1..5, "name": str | None}]
    required_competencies: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    jd_version: Mapped[int] = mapped_column(Integer, default=1)
    review_every_months: Mapped[int] = mapped_column(Integer, default=12)
    review_due_on: Mapped[date] = mapped_column(Date, index=True)
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class PositionVersion(Base):
    """A job description and its requirements as they were in one ``jd_version``."""

    __tablename__ = "position_versions"

    position_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.positions.id"), primary_key=True)
    jd_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    job_description: Mapped[dict[str, Any]] = mapped_column(JSON)
    required_competencies: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reason: Mapped[str | None] = mapped_column(Text)


class PositionReview(Base):
    """A periodic review of a position: who, on which day, what was noted, next due date."""

    __tablename__ = "position_reviews"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.positions.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewed_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    jd_version: Mapped[int] = mapped_column(Integer)
    next_due_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Requisition(Timestamps, Base):
    """A headcount requisition: hire ``headcount`` people into a position in a period,
    through the given channels, along the requisition's pipeline (``stages``). Proposed by
    a manager of the unit (or HR), decided by someone else (``service/recruitment.py``)."""

    __tablename__ = "requisitions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.org_units.id"), index=True)
    position_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.positions.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    headcount: Mapped[int] = mapped_column(Integer)
    channels: Mapped[list[str]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    # The pipeline's stage codes in order (applied ... offer).
    stages: Mapped[list[str]] = mapped_column(JSON)
    hiring_manager_id: Mapped[str] = mapped_column(String(100))
    proposed_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))  # proposed|approved|rejected|filled|closed
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # Stopped before it was filled: by whom, when and why (the decision stays as it was).
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    close_reason: Mapped[str | None] = mapped_column(Text)
    hires: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Candidate(Timestamps, Base):
    """A candidate for a requisition. Name, email, phone, resume note, the closing note and
    the steps' notes are personal data: read only by HR, admins, the requisition's hiring
    manager and proposer, and erased (``erased_at``) once a candidate who was not hired has
    been closed longer than the retention period; the rest stays for the statistics."""

    __tablename__ = "candidates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    requisition_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.requisitions.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    resume_note: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(30))
    stage: Mapped[str] = mapped_column(String(30))  # the last stage reached
    # active|offered|accepted|declined|hired|withdrawn|rejected
    status: Mapped[str] = mapped_column(String(20))
    close_note: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    member_id: Mapped[str | None] = mapped_column(String(36))
    added_by: Mapped[str] = mapped_column(String(100))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class CandidateStep(Base):
    """One step of a candidate's pipeline: the stage, passed/failed/skipped (or final for
    the answer to the offer, the hire, a withdrawal or a rejection), who, when, the
    criteria and the scores against the position's competencies."""

    __tablename__ = "candidate_steps"
    __table_args__ = (UniqueConstraint("candidate_id", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.candidates.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(20))
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"competency": code, "level": 1..5, "note": str | None}]
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class CandidateErasure(Base):
    """The record that a candidate's personal data was erased, and under which rule."""

    __tablename__ = "candidate_erasures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.candidates.id"), index=True)
    requisition_id: Mapped[str] = mapped_column(String(36))
    closed_on: Mapped[date] = mapped_column(Date)
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retention_days: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list[str]] = mapped_column(JSON)
    erased_by: Mapped[str] = mapped_column(String(100))
