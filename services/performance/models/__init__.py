"""Tables of the ``performance`` schema: copies of goals' organisation, scorecards, scores,
reviews, feedback, pulse surveys and settlements here; development records (competencies,
plans, training) in ``development``; the schema's metadata and shared tables in ``base``."""

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
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from performance.models.base import (
    POINTS,
    RATIO,
    SCHEMA,
    Base,
    dashboard_targets,
    inbox,
    metadata,
    outbox,
)
from performance.models.development import (
    CompetencyAssessment,
    DevelopmentPlan,
    ImprovementPlan,
    PositionCopy,
    RootCauseNote,
    TrainingRecord,
)


class OrgUnitCopy(Base):
    """Performance's own copy of an org unit, kept from ``OrgUnitChanged``."""

    __tablename__ = "org_units"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(String(36), index=True)
    source_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class MemberCopy(Base):
    """Performance's own copy of a member, kept from ``MemberChanged``."""

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
    leave_reason: Mapped[str | None] = mapped_column(String(30))
    position_id: Mapped[str | None] = mapped_column(String(64), index=True)
    mentor_id: Mapped[str | None] = mapped_column(String(36))
    source_version: Mapped[int] = mapped_column(Integer)


class ScorecardTemplate(Base):
    """Indicators with weights and scoring curves for a population; each change is a new
    version, and a score says which version made it."""

    __tablename__ = "scorecard_templates"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    population: Mapped[dict[str, Any]] = mapped_column(JSON)
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The first month the version scores ("2026-03"); earlier months keep what scored them.
    effective_from: Mapped[str] = mapped_column(String(7))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class IndicatorInput(Base):
    """The latest input of one indicator source (a KPI, or the SLA share) for a member and
    month, with the events that set it."""

    __tablename__ = "indicator_inputs"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Decimal | None] = mapped_column(RATIO)
    answered_in_sla: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    event_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The time of the newest event applied: an older one arriving late changes nothing.
    last_event_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The version of goals' figure it was copied from (KPI inputs; None before versions).
    source_version: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class CollabRequest(Base):
    """A cross-department request a member answered: in the SLA or not, by month."""

    __tablename__ = "collab_requests"

    ticket_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    month: Mapped[str] = mapped_column(String(7))
    within_sla: Mapped[bool] = mapped_column(Boolean)
    event_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class LiveScore(Base):
    """A member's live monthly score and its explanation."""

    __tablename__ = "live_scores"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    score: Mapped[Decimal] = mapped_column(POINTS)
    template_id: Mapped[str] = mapped_column(String(36))
    template_version: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Set by a deliberate re-score: the month is scored with this version from then on.
    pinned_template_id: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ScoreRescore(Base):
    """A deliberate re-score of a member's month with a stated template version: who, when,
    why, and the score and version before and after."""

    __tablename__ = "score_rescores"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36))
    month: Mapped[str] = mapped_column(String(7))
    old_score: Mapped[Decimal] = mapped_column(POINTS)
    new_score: Mapped[Decimal] = mapped_column(POINTS)
    old_template_id: Mapped[str] = mapped_column(String(36))
    old_template_version: Mapped[int] = mapped_column(Integer)
    template_id: Mapped[str] = mapped_column(String(36))
    template_version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    rescored_by: Mapped[str] = mapped_column(String(100))
    rescored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewCycle(Base):
    __tablename__ = "review_cycles"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))
    population: Mapped[dict[str, Any]] = mapped_column(JSON)
    weights: Mapped[dict[str, str]] = mapped_column(JSON)
    source_weights: Mapped[dict[str, str]] = mapped_column(JSON)
    peers_anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    # Peer answers a review needs before its reviewee sees any peer rating.
    min_peer_answers: Mapped[int] = mapped_column(Integer)
    rating_scale: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    target_distribution: Mapped[dict[str, str]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(30))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Who closed the cycle away from its target distribution, why, and the numbers then.
    distribution_acknowledgement: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("cycle_id", "member_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cycle_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.review_cycles.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    manager_id: Mapped[str | None] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(30))
    results_score: Mapped[Decimal | None] = mapped_column(POINTS)
    ability_score: Mapped[Decimal | None] = mapped_column(POINTS)
    attitude_score: Mapped[Decimal | None] = mapped_column(POINTS)
    final_score: Mapped[Decimal | None] = mapped_column(POINTS)
    rating: Mapped[str | None] = mapped_column(String(10))
    calibrated_rating: Mapped[str | None] = mapped_column(String(10))
    explanation: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Feedback(Base):
    """One 360 rating: ability and attitude on 1-5, from a source."""

    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    review_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.reviews.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[str | None] = mapped_column(String(100))
    author_name: Mapped[str | None] = mapped_column(String(200))
    ability: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    attitude: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Nomination(Base):
    """A member nominated to give peer feedback on a review: proposed by the reviewee and
    approved (or declined) by the manager of record or HR, or added by them approved; it is
    answered once, by the nominee's feedback."""

    __tablename__ = "nominations"
    __table_args__ = (UniqueConstraint("review_id", "member_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    review_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.reviews.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(20))
    nominated_by: Mapped[str] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FeedbackInvite(Base):
    """A single-use link for a customer to give feedback without an account."""

    __tablename__ = "feedback_invites"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    review_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.reviews.id"), index=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CalibrationAdjustment(Base):
    __tablename__ = "calibration_adjustments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    review_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.reviews.id"), index=True)
    old_rating: Mapped[str | None] = mapped_column(String(10))
    new_rating: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    adjusted_by: Mapped[str] = mapped_column(String(100))
    adjusted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ReviewReopening(Base):
    __tablename__ = "review_reopenings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    review_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.reviews.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    reopened_by: Mapped[str] = mapped_column(String(100))
    reopened_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class PulseSurvey(Base):
    __tablename__ = "pulse_surveys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(36), index=True)
    question: Mapped[str] = mapped_column(String(500))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))


class PulseAnswer(Base):
    """An anonymous answer: nothing in it points to who gave it."""

    __tablename__ = "pulse_answers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey(f"{SCHEMA}.pulse_surveys.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)


class PulseParticipation(Base):
    """That someone answered (a keyed hash of survey and member), kept apart from the
    answers so that one answer each can be enforced without knowing whose answer is whose."""

    __tablename__ = "pulse_participation"

    survey_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    participant: Mapped[str] = mapped_column(String(64), primary_key=True)


class MonthSettlement(Base):
    """A month's scores declared final (``MonthSettled``): revision 1, then a correction
    per later settle, each with who, when and why, and the scores as they were."""

    __tablename__ = "month_settlements"
    __table_args__ = (UniqueConstraint("month", "revision"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    settled_by: Mapped[str] = mapped_column(String(100))
    settled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


__all__ = [
    "POINTS",
    "RATIO",
    "SCHEMA",
    "Base",
    "CalibrationAdjustment",
    "CollabRequest",
    "CompetencyAssessment",
    "DevelopmentPlan",
    "Feedback",
    "FeedbackInvite",
    "ImprovementPlan",
    "IndicatorInput",
    "LiveScore",
    "MemberCopy",
    "MonthSettlement",
    "Nomination",
    "OrgUnitCopy",
    "PositionCopy",
    "PulseAnswer",
    "PulseParticipation",
    "PulseSurvey",
    "Review",
    "ReviewCycle",
    "ReviewReopening",
    "RootCauseNote",
    "ScoreRescore",
    "ScorecardTemplate",
    "TrainingRecord",
    "dashboard_targets",
    "inbox",
    "metadata",
    "outbox",
]
