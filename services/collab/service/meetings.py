"""Meetings: a goal and an agenda, roles, materials before, minutes after, action items
tracked to done; and the monthly cross-department meeting built from open bottlenecks."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import ActionItem, Meeting, Ticket
from collab.schemas import (
    ActionItemCreate,
    ActionItemRead,
    ActionItemUpdate,
    Material,
    MeetingCreate,
    MeetingRead,
    MinutesCreate,
    MonthlyMeetingCreate,
)
from collab.service.access import require_meeting_visible, sees_everything
from collab.service.references import Loc, References, listed
from collab.service.searching import index_meeting, search_of
from shared.access import hidden
from shared.api import check_if_match
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden
from shared.paging import PageQuery

MONTHLY = "monthly_cross_department"
NO_BOTTLENECKS = "No open bottlenecks: review how the units worked together this month"


def _unique(ids: list[str], *, without: set[str] | None = None) -> list[str]:
    seen: list[str] = []
    for member in ids:
        if member not in seen and member not in (without or set()):
            seen.append(member)
    return seen


def meeting_day(scheduled_at: datetime, timezone: str) -> date:
    """The day a meeting is held, in the organisation's time zone."""
    return scheduled_at.astimezone(ZoneInfo(timezone)).date()


async def _check_roles(
    session: AsyncSession,
    body: MeetingCreate | MonthlyMeetingCreate,
    timezone: str,
    references: References,
) -> None:
    """Host, recorder, speakers and attendees are members who have not left before the
    meeting's day."""
    day = meeting_day(body.scheduled_at, timezone)
    named: list[tuple[Loc, str]] = [
        (("body", "host_id"), body.host_id),
        (("body", "recorder_id"), body.recorder_id),
    ]
    if isinstance(body, MeetingCreate):
        named += listed("speaker_ids", body.speaker_ids)
    named += listed("attendee_ids", body.attendee_ids)
    when = f"the meeting on {day.isoformat()}"
    await references.members(session, named, on=day, when=when)


async def create_meeting(
    session: AsyncSession, *, principal: Principal, body: MeetingCreate, timezone: str
) -> Meeting:
    """Plan a meeting; every member and unit it names must be known to collab's copies."""
    references = References()
    await _check_roles(session, body, timezone, references)
    await references.units(session, listed("unit_ids", body.unit_ids))
    references.raise_any()
    meeting: Meeting = await repository.add(
        session,
        row=_indexed(
            Meeting(
                id=str(uuid.uuid4()),
                kind="regular",
                month=None,
                title=body.title,
                goal=body.goal,
                agenda=[item.model_dump() for item in body.agenda],
                scheduled_at=body.scheduled_at,
                unit_ids=_unique(list(body.unit_ids)),
                host_id=body.host_id,
                recorder_id=body.recorder_id,
                speaker_ids=_unique(list(body.speaker_ids)),
                attendee_ids=_unique(list(body.attendee_ids)),
                materials=[m.model_dump(mode="json") for m in body.materials],
                created_by=principal.member_id,
                version=1,
            )
        ),
    )
    return meeting


def _indexed(meeting: Meeting) -> Meeting:
    index_meeting(meeting)
    return meeting


