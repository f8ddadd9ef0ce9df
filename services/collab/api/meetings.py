"""Meetings, their minutes and action items."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from collab import repository
from collab.api.deps import NowDep, SettingsDep, TodayDep
from collab.schemas import (
    ActionItemRead,
    ActionItemUpdate,
    ActionState,
    Material,
    MeetingCreate,
    MeetingRead,
    MinutesCreate,
    MonthlyMeetingCreate,
)
from collab.service import actions, meetings
from shared.api import Page, etag_of
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["meetings"])
ActionPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=repository.ACTION_SORTS, default="due_on")),
]
MeetingPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=repository.MEETING_SORTS, default="-scheduled_at")),
]


@router.post("/meetings", status_code=201, response_model=MeetingRead)
async def create_meeting(
    body: MeetingCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    response: Response,
) -> MeetingRead:
    """Plan a meeting; without a goal or an agenda it is refused (422), and so is a host,
    recorder, speaker or attendee who is not a member collab knows or who has left before
    the meeting's day, or a unit it does not know (422 naming the field)."""
    meeting = await meetings.create_meeting(
        session, principal=principal, body=body, timezone=settings.timezone
    )
    response.headers["Location"] = f"/collab/meetings/{meeting.id}"
    return await meetings.to_read(session, meeting)


@router.get("/meetings", response_model=Page[MeetingRead])
async def list_meetings(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: MeetingPage,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words or a phrase the title, goal or minutes hold (see the operation)",
        ),
    ] = None,
) -> Page[MeetingRead]:
    """The meetings you may see (those you attend or created, those your reports attend;
    all for HR and admins), the latest scheduled first unless ``sort`` says otherwise.

    ``q`` searches the title, goal and minutes as the knowledge base is searched (see
    ``GET /collab/knowledge-articles``): every part must appear, one or two Chinese
    characters anywhere (``复盘`` inside the minutes), an English word as a prefix.
    ``sort=-relevance`` puts the best matches first (a meeting whose whole title is ``q``
    first, title matches above the others)."""
    found, next_cursor = await meetings.list_meetings(
        session, principal=principal, text=q, page=page
    )
    return Page[MeetingRead](
        items=[await meetings.to_read(session, m) for m in found], next_cursor=next_cursor
    )


@router.post("/meetings/monthly", status_code=201, response_model=MeetingRead)
async def generate_monthly(
    body: MonthlyMeetingCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    response: Response,
) -> MeetingRead:
    """Generate the month's cross-department meeting with the open bottlenecks (breached and
    escalated tickets) as its agenda (managers, HR, admins); host, recorder and attendees
    are checked as for any meeting."""
    meeting = await meetings.generate_monthly(
        session, principal=principal, body=body, timezone=settings.timezone
    )
    response.headers["Location"] = f"/collab/meetings/{meeting.id}"
    return await meetings.to_read(session, meeting)


@router.get("/meetings/{meeting_id}", response_model=MeetingRead)
async def get_meeting(
    meeting_id: str, session: SessionDep, principal: CurrentPrincipal
) -> MeetingRead:
    """A meeting with its minutes: for its attendees and their managers (404 otherwise)."""
    meeting = await meetings.get_meeting(session, principal=principal, meeting_id=meeting_id)
    return await meetings.to_read(session, meeting)


@router.post("/meetings/{meeting_id}/materials", response_model=MeetingRead)
async def add_material(
    meeting_id: str, body: Material, session: SessionDep, principal: CurrentPrincipal
) -> MeetingRead:
    """Add material before the meeting (by reference)."""
    meeting = await meetings.add_material(
        session, principal=principal, meeting_id=meeting_id, body=body
    )
    return await meetings.to_read(session, meeting)


@router.post("/meetings/{meeting_id}/minutes", response_model=MeetingRead)
async def record_minutes(
    meeting_id: str,
    body: MinutesCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    now: NowDep,
) -> MeetingRead:
    """Record the minutes and the action items agreed (host or recorder). Refused (422
    naming the field) before the meeting starts, for an action owner who is not a member
    or has left, and for an action due before the meeting's day."""
    meeting = await meetings.record_minutes(
        session,
        principal=principal,
        meeting_id=meeting_id,
        body=body,
        now=now,
        timezone=settings.timezone,
    )
    return await meetings.to_read(session, meeting)


@router.get("/action-items", tags=["actions"], response_model=Page[ActionItemRead])
async def list_action_items(
    session: SessionDep,
    principal: CurrentPrincipal,
    today: TodayDep,
    page: ActionPage,
    owner_id: Annotated[
        str | None, Query(max_length=36, description="Whose action items (default: yours)")
    ] = None,
    state: Annotated[
        ActionState | None,
        Query(description="open (overdue ones too), done, or overdue (open, due before today)"),
    ] = None,
) -> Page[ActionItemRead]:
    """The action items a person owes, from meetings' minutes and retrospectives' process
    changes, the earliest due first unless ``sort`` says otherwise. The owner, their manager,
    HR and admins see them all; anyone else those they created and those a meeting or a
    retrospective they may see shows (as the single reads allow)."""
    found, next_cursor = await actions.list_actions(
        session, principal=principal, owner_id=owner_id, state=state, today=today, page=page
    )
    return Page[ActionItemRead](
        items=[ActionItemRead.model_validate(a) for a in found], next_cursor=next_cursor
    )


@router.get("/action-items/{action_id}", tags=["actions"], response_model=ActionItemRead)
async def get_action(
    action_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> ActionItemRead:
    """An action item with its ETag, for whoever may see it in ``GET /collab/action-items``
    (its owner and their manager, its creator, those who may see its meeting or
    retrospective, HR, admins); only its owner, its creator, HR and admins change it."""
    action = await actions.get_action(session, principal=principal, action_id=action_id)
    response.headers["ETag"] = etag_of(action.id, action.version)
    return ActionItemRead.model_validate(action)


@router.patch("/action-items/{action_id}", tags=["actions"], response_model=ActionItemRead)
async def update_action(
    action_id: str,
    body: ActionItemUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ActionItemRead:
    """Mark an action item done (or open again); guarded by If-Match."""
    action = await meetings.update_action(
        session, principal=principal, action_id=action_id, body=body, if_match=if_match, now=now
    )
    response.headers["ETag"] = etag_of(action.id, action.version)
    return ActionItemRead.model_validate(action)
