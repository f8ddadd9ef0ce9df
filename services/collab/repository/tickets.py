"""Queries on tickets and what they record: steps, comments, attachments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, false, func, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from collab.models import (
    Ticket,
    TicketAttachment,
    TicketComment,
    TicketStep,
)
from collab.repository.rows import OPEN_STATUSES, one
from collab.repository.search import TextSearch, matching, no_relevance
from shared.paging import Column, PageQuery


async def get_ticket(
    session: AsyncSession, *, ticket_id: str, for_update: bool = False
) -> Ticket | None:
    return await one(session, Ticket, Ticket.id == ticket_id, for_update)


async def last_recorded_at(session: AsyncSession, *, ticket_id: str) -> datetime | None:
    """The latest instant among a ticket's recorded steps."""
    latest: datetime | None = await session.scalar(
        select(func.max(TicketStep.at)).where(TicketStep.ticket_id == ticket_id)
    )
    return latest


async def ticket_by_key(session: AsyncSession, *, requester_id: str, key: str) -> Ticket | None:
    rows = await session.scalars(
        select(Ticket).where(Ticket.requester_id == requester_id, Ticket.idempotency_key == key)
    )
    return rows.first()


def ticket_visibility(
    *, everything: bool, member_id: str, unit_ids: Sequence[str]
) -> ColumnElement[bool]:
    """The tickets a principal may see, as a condition (the same rule as ``access``)."""
    if everything:
        return true()
    units = list(unit_ids)
    return or_(
        Ticket.requester_id == member_id,
        Ticket.assignee_id == member_id,
        Ticket.mediator_id == member_id,
        Ticket.requester_unit_id.in_(units) if units else false(),
        Ticket.owner_unit_id.in_(units) if units else false(),
    )


def _clock_columns(clock: str) -> tuple[Any, Any, Any, Any, Any]:
    """A clock's target, met instant, recorded breach, due time and at-risk instant."""
    if clock == "response":
        return (
            Ticket.response_target_hours,
            Ticket.first_response_at,
            Ticket.response_breached,
            Ticket.response_due_at,
            Ticket.response_at_risk_at,
        )
    return (
        Ticket.resolution_target_hours,
        Ticket.resolved_at,
        Ticket.resolution_breached,
        Ticket.resolution_due_at,
        Ticket.resolution_at_risk_at,
    )


def _seconds(hours: Any) -> Any:
    """``calendar.hours_to_seconds`` in SQL: whole seconds, a fraction counting as one."""
    return func.ceil(hours * 3600)


def _clock_breached(clock: str, now: datetime) -> ColumnElement[bool]:
    target, met, recorded, due, _ = _clock_columns(clock)
    reached = or_(
        and_(Ticket.clock_since.is_not(None), due <= now),
        Ticket.business_seconds_used >= _seconds(target),
    )
    return or_(recorded, and_(met.is_(None), reached))


def _clock_at_risk(clock: str, now: datetime) -> ColumnElement[bool]:
    target, met, _, _, at_risk_at = _clock_columns(clock)
    warning = func.ceil(_seconds(target) * Ticket.at_risk_share)
    reached = or_(
        and_(Ticket.clock_since.is_not(None), at_risk_at <= now),
        Ticket.business_seconds_used >= warning,
    )
    return and_(met.is_(None), reached, not_(_clock_breached(clock, now)))


def breached_condition(now: datetime) -> ColumnElement[bool]:
    """Either clock breached by ``now`` (the rule of ``service.sla_state``)."""
    return or_(_clock_breached("response", now), _clock_breached("resolution", now))


def at_risk_condition(now: datetime) -> ColumnElement[bool]:
    """Either clock at risk at ``now`` (the rule of ``service.sla_state``)."""
    return or_(_clock_at_risk("response", now), _clock_at_risk("resolution", now))


TICKET_COLUMNS: dict[str, Column] = {
    "created_at": Ticket.created_at,
    "opened_at": Ticket.opened_at,
    "title": Ticket.title,
    "status": Ticket.status,
}
TICKET_SORTS = (*TICKET_COLUMNS, "relevance")
"""``relevance`` ranks a search (``q``) as the knowledge base's does; without one it is 0."""


