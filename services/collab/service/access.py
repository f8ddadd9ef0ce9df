"""Who may see and do what in collab.

A ticket is seen by its requester and everyone in the requester or owner unit, its assignee,
its mediator, and HR and admins; anyone else gets 404, so they do not learn it exists.
Meeting minutes are for the attendees (host, recorder, speakers, attendees) and their
managers. The gateway checks the token; these rules are checked here."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from collab import repository
from collab.models import Meeting, Ticket
from shared.auth import Principal, Role
from shared.errors import Forbidden, NotFound

HIDDEN = "no such resource, or it is not yours to see"


def sees_everything(principal: Principal) -> bool:
    return principal.has(Role.hr, Role.admin)


def repository_visibility(principal: Principal) -> ColumnElement[bool]:
    """The tickets a principal may see, as a query condition (the rule of ``may_see_ticket``)."""
    return repository.ticket_visibility(
        everything=sees_everything(principal),
        member_id=principal.member_id,
        unit_ids=principal.org_units,
    )


def on_requester_side(principal: Principal, ticket: Ticket) -> bool:
    return (
        principal.member_id == ticket.requester_id
        or ticket.requester_unit_id in principal.org_units
    )


def on_owner_side(principal: Principal, ticket: Ticket) -> bool:
    return principal.member_id == ticket.assignee_id or ticket.owner_unit_id in principal.org_units


def is_mediator(principal: Principal, ticket: Ticket) -> bool:
    return ticket.mediator_id is not None and ticket.mediator_id == principal.member_id


def may_see_ticket(principal: Principal, ticket: Ticket) -> bool:
    return (
        sees_everything(principal)
        or on_requester_side(principal, ticket)
        or on_owner_side(principal, ticket)
        or is_mediator(principal, ticket)
    )


def require_ticket_visible(principal: Principal, ticket: Ticket | None) -> Ticket:
    if ticket is None or not may_see_ticket(principal, ticket):
        raise NotFound(HIDDEN)
    return ticket


def require_owner_side(principal: Principal, ticket: Ticket, what: str) -> None:
    if not (sees_everything(principal) or on_owner_side(principal, ticket)):
        raise Forbidden(f"only the owner unit or the assignee may {what}")


def require_requester_side(principal: Principal, ticket: Ticket, what: str) -> None:
    if not (sees_everything(principal) or on_requester_side(principal, ticket)):
        raise Forbidden(f"only the requester's unit may {what}")


def require_party(principal: Principal, ticket: Ticket, what: str) -> None:
    if not (
        sees_everything(principal)
        or on_owner_side(principal, ticket)
        or on_requester_side(principal, ticket)
    ):
        raise Forbidden(f"only the requester's or the owner's unit may {what}")


def require_unit_manager(principal: Principal, unit_id: str, what: str) -> None:
    """A unit's settings and data are for its managers, HR and admins to change."""
    if sees_everything(principal) or (
        principal.has(Role.manager) and unit_id in principal.org_units
    ):
        return
    raise Forbidden(f"a manager of the unit, HR or an admin may {what}")


def require_hr(principal: Principal) -> None:
    principal.require(Role.hr, Role.admin)


def attendees_of(meeting: Meeting) -> set[str]:
    return {
        meeting.host_id,
        meeting.recorder_id,
        *meeting.speaker_ids,
        *meeting.attendee_ids,
    }


async def may_see_meeting(session: AsyncSession, principal: Principal, meeting: Meeting) -> bool:
    attendees = attendees_of(meeting)
    if sees_everything(principal) or principal.member_id in attendees | {meeting.created_by}:
        return True
    return principal.member_id in await repository.managers_of(session, member_ids=list(attendees))


async def require_meeting_visible(
    session: AsyncSession, principal: Principal, meeting: Meeting | None
) -> Meeting:
    if meeting is None or not await may_see_meeting(session, principal, meeting):
        raise NotFound(HIDDEN)
    return meeting
