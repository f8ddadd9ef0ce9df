"""Who may see and do what in collab.

A ticket is seen by its requester and everyone in the requester or owner unit, its assignee,
its mediator, and HR and admins; anyone else gets 404, so they do not learn it exists.
Meeting minutes are for the attendees (host, recorder, speakers, attendees) and their
managers. The gateway checks the token; these rules are checked here.

Units mean what they mean in goals and performance: a member acts for the units in their
token; a manager for those units and every unit below them (collab's copy of goals' org
tree), so a department's manager sees and acts on its teams' tickets, settings and grants.
A unit the copies do not know yet still counts, on its own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from collab import repository
from collab.models import Meeting, Ticket
from shared.access import hidden
from shared.access import require_hr as require_hr
from shared.access import sees_everything as sees_everything
from shared.auth import Principal, Role
from shared.errors import Forbidden


@dataclass(frozen=True)
class Scope:
    """What one principal may reach, worked out once per request."""

    principal: Principal
    everything: bool
    # The units in the token; for a manager, with every unit below them.
    units: frozenset[str]

    @property
    def member_id(self) -> str:
        return self.principal.member_id

    @property
    def manager(self) -> bool:
        return self.principal.has(Role.manager)


async def scope_of(session: AsyncSession, principal: Principal) -> Scope:
    if sees_everything(principal):
        return Scope(principal, True, frozenset())
    units = set(principal.org_units)
    if principal.has(Role.manager):
        units = await repository.subtree(session, roots=units)
    return Scope(principal, False, frozenset(units))


def repository_visibility(scope: Scope) -> ColumnElement[bool]:
    """The tickets a principal may see, as a query condition (the rule of ``may_see_ticket``)."""
    return repository.ticket_visibility(
        everything=scope.everything, member_id=scope.member_id, unit_ids=sorted(scope.units)
    )


def on_requester_side(scope: Scope, ticket: Ticket) -> bool:
    return scope.member_id == ticket.requester_id or ticket.requester_unit_id in scope.units


def on_owner_side(scope: Scope, ticket: Ticket) -> bool:
    return scope.member_id == ticket.assignee_id or ticket.owner_unit_id in scope.units


def is_mediator(scope: Scope, ticket: Ticket) -> bool:
    return ticket.mediator_id is not None and ticket.mediator_id == scope.member_id


def may_see_ticket(scope: Scope, ticket: Ticket) -> bool:
    return (
        scope.everything
        or on_requester_side(scope, ticket)
        or on_owner_side(scope, ticket)
        or is_mediator(scope, ticket)
    )


def require_ticket_visible(scope: Scope, ticket: Ticket | None) -> Ticket:
    if ticket is None or not may_see_ticket(scope, ticket):
        raise hidden()
    return ticket


def require_may_ask_for(scope: Scope, unit_id: str) -> None:
    """A ticket is opened on behalf of a unit you belong to (or, as its manager, one below)."""
    if not (scope.everything or unit_id in scope.units):
        raise Forbidden("you may only ask on behalf of a unit you belong to or manage")


def require_owner_side(scope: Scope, ticket: Ticket, what: str) -> None:
    if not (scope.everything or on_owner_side(scope, ticket)):
        raise Forbidden(f"only the owner unit or the assignee may {what}")


def require_requester_side(scope: Scope, ticket: Ticket, what: str) -> None:
    if not (scope.everything or on_requester_side(scope, ticket)):
        raise Forbidden(f"only the requester's unit may {what}")


def require_party(scope: Scope, ticket: Ticket, what: str) -> None:
    if not (scope.everything or on_owner_side(scope, ticket) or on_requester_side(scope, ticket)):
        raise Forbidden(f"only the requester's or the owner's unit may {what}")


def may_manage_unit(scope: Scope, unit_id: str) -> bool:
    return scope.everything or (scope.manager and unit_id in scope.units)


def require_unit_manager(scope: Scope, unit_id: str, what: str) -> None:
    """A unit's settings and data are for its managers (and those of the units above it),
    HR and admins to change."""
    if not may_manage_unit(scope, unit_id):
        raise Forbidden(f"a manager of the unit, HR or an admin may {what}")


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
        raise hidden()
    return meeting