async def generate_monthly(
    session: AsyncSession, *, principal: Principal, body: MonthlyMeetingCreate, timezone: str
) -> Meeting:
    """The month's cross-department meeting: its agenda is every open ticket that breached
    an SLA or was escalated; their assignees speak, their mediators attend. The host,
    recorder and attendees the body names must be members (as for any meeting)."""
    principal.require(Role.manager, Role.hr, Role.admin)
    references = References()
    await _check_roles(session, body, timezone, references)
    references.raise_any()
    if await repository.monthly_meeting(session, month=body.month) is not None:
        raise Conflict(f"the cross-department meeting of {body.month} exists already")
    bottlenecks = await repository.open_bottlenecks(session)
    agenda: list[dict[str, str | None]] = [
        {
            "item": f"{t.title} ({', '.join(_why(t))})",
            "ticket_id": t.id,
        }
        for t in bottlenecks
    ] or [{"item": NO_BOTTLENECKS, "ticket_id": None}]
    roles = {body.host_id, body.recorder_id}
    speakers = _unique([t.assignee_id for t in bottlenecks if t.assignee_id], without=roles)
    attendees = _unique(
        [*body.attendee_ids, *(t.mediator_id for t in bottlenecks if t.mediator_id)],
        without=roles | set(speakers),
    )
    units = _unique([u for t in bottlenecks for u in (t.requester_unit_id, t.owner_unit_id)])
    meeting: Meeting = await repository.add(
        session,
        row=_indexed(
            Meeting(
                id=str(uuid.uuid4()),
                kind=MONTHLY,
                month=body.month,
                title=f"Cross-department review {body.month}",
                goal="Clear the open bottlenecks between units",
                agenda=agenda,
                scheduled_at=body.scheduled_at,
                unit_ids=units,
                host_id=body.host_id,
                recorder_id=body.recorder_id,
                speaker_ids=speakers,
                attendee_ids=attendees,
                materials=[],
                created_by=principal.member_id,
                version=1,
            )
        ),
    )
    return meeting


def _why(ticket: Ticket) -> list[str]:
    """Why a ticket is a bottleneck, in words for the agenda."""
    reasons = []
    if ticket.response_breached:
        reasons.append("first response late")
    if ticket.resolution_breached:
        reasons.append("resolution late")
    if ticket.escalated:
        reasons.append("escalated")
    return reasons


async def get_meeting(
    session: AsyncSession, *, principal: Principal, meeting_id: str, for_update: bool = False
) -> Meeting:
    """The meeting, if the principal may see it (else 404); ``for_update`` locks it until the
    transaction ends, for a change that reads what it changes (materials, minutes)."""
    found = await repository.get_meeting(session, meeting_id=meeting_id, for_update=for_update)
    return await require_meeting_visible(session, principal, found)


async def list_meetings(
    session: AsyncSession, *, principal: Principal, text: str | None, page: PageQuery
) -> tuple[list[Meeting], str | None]:
    """A page of the meetings the principal may see (as ``get_meeting``: attendees, the
    creator, the attendees' managers; HR and admins all); with ``text``, only those whose
    title, goal or minutes hold every part of it, none when it has nothing to search for."""
    search, finds_nothing = search_of(text)
    if finds_nothing:
        return [], None
    visible = repository.meeting_visibility(
        everything=sees_everything(principal), member_id=principal.member_id
    )
    return await repository.list_meetings(session, visible=visible, search=search, page=page)


def _require_organiser(principal: Principal, meeting: Meeting, what: str) -> None:
    if not (
        sees_everything(principal)
        or principal.member_id in (meeting.host_id, meeting.recorder_id, meeting.created_by)
    ):
        raise Forbidden(f"the host or the recorder may {what}")


async def add_material(
    session: AsyncSession, *, principal: Principal, meeting_id: str, body: Material
) -> Meeting:
    """Materials come before the meeting: none once the minutes are in."""
    # Locked: two additions at once would each append to the list they read, and one is lost.
    meeting = await get_meeting(
        session, principal=principal, meeting_id=meeting_id, for_update=True
    )
    _require_organiser(principal, meeting, "add materials")
    if meeting.minutes is not None:
        raise Conflict("materials come before the meeting; its minutes are recorded already")
    meeting.materials = [*meeting.materials, body.model_dump(mode="json")]
    meeting.version += 1
    await session.flush()
    return meeting


