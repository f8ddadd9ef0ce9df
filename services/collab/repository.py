"""The only place with queries on the collab schema."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import and_, delete, false, func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from collab.models import (
    ActionItem,
    DataGrant,
    KnowledgeArticle,
    Meeting,
    MemberCopy,
    OrgUnitCopy,
    Retrospective,
    SlaDeadline,
    SlaPolicy,
    Ticket,
    TicketAttachment,
    TicketComment,
    TicketStep,
    UnitCalendar,
)

T = TypeVar("T")
OPEN_STATUSES = ("open", "in_progress", "waiting_on_requester")


async def add(session: AsyncSession, *, row: T) -> T:
    session.add(row)
    await session.flush()
    return row


async def _one(session: AsyncSession, model: type[T], where: Any, for_update: bool) -> T | None:
    statement = select(model).where(where)
    if for_update:
        # A row this session loaded before must be read again, now that it is locked.
        statement = statement.with_for_update().execution_options(populate_existing=True)
    found: T | None = (await session.scalars(statement)).first()
    return found


# ----------------------------------------------------------------------------- copies


async def upsert_newer(session: AsyncSession, *, model: Any, values: dict[str, Any]) -> None:
    """Insert or update a copy; an older ``source_version`` arriving late changes nothing."""
    statement = insert(model).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[model.id],
            set_={k: statement.excluded[k] for k in values if k != "id"},
            where=model.source_version < statement.excluded.source_version,
        )
    )


async def get_member(session: AsyncSession, *, member_id: str) -> MemberCopy | None:
    return await session.get(MemberCopy, member_id)


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnitCopy | None:
    return await session.get(OrgUnitCopy, unit_id)


async def subtree(session: AsyncSession, *, roots: Iterable[str]) -> set[str]:
    """The units in ``roots`` and every unit below them, by the copies' parent ids (a root
    the copies do not know stays in, on its own)."""
    units = set(roots)
    if not units:
        return units
    below = select(OrgUnitCopy.id).where(OrgUnitCopy.parent_id.in_(units)).cte(recursive=True)
    # UNION, not UNION ALL: a cycle in copies that arrived out of order still ends.
    below = below.union(select(OrgUnitCopy.id).where(OrgUnitCopy.parent_id == below.c.id))
    return units | set((await session.scalars(select(below.c.id))).all())


async def managers_of(session: AsyncSession, *, member_ids: Sequence[str]) -> set[str]:
    rows = await session.scalars(
        select(MemberCopy.manager_id).where(
            MemberCopy.id.in_(list(member_ids)), MemberCopy.manager_id.is_not(None)
        )
    )
    return {m for m in rows.all() if m is not None}


# ----------------------------------------------------------------------------- SLA


async def get_calendar(
    session: AsyncSession, *, unit_id: str, for_update: bool = False
) -> UnitCalendar | None:
    if not for_update:
        return await session.get(UnitCalendar, unit_id)
    statement = (
        select(UnitCalendar)
        .where(UnitCalendar.unit_id == unit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).first()


async def add_calendar_if_missing(session: AsyncSession, *, values: dict[str, Any]) -> bool:
    """Insert a unit's first calendar; False (and nothing written) when it has one, even one
    another transaction is inserting right now (this waits for that one to commit)."""
    inserted = await session.scalar(
        insert(UnitCalendar)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[UnitCalendar.unit_id])
        .returning(UnitCalendar.unit_id)
    )
    return inserted is not None


async def active_policies(session: AsyncSession) -> list[SlaPolicy]:
    rows = await session.scalars(
        select(SlaPolicy)
        .where(SlaPolicy.active)
        .order_by(SlaPolicy.rank, SlaPolicy.created_at, SlaPolicy.id)
    )
    return list(rows.all())


async def get_policy(session: AsyncSession, *, policy_id: str) -> SlaPolicy | None:
    return await session.get(SlaPolicy, policy_id)


async def set_deadline(
    session: AsyncSession, *, ticket_id: str, kind: str, due_at: datetime
) -> None:
    """Schedule (or move) a deadline; one that has fired stays as it was."""
    statement = insert(SlaDeadline).values(ticket_id=ticket_id, kind=kind, due_at=due_at)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[SlaDeadline.ticket_id, SlaDeadline.kind],
            set_={"due_at": statement.excluded.due_at},
            where=SlaDeadline.fired_at.is_(None),
        )
    )


async def drop_deadlines(session: AsyncSession, *, ticket_id: str, kinds: Sequence[str]) -> None:
    """Unschedule deadlines that have not fired (the clock stopped, or the goal was met)."""
    await session.execute(
        delete(SlaDeadline).where(
            SlaDeadline.ticket_id == ticket_id,
            SlaDeadline.kind.in_(list(kinds)),
            SlaDeadline.fired_at.is_(None),
        )
    )


async def deadlines_of(session: AsyncSession, *, ticket_id: str) -> list[SlaDeadline]:
    rows = await session.scalars(
        select(SlaDeadline).where(SlaDeadline.ticket_id == ticket_id).order_by(SlaDeadline.kind)
    )
    return list(rows.all())


async def claim_due_deadlines(
    session: AsyncSession, *, now: datetime, limit: int
) -> list[tuple[SlaDeadline, Ticket]]:
    """Due, unfired deadlines with their tickets, both rows locked; rows another replica
    (or a request changing the ticket) holds are skipped, never waited on."""
    rows = await session.execute(
        select(SlaDeadline, Ticket)
        .join(Ticket, Ticket.id == SlaDeadline.ticket_id)
        .where(SlaDeadline.fired_at.is_(None), SlaDeadline.due_at <= now)
        .order_by(SlaDeadline.due_at, SlaDeadline.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [(row[0], row[1]) for row in rows.all()]


async def mark_fired(session: AsyncSession, *, deadline_ids: Sequence[int], at: datetime) -> None:
    await session.execute(
        update(SlaDeadline).where(SlaDeadline.id.in_(list(deadline_ids))).values(fired_at=at)
    )


# ----------------------------------------------------------------------------- tickets


async def get_ticket(
    session: AsyncSession, *, ticket_id: str, for_update: bool = False
) -> Ticket | None:
    return await _one(session, Ticket, Ticket.id == ticket_id, for_update)


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


async def list_tickets(
    session: AsyncSession,
    *,
    visible: ColumnElement[bool],
    status: str | None,
    unit_id: str | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[Ticket]:
    statement = select(Ticket).where(visible)
    if status is not None:
        statement = statement.where(Ticket.status == status)
    if unit_id is not None:
        statement = statement.where(
            or_(Ticket.requester_unit_id == unit_id, Ticket.owner_unit_id == unit_id)
        )
    if after is not None:
        statement = statement.where(
            or_(
                Ticket.created_at > after[0],
                and_(Ticket.created_at == after[0], Ticket.id > after[1]),
            )
        )
    rows = await session.scalars(statement.order_by(Ticket.created_at, Ticket.id).limit(limit + 1))
    return list(rows.all())


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


async def comments_of(session: AsyncSession, *, ticket_id: str) -> list[TicketComment]:
    rows = await session.scalars(
        select(TicketComment)
        .where(TicketComment.ticket_id == ticket_id)
        .order_by(TicketComment.at, TicketComment.id)
    )
    return list(rows.all())


async def attachments_of(session: AsyncSession, *, ticket_id: str) -> list[TicketAttachment]:
    rows = await session.scalars(
        select(TicketAttachment)
        .where(TicketAttachment.ticket_id == ticket_id)
        .order_by(TicketAttachment.created_at, TicketAttachment.id)
    )
    return list(rows.all())


# ----------------------------------------------------------------------------- meetings


async def get_meeting(
    session: AsyncSession, *, meeting_id: str, for_update: bool = False
) -> Meeting | None:
    if not for_update:
        return await session.get(Meeting, meeting_id)
    statement = (
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).first()


async def monthly_meeting(session: AsyncSession, *, month: str) -> Meeting | None:
    rows = await session.scalars(
        select(Meeting).where(Meeting.kind == "monthly_cross_department", Meeting.month == month)
    )
    return rows.first()


async def actions_of(session: AsyncSession, *, source_ids: Sequence[str]) -> list[ActionItem]:
    rows = await session.scalars(
        select(ActionItem)
        .where(ActionItem.source_id.in_(list(source_ids)))
        .order_by(ActionItem.due_on, ActionItem.created_at, ActionItem.id)
    )
    return list(rows.all())


async def get_action(
    session: AsyncSession, *, action_id: str, for_update: bool = False
) -> ActionItem | None:
    return await _one(session, ActionItem, ActionItem.id == action_id, for_update)


# ----------------------------------------------------------------------------- retros


async def get_retro(
    session: AsyncSession, *, retro_id: str, for_update: bool = False
) -> Retrospective | None:
    return await _one(session, Retrospective, Retrospective.id == retro_id, for_update)


async def overdue_retros(
    session: AsyncSession, *, today: date, unit_ids: Sequence[str] | None
) -> list[Retrospective]:
    """Retros not filed by their due date; ``unit_ids`` None means every unit."""
    statement = select(Retrospective).where(
        Retrospective.status != "filed", Retrospective.due_on < today
    )
    if unit_ids is not None:
        statement = statement.where(Retrospective.unit_id.in_(list(unit_ids)))
    rows = await session.scalars(statement.order_by(Retrospective.due_on, Retrospective.id))
    return list(rows.all())


async def get_article(session: AsyncSession, *, article_id: str) -> KnowledgeArticle | None:
    return await session.get(KnowledgeArticle, article_id)


async def search_articles(
    session: AsyncSession,
    *,
    terms: Sequence[str],
    category: str | None,
    limit: int,
) -> list[KnowledgeArticle]:
    """Articles whose normalised text contains every term (substring: works for Chinese
    without spaces), best trigram similarity first, then newest."""
    statement = select(KnowledgeArticle)
    for term in terms:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(KnowledgeArticle.search_text.like(f"%{escaped}%", escape="\\"))
    if category is not None:
        statement = statement.where(KnowledgeArticle.category == category)
    order: list[Any] = []
    if terms:
        order.append(func.similarity(KnowledgeArticle.search_text, " ".join(terms)).desc())
    order += [KnowledgeArticle.created_at.desc(), KnowledgeArticle.id]
    rows = await session.scalars(statement.order_by(*order).limit(limit))
    return list(rows.all())


# ----------------------------------------------------------------------------- grants


async def get_grant(
    session: AsyncSession, *, grant_id: str, for_update: bool = False
) -> DataGrant | None:
    return await _one(session, DataGrant, DataGrant.id == grant_id, for_update)


async def list_grants(session: AsyncSession, *, unit_ids: Sequence[str] | None) -> list[DataGrant]:
    statement = select(DataGrant)
    if unit_ids is not None:
        units = list(unit_ids)
        statement = statement.where(
            or_(DataGrant.grantor_unit_id.in_(units), DataGrant.grantee_unit_id.in_(units))
        )
    rows = await session.scalars(statement.order_by(DataGrant.created_at, DataGrant.id))
    return list(rows.all())
