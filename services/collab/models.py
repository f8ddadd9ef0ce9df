"""Tables of the ``collab`` schema."""

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
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.dashboard import dashboard_targets_table
from shared.db import schema_metadata
from shared.inbox import inbox_table
from shared.outbox import outbox_table

SCHEMA = "collab"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
dashboard_targets = dashboard_targets_table(metadata)

HOURS = Numeric(10, 4)
SHARE = Numeric(7, 6)
"""A share of a target, kept at the 6 places every ratio has in the API."""


class Base(DeclarativeBase):
    metadata = metadata


def _created() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


# ----------------------------------------------------------------------------- copies


class OrgUnitCopy(Base):
    """Collab's own copy of an org unit, kept from goals' ``OrgUnitChanged``."""

    __tablename__ = "org_units"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(String(36), index=True)
    source_version: Mapped[int] = mapped_column(Integer)


class MemberCopy(Base):
    """Collab's own copy of a member, kept from goals' ``MemberChanged``."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    home_unit_id: Mapped[str] = mapped_column(String(36), index=True)
    unit_path: Mapped[list[str]] = mapped_column(JSON)
    manager_id: Mapped[str | None] = mapped_column(String(36))
    # The member's last day (goals' ``left_on``); None while they are with the organisation.
    left_on: Mapped[date | None] = mapped_column(Date)
    source_version: Mapped[int] = mapped_column(Integer)


# ----------------------------------------------------------------------------- SLA


class UnitCalendar(Base):
    """An owner unit's business hours: time zone, weekly windows, holidays, make-up days
    (its own, beside the built-in public ones of its country unless it opts out)."""

    __tablename__ = "calendars"

    unit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    week: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    holidays: Mapped[list[str]] = mapped_column(JSON)
    makeup_days: Mapped[list[str]] = mapped_column(JSON)
    makeup_hours: Mapped[list[str]] = mapped_column(JSON)
    # Whose public holidays and make-up days the unit follows: None is the organisation's.
    country: Mapped[str | None] = mapped_column(String(3))
    region: Mapped[str | None] = mapped_column(String(10))
    builtin_holidays: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class SlaPolicy(Base):
    """Targets for the tickets its conditions match (an empty condition matches anything);
    the lowest ``rank`` that matches wins."""

    __tablename__ = "sla_policies"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(Integer)
    categories: Mapped[list[str]] = mapped_column(JSON)
    priorities: Mapped[list[str]] = mapped_column(JSON)
    requester_unit_ids: Mapped[list[str]] = mapped_column(JSON)
    owner_unit_ids: Mapped[list[str]] = mapped_column(JSON)
    first_response_hours: Mapped[Decimal] = mapped_column(HOURS)
    resolution_hours: Mapped[dict[str, str]] = mapped_column(JSON)
    at_risk_share: Mapped[Decimal | None] = mapped_column(SHARE)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = _created()


class Ticket(Base):
    """A request from one unit to another, with its SLA clock.

    The clock counts business seconds: ``business_seconds_used`` up to ``clock_since``, and
    running from ``clock_since`` while it is not null. Waiting on the requester and being
    resolved stop it; a due time is always ``clock_since`` plus what is left of the target,
    so a pause is never lost when the targets change.

    ``search_tokens`` is the tsvector of its title (weight A) and description as
    ``collab.service.search_tokens`` tokenises them, GIN-indexed; ``search_title`` is the
    title normalised, so an exact title match ranks first (as for knowledge articles)."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index(
            "ix_tickets_requester_idempotency_key",
            "requester_id",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
        Index("ix_tickets_search_tokens", "search_tokens", postgresql_using="gin"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64), index=True)
    priority: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(30), index=True)
    requester_unit_id: Mapped[str] = mapped_column(String(36), index=True)
    requester_id: Mapped[str] = mapped_column(String(36))
    owner_unit_id: Mapped[str] = mapped_column(String(36), index=True)
    assignee_id: Mapped[str | None] = mapped_column(String(36), index=True)
    policy_id: Mapped[str | None] = mapped_column(String(36))
    response_target_hours: Mapped[Decimal] = mapped_column(HOURS)
    resolution_target_hours: Mapped[Decimal] = mapped_column(HOURS)
    at_risk_share: Mapped[Decimal] = mapped_column(SHARE)
    business_seconds_used: Mapped[int] = mapped_column(BigInteger, default=0)
    clock_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    response_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When each running clock reaches its at-risk share (as its at-risk deadline); None while
    # the clock is paused or done.
    response_at_risk_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_at_risk_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_business_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_business_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    root_cause: Mapped[str | None] = mapped_column(String(40))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    mediator_id: Mapped[str | None] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A retried create (the same Idempotency-Key from the same requester) returns this ticket.
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    search_title: Mapped[str] = mapped_column(Text)
    search_tokens: Mapped[str] = mapped_column(TSVECTOR)
    created_at: Mapped[datetime] = _created()