def ticket_search_statement(
    *,
    visible: ColumnElement[bool],
    status: str | None,
    unit_id: str | None,
    search: TextSearch | None,
    page: PageQuery,
    flags: ColumnElement[bool] | None = None,
) -> Select[Any]:
    """The statement ``list_tickets`` runs (one page plus one row): the visible tickets with
    ``status``, of ``unit_id`` (either side), holding ``search`` (the GIN index on
    ``search_tokens`` serves the match) and meeting ``flags`` (at risk, breached)."""
    statement = select(Ticket).where(visible)
    if flags is not None:
        statement = statement.where(flags)
    relevance = no_relevance()
    if search is not None:
        condition, relevance = matching(Ticket.search_tokens, Ticket.search_title, search)
        statement = statement.where(condition)
    if status is not None:
        statement = statement.where(Ticket.status == status)
    if unit_id is not None:
        statement = statement.where(
            or_(Ticket.requester_unit_id == unit_id, Ticket.owner_unit_id == unit_id)
        )
    return page.apply(statement, {**TICKET_COLUMNS, "relevance": relevance}, Ticket.id)


async def list_tickets(
    session: AsyncSession,
    *,
    visible: ColumnElement[bool],
    status: str | None,
    unit_id: str | None,
    page: PageQuery,
    search: TextSearch | None = None,
    flags: ColumnElement[bool] | None = None,
) -> tuple[list[Ticket], str | None]:
    """One page of the visible tickets with ``status``, of ``unit_id`` (either side),
    holding ``search`` (every one when None) and meeting ``flags``."""
    statement = ticket_search_statement(
        visible=visible, status=status, unit_id=unit_id, search=search, page=page, flags=flags
    )
    found: list[Ticket] = list((await session.scalars(statement)).all())
    return page.page(found)


async def open_bottlenecks(session: AsyncSession) -> list[Ticket]:
    """Open tickets that breached an SLA or were escalated, oldest first."""
    rows = await session.scalars(
        select(Ticket)
        .where(
            Ticket.status.in_(OPEN_STATUSES),
            or_(Ticket.response_breached, Ticket.resolution_breached, Ticket.escalated),
        )
        .order_by(Ticket.opened_at, Ticket.id)
    )
    return list(rows.all())


async def steps_of(session: AsyncSession, *, ticket_id: str) -> list[TicketStep]:
    rows = await session.scalars(
        select(TicketStep)
        .where(TicketStep.ticket_id == ticket_id)
        .order_by(TicketStep.at, TicketStep.created_at, TicketStep.id)
    )
    return list(rows.all())


STEP_COLUMNS: dict[str, Column] = {
    "at": TicketStep.at,
    "kind": TicketStep.kind,
}
STEP_SORTS = tuple(STEP_COLUMNS)


async def steps_page(
    session: AsyncSession, *, ticket_id: str, page: PageQuery
) -> tuple[list[TicketStep], str | None]:
    """One page of a ticket's steps; steps at the same instant in the order they were
    written."""
    statement = select(TicketStep).where(TicketStep.ticket_id == ticket_id)
    return await page.fetch(session, statement, STEP_COLUMNS, TicketStep.created_at, TicketStep.id)


COMMENT_COLUMNS: dict[str, Column] = {
    "at": TicketComment.at,
    "author_id": TicketComment.author_id,
}
COMMENT_SORTS = tuple(COMMENT_COLUMNS)


async def comments_of(
    session: AsyncSession, *, ticket_id: str, page: PageQuery
) -> tuple[list[TicketComment], str | None]:
    statement = select(TicketComment).where(TicketComment.ticket_id == ticket_id)
    return await page.fetch(session, statement, COMMENT_COLUMNS, TicketComment.id)


ATTACHMENT_COLUMNS: dict[str, Column] = {
    "created_at": TicketAttachment.created_at,
    "name": TicketAttachment.name,
}
ATTACHMENT_SORTS = tuple(ATTACHMENT_COLUMNS)


async def attachments_of(
    session: AsyncSession, *, ticket_id: str, page: PageQuery
) -> tuple[list[TicketAttachment], str | None]:
    statement = select(TicketAttachment).where(TicketAttachment.ticket_id == ticket_id)
    return await page.fetch(session, statement, ATTACHMENT_COLUMNS, TicketAttachment.id)