async def check_actions(
    session: AsyncSession,
    references: References,
    field: str,
    items: list[ActionItemCreate],
    *,
    today: date,
    not_before: date,
    not_before_is: str,
) -> None:
    """Each action's owner is a member who has not left before ``today``, and it is due no
    earlier than ``not_before``."""
    owners = [(("body", field, i, "owner_id"), item.owner_id) for i, item in enumerate(items)]
    await references.members(session, owners, on=today, when=f"today, {today.isoformat()}")
    for i, item in enumerate(items):
        if item.due_on < not_before:
            references.refuse(
                ("body", field, i, "due_on"),
                f"due on {item.due_on.isoformat()}, before {not_before_is}",
                "due_too_early",
            )


def new_action_item(
    principal: Principal, source_type: str, source_id: str, item: ActionItemCreate
) -> ActionItem:
    return ActionItem(
        id=str(uuid.uuid4()),
        source_type=source_type,
        source_id=source_id,
        title=item.title,
        owner_id=item.owner_id,
        due_on=item.due_on,
        status="open",
        created_by=principal.member_id,
        version=1,
    )


async def record_minutes(
    session: AsyncSession,
    *,
    principal: Principal,
    meeting_id: str,
    body: MinutesCreate,
    now: datetime,
    timezone: str,
) -> Meeting:
    """Record the minutes once, with their action items: not before the meeting starts, each
    action owned by a member still here today and due no earlier than the meeting's day."""
    # Locked: two recorders at once would both find no minutes and both add action items.
    meeting = await get_meeting(
        session, principal=principal, meeting_id=meeting_id, for_update=True
    )
    _require_organiser(principal, meeting, "record the minutes")
    if meeting.minutes is not None:
        raise Conflict("the minutes are recorded already")
    references = References()
    if now < meeting.scheduled_at:
        references.refuse(
            ("body", "minutes"),
            f"minutes are dated when they are recorded ({now.astimezone(UTC).isoformat()}), "
            f"which is before the meeting starts "
            f"({meeting.scheduled_at.astimezone(UTC).isoformat()})",
            "before_meeting",
        )
    day = meeting_day(meeting.scheduled_at, timezone)
    await check_actions(
        session,
        references,
        "action_items",
        body.action_items,
        today=meeting_day(now, timezone),
        not_before=day,
        not_before_is=f"the meeting's day, {day.isoformat()}",
    )
    references.raise_any()
    meeting.minutes = body.minutes
    meeting.minutes_by = principal.member_id
    meeting.minutes_at = now
    index_meeting(meeting)
    meeting.version += 1
    for item in body.action_items:
        await repository.add(session, row=new_action_item(principal, "meeting", meeting.id, item))
    await session.flush()
    return meeting


async def to_read(session: AsyncSession, meeting: Meeting) -> MeetingRead:
    actions = await repository.actions_of(session, source_ids=[meeting.id])
    return MeetingRead(
        id=meeting.id,
        kind=meeting.kind,
        month=meeting.month,
        title=meeting.title,
        goal=meeting.goal,
        agenda=meeting.agenda,
        scheduled_at=meeting.scheduled_at,
        unit_ids=meeting.unit_ids,
        host_id=meeting.host_id,
        recorder_id=meeting.recorder_id,
        speaker_ids=meeting.speaker_ids,
        attendee_ids=meeting.attendee_ids,
        materials=meeting.materials,
        minutes=meeting.minutes,
        minutes_by=meeting.minutes_by,
        minutes_at=meeting.minutes_at,
        action_items=[ActionItemRead.model_validate(a) for a in actions],
    )


async def update_action(
    session: AsyncSession,
    *,
    principal: Principal,
    action_id: str,
    body: ActionItemUpdate,
    if_match: str | None,
    now: datetime,
) -> ActionItem:
    """Mark an action done (its owner, whoever created it, HR or admins)."""
    action = await repository.get_action(session, action_id=action_id, for_update=True)
    if action is None or not (
        sees_everything(principal) or principal.member_id in (action.owner_id, action.created_by)
    ):
        raise hidden()
    check_if_match(if_match, action.id, action.version)
    if action.status != body.status.value:
        action.status = body.status.value
        action.done_at = now if body.status.value == "done" else None
        action.version += 1
        await session.flush()
    return action
