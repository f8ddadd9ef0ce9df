"""Org units, members, squads and mentors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from goals.api.deps import ScopeDep, TodayDep
from goals.schemas.org import (
    MemberCreate,
    MemberRead,
    MemberUpdate,
    MentorshipCreate,
    MentorshipRead,
    OrgUnitCreate,
    OrgUnitKind,
    OrgUnitRead,
    SquadMemberAdd,
    SquadMemberRead,
)
from goals.service import org
from shared.api import Page, etag_of
from shared.auth import CurrentPrincipal, Principal, Role
from shared.db import SessionDep
from shared.paging import DEFAULT_PAGE_SIZE, Cursor, Limit, PageQuery, page_query

router = APIRouter()


def member_read(member: object, principal: Principal) -> MemberRead:
    """A member as ``principal`` may see them: gender and birth date only for HR, admins
    and the member themself (null for everyone else)."""
    read = MemberRead.model_validate(member)
    if principal.has(Role.hr, Role.admin) or read.id == principal.member_id:
        return read
    return read.model_copy(update={"gender": None, "birth_date": None})


UnitsPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=["created_at", "name", "kind"], default="created_at")),
]
MentorshipsPage = Annotated[
    PageQuery, Depends(page_query(sortable=["starts_on", "ends_on"], default="starts_on"))
]


@router.post("/org-units", status_code=201, tags=["org-units"], response_model=OrgUnitRead)
async def create_org_unit(
    body: OrgUnitCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> OrgUnitRead:
    """Create an org unit (HR and admins); a squad has a start and an end."""
    unit = await org.create_org_unit(session, principal=principal, body=body)
    response.headers["Location"] = f"/goals/org-units/{unit.id}"
    return OrgUnitRead.model_validate(unit)


@router.get("/org-units/{unit_id}", tags=["org-units"], response_model=OrgUnitRead)
async def get_org_unit(unit_id: str, session: SessionDep) -> OrgUnitRead:
    """Read one org unit."""
    return OrgUnitRead.model_validate(await org.get_org_unit(session, unit_id=unit_id))


@router.get("/org-units", tags=["org-units"], response_model=Page[OrgUnitRead])
async def list_org_units(
    session: SessionDep,
    page: UnitsPage,
    parent_id: str | None = None,
    kind: OrgUnitKind | None = None,
) -> Page[OrgUnitRead]:
    """List org units a page at a time, optionally the children of one parent or one kind."""
    units, next_cursor = await org.list_org_units(
        session, parent_id=parent_id, kind=kind.value if kind else None, page=page
    )
    return Page[OrgUnitRead](
        items=[OrgUnitRead.model_validate(u) for u in units], next_cursor=next_cursor
    )


@router.post(
    "/org-units/{squad_id}/members",
    status_code=201,
    tags=["org-units"],
    response_model=SquadMemberRead,
)
async def add_squad_member(
    squad_id: str, body: SquadMemberAdd, session: SessionDep, principal: CurrentPrincipal
) -> SquadMemberRead:
    """Put a member in a temporary squad; their home unit stays."""
    membership = await org.add_squad_member(
        session, principal=principal, squad_id=squad_id, body=body
    )
    return SquadMemberRead.model_validate(membership)


@router.post("/members", status_code=201, tags=["members"], response_model=MemberRead)
async def create_member(
    body: MemberCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    today: TodayDep,
) -> MemberRead:
    """Add a member (HR and admins), with an active position of their home unit;
    publishes ``MemberChanged``."""
    member = await org.create_member(session, principal=principal, body=body, today=today)
    response.headers["Location"] = f"/goals/members/{member.id}"
    response.headers["ETag"] = etag_of(member.id, member.version)
    return member_read(member, principal)


@router.get("/members/{member_id}", tags=["members"], response_model=MemberRead)
async def get_member(
    member_id: str, session: SessionDep, scope: ScopeDep, response: Response
) -> MemberRead:
    """Read a member: yourself, your units' subtree as a manager, anyone as HR or admin."""
    member = await org.get_member(session, scope=scope, member_id=member_id)
    response.headers["ETag"] = etag_of(member.id, member.version)
    return member_read(member, scope.principal)


@router.get("/members", tags=["members"], response_model=Page[MemberRead])
async def list_members(
    session: SessionDep,
    principal: CurrentPrincipal,
    unit_id: str | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_PAGE_SIZE,
) -> Page[MemberRead]:
    """The members you may see, optionally within one unit's subtree."""
    members, next_cursor = await org.list_members(
        session, principal=principal, unit_id=unit_id, cursor=cursor, limit=limit
    )
    return Page[MemberRead](
        items=[member_read(m, principal) for m in members], next_cursor=next_cursor
    )


@router.patch("/members/{member_id}", tags=["members"], response_model=MemberRead)
async def update_member(
    member_id: str,
    body: MemberUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    today: TodayDep,
    if_match: Annotated[str | None, Header()] = None,
) -> MemberRead:
    """Change a member (move, promote, leave with a reason, hold a position); guarded by
    If-Match."""
    member = await org.update_member(
        session,
        principal=principal,
        member_id=member_id,
        body=body,
        if_match=if_match,
        today=today,
    )
    response.headers["ETag"] = etag_of(member.id, member.version)
    return member_read(member, principal)


@router.post("/mentorships", status_code=201, tags=["members"], response_model=MentorshipRead)
async def create_mentorship(
    body: MentorshipCreate, session: SessionDep, principal: CurrentPrincipal, today: TodayDep
) -> MentorshipRead:
    """Assign a mentor to a newcomer (3 months unless said otherwise); re-publishes the
    mentee's ``MemberChanged`` with the mentor."""
    return MentorshipRead.model_validate(
        await org.create_mentorship(session, principal=principal, body=body, today=today)
    )


@router.get(
    "/members/{member_id}/mentorships", tags=["members"], response_model=Page[MentorshipRead]
)
async def list_mentorships(
    member_id: str, session: SessionDep, scope: ScopeDep, page: MentorshipsPage
) -> Page[MentorshipRead]:
    """A member's mentors and mentees, a page at a time (by start unless sorted otherwise)."""
    found, next_cursor = await org.mentorships_of(
        session, scope=scope, member_id=member_id, page=page
    )
    return Page[MentorshipRead](
        items=[MentorshipRead.model_validate(m) for m in found], next_cursor=next_cursor
    )