class SlaDeadline(Base):
    """A moment the scheduler must act on: a warning or a breach of one clock of a ticket.
    A row fires once (``fired_at``); a fired row is never moved or fired again."""

    __tablename__ = "sla_deadlines"
    __table_args__ = (
        UniqueConstraint("ticket_id", "kind"),
        Index("ix_sla_deadlines_due", "due_at", postgresql_where=text("fired_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TicketStep(Base):
    """Everything that happened to a ticket, with who and when: status changes, field
    changes, and the conflict path (root cause, negotiation, escalation, decision)."""

    __tablename__ = "ticket_steps"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    # When the row was written (not when its transaction began): steps of one instant keep
    # the order their writers held the ticket's lock in.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )


class TicketComment(Base):
    __tablename__ = "ticket_comments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), index=True)
    author_id: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = _created()


class TicketAttachment(Base):
    """A file kept elsewhere (a document store, a drive), referenced by its address."""

    __tablename__ = "ticket_attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    media_type: Mapped[str | None] = mapped_column(String(100))
    added_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = _created()


# ----------------------------------------------------------------------------- meetings


class Meeting(Base):
    """A meeting and its minutes. ``search_tokens`` is the tsvector of its title (weight A),
    goal and minutes (``collab.service.search_tokens``), GIN-indexed; ``search_title`` is the
    title normalised."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index(
            "ix_meetings_monthly_month",
            "month",
            unique=True,
            postgresql_where=text("kind = 'monthly_cross_department'"),
        ),
        Index("ix_meetings_search_tokens", "search_tokens", postgresql_using="gin"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    month: Mapped[str | None] = mapped_column(String(7))
    title: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(Text)
    agenda: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    scheduled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    unit_ids: Mapped[list[str]] = mapped_column(JSON)
    host_id: Mapped[str] = mapped_column(String(36))
    recorder_id: Mapped[str] = mapped_column(String(36))
    speaker_ids: Mapped[list[str]] = mapped_column(JSON)
    attendee_ids: Mapped[list[str]] = mapped_column(JSON)
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_by: Mapped[str | None] = mapped_column(String(100))
    minutes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    search_title: Mapped[str] = mapped_column(Text)
    search_tokens: Mapped[str] = mapped_column(TSVECTOR)
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = _created()


class ActionItem(Base):
    """Something someone owes by a date, from a meeting or a retrospective, tracked to done."""

    __tablename__ = "action_items"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source_type: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[str] = mapped_column(String(36), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = _created()


# ----------------------------------------------------------------------------- retros


class Retrospective(Base):
    __tablename__ = "retrospectives"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[str] = mapped_column(String(36), index=True)
    ended_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    facilitator_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20))
    what_worked: Mapped[str | None] = mapped_column(Text)
    what_failed: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(64))
    article_id: Mapped[str | None] = mapped_column(String(36))
    filed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    filed_by: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = _created()


class KnowledgeArticle(Base):
    """An entry of the knowledge base. ``search_tokens`` is the tsvector of its title and body
    as ``collab.service.search_tokens`` tokenises them (CJK unigrams and bigrams, words),
    GIN-indexed; ``search_title`` is the title normalised, so an exact title match ranks first.
    """

    __tablename__ = "knowledge_articles"
    __table_args__ = (
        Index("ix_knowledge_articles_search_tokens", "search_tokens", postgresql_using="gin"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64), index=True)
    retrospective_id: Mapped[str | None] = mapped_column(String(36))
    search_title: Mapped[str] = mapped_column(Text)
    search_tokens: Mapped[str] = mapped_column(TSVECTOR)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = _created()


# ----------------------------------------------------------------------------- grants


class DataGrant(Base):
    """A unit lets another unit read one of its data sets until a date (inclusive)."""

    __tablename__ = "data_grants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    grantor_unit_id: Mapped[str] = mapped_column(String(36), index=True)
    grantee_unit_id: Mapped[str] = mapped_column(String(36), index=True)
    data_set: Mapped[str] = mapped_column(String(64))
    valid_until: Mapped[date] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    granted_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = _created()
