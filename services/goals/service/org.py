"""The organisation: units, members, squads and mentors; ``OrgUnitChanged`` and
``MemberChanged`` let the other services keep their own copies."""

from __future__ import annotations

import calendar
import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import MemberChanged, OrgUnitChanged, outbox
from goals.models import Member, Mentorship, OrgUnit, SquadMembership
from goals.schemas.org import (
    MemberCreate,
    MemberUpdate,
    MentorshipCreate,
    OrgUnitCreate,
    SquadMemberAdd,
)
from goals.service.access import Scope, ancestors, descendants, require_admin, scope_of
from goals.service.references import check_mentorship, check_promotion
from shared.api import (
    check_if_match,
    decode_cursor,
    encode_cursor,
)
from shared.auth import Principal
from shared.errors import Conflict, NotFound, invalid
from shared.paging import PageQuery
from shared.periods import LAST_DAY, SUPPORTED_RANGE


async def create_org_unit(
    session: AsyncSession, *, principal: Principal, body: OrgUnitCreate
) -> OrgUnit:
    """Create an org unit under an existing parent and publish ``OrgUnitChanged``."""
    require_admin(principal)
    if (
        body.parent_id is not None
        and await repository.get_org_unit(session, unit_id=body.parent_id) is None
    ):
        raise invalid("parent_id", f"parent org unit {body.parent_id} does not exist")
    if (body.starts_on or body.ends_on) and body.kind != "squad":
        raise invalid("starts_on", "only squads have a start and an end")
    if body.starts_on and body.ends_on and body.ends_on < body.starts_on:
        raise invalid("ends_on", "a squad cannot end before it starts")
    unit = await repository.add(
        session,
        row=OrgUnit(
            id=str(uuid.uuid4()),
            name=body.name,
            kind=body.kind.value,
            parent_id=body.parent_id,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            version=1,
        ),
    )
    await session.refresh(unit)
    await outbox.publish(
        session,
        OrgUnitChanged(
            unit_id=unit.id,
            name=unit.name,
            kind=unit.kind,
            parent_id=unit.parent_id,
            starts_on=unit.starts_on,
            ends_on=unit.ends_on,
            version=unit.version,
        ),
    )
    return unit


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnit:
    unit = await repository.get_org_unit(session, unit_id=unit_id)
    if unit is None:
        raise NotFound(f"org unit {unit_id} does not exist")
    return unit


async def list_org_units(
    session: AsyncSession, *, parent_id: str | None, kind: str | None, page: PageQuery
) -> tuple[list[OrgUnit], str | None]:
    """One page of the org units, optionally the children of one parent or of one kind."""
    return await repository.list_org_units(session, parent_id=parent_id, kind=kind, page=page)


def current_mentor(mentorships: list[Mentorship], today: date) -> str | None:
    """The mentor of the mentorship covering ``today``, else of the latest started one."""
    covering = [m for m in mentorships if m.starts_on <= today <= m.ends_on]
    chosen = covering or sorted(mentorships, key=lambda m: (m.starts_on, m.id))[-1:]
    return chosen[-1].mentor_id if chosen else None


async def publish_member(session: AsyncSession, member: Member, *, today: date) -> None:
    """``MemberChanged`` through the outbox (position and current mentor included; gender
    and birth date never: they are personal data)."""
    tree = await repository.unit_tree(session)
    mentorships = await repository.mentorships_of_mentee(session, mentee_id=member.id)
    await outbox.publish(
        session,
        MemberChanged(
            member_id=member.id,
            name=member.name,
            home_unit_id=member.home_unit_id,
            unit_path=list(reversed(ancestors(tree, member.home_unit_id))),
            layer=member.layer,
            tier=member.tier,
            manager_id=member.manager_id,
            title=member.title,
            hired_on=member.hired_on,
            left_on=member.left_on,
            leave_reason=member.leave_reason,
            position_id=member.position_id,
            mentor_id=current_mentor(mentorships, today),
            version=member.version,
        ),
    )


async def check_member_position(
    session: AsyncSession, *, position_id: str | None, home_unit_id: str
) -> None:
    """A member holds an existing, active position of their home unit (422 on position_id)."""
    if position_id is None:
        return
    position = await repository.get_position(session, position_id=position_id)
    if position is None:
        raise invalid("position_id", f"position {position_id} does not exist")
    if not position.active:
        raise invalid("position_id", f"position {position_id} is retired")
    if position.unit_id != home_unit_id:
        raise invalid(
            "position_id",
            f"position {position_id} belongs to unit {position.unit_id}, not to the member's "
            f"home unit {home_unit_id}",
        )


def check_birth_date(birth_date: date | None, hired_on: date) -> None:
    if birth_date is not None and birth_date >= hired_on:
        raise invalid("birth_date", "the birth date is before the day the member was hired")


async def _check_member_refs(
    session: AsyncSession,
    *,
    home_unit_id: str | None,
    manager_id: str | None,
    member_id: str | None,
) -> None:
    if (
        home_unit_id is not None
        and await repository.get_org_unit(session, unit_id=home_unit_id) is None
    ):
        raise invalid("home_unit_id", f"org unit {home_unit_id} does not exist")
    if manager_id is not None:
        if manager_id == member_id:
            raise invalid("manager_id", "a member cannot be their own manager")
        if await repository.get_member(session, member_id=manager_id) is None:
            raise invalid("manager_id", f"member {manager_id} does not exist")


async def create_member(
    session: AsyncSession, *, principal: Principal, body: MemberCreate, today: date
) -> Member:
    """Add a member (HR and admins) and publish ``MemberChanged``."""
    require_admin(principal)
    return await add_member(session, body=body, today=today)


async def add_member(
    session: AsyncSession,
    *,
    body: MemberCreate,
    today: date,
    mentor_id: str | None = None,
    mentor_months: int = 3,
) -> Member:
    """Create a member with their position and, given ``mentor_id``, a mentorship from
    their first day, in the caller's transaction, and publish one ``MemberChanged``
    carrying both. No role check: for callers that checked theirs (hiring)."""
    member_id = body.id or str(uuid.uuid4())
    if await repository.get_member(session, member_id=member_id) is not None:
        raise Conflict(f"member {member_id} already exists")
    await _check_member_refs(
        session, home_unit_id=body.home_unit_id, manager_id=body.manager_id, member_id=member_id
    )
    await check_member_position(
        session, position_id=body.position_id, home_unit_id=body.home_unit_id
    )
    check_birth_date(body.birth_date, body.hired_on)
    member = await repository.add(
        session,
        row=Member(
            id=member_id,
            name=body.name,
            email=body.email,
            home_unit_id=body.home_unit_id,
            layer=body.layer.value,
            title=body.title,
            manager_id=body.manager_id,
            tier=body.tier.value,
            hired_on=body.hired_on,
            position_id=body.position_id,
            gender=body.gender.value if body.gender else None,
            birth_date=body.birth_date,
            version=1,
        ),
    )
    if mentor_id is not None:
        await _add_mentorship(
            session,
            body=MentorshipCreate(
                mentor_id=mentor_id,
                mentee_id=member.id,
                starts_on=member.hired_on,
                months=mentor_months,
            ),
        )
    await publish_member(session, member, today=today)
    return member


async def get_member(session: AsyncSession, *, scope: Scope, member_id: str) -> Member:
    member = await repository.get_member(session, member_id=member_id)
    if member is None or not scope.may_read_member(member.id, member.home_unit_id):
        raise NotFound(f"member {member_id} does not exist or is not yours to see")
    return member


async def list_members(
    session: AsyncSession,
    *,
    principal: Principal,
    unit_id: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Member], str | None]:
    scope = await scope_of(session, principal)
    unit_ids: set[str] | None = None
    if not scope.everything:
        unit_ids = set(scope.managed_units)
    if unit_id is not None:
        tree = await repository.unit_tree(session)
        wanted = descendants(tree, {unit_id})
        unit_ids = wanted if unit_ids is None else unit_ids & wanted
    after = decode_cursor(cursor, 1)[0] if cursor else None
    members = await repository.list_members(
        session, unit_ids=unit_ids, after=after, limit=limit + 1
    )
    if not scope.everything:  # a member without managed units sees themself
        own = await repository.get_member(session, member_id=principal.member_id)
        if (
            own is not None
            and own not in members
            and (after is None or own.id > after)
            and unit_id is None
        ):
            members = sorted([*members, own], key=lambda m: m.id)
    next_cursor = None
    if len(members) > limit:
        members = members[:limit]
        next_cursor = encode_cursor(members[-1].id)
    return members, next_cursor


async def update_member(
    session: AsyncSession,
    *,
    principal: Principal,
    member_id: str,
    body: MemberUpdate,
    if_match: str | None,
    today: date,
) -> Member:
    require_admin(principal)
    member = await repository.get_member(session, member_id=member_id)
    if member is None:
        raise NotFound(f"member {member_id} does not exist")
    check_if_match(if_match, member.id, member.version)
    changes = body.model_dump(exclude_unset=True, exclude={"reason"})
    check_promotion(member.tier, changes.get("tier"), body.reason)
    if changes.get("tier") not in (None, member.tier):
        member.tier_reason = body.reason
    if ("left_on" in changes) != ("leave_reason" in changes) and member.left_on is None:
        raise invalid("leave_reason", "leaving needs both left_on and leave_reason")
    if changes.get("left_on") is not None and changes["left_on"] < member.hired_on:
        raise invalid("left_on", "a member cannot leave before they were hired")
    await _check_member_refs(
        session,
        home_unit_id=changes.get("home_unit_id"),
        manager_id=changes.get("manager_id"),
        member_id=member.id,
    )
    if "position_id" in changes or "home_unit_id" in changes:
        position_id = changes.get("position_id", member.position_id)
        home = changes.get("home_unit_id") or member.home_unit_id
        await check_member_position(session, position_id=position_id, home_unit_id=home)
    if "birth_date" in changes:
        check_birth_date(changes["birth_date"], member.hired_on)
    if changes.get("gender") is not None:
        changes["gender"] = changes["gender"].value
    for field, value in changes.items():
        setattr(member, field, value)
    member.version += 1
    await session.flush()
    await publish_member(session, member, today=today)
    return member


async def add_squad_member(
    session: AsyncSession, *, principal: Principal, squad_id: str, body: SquadMemberAdd
) -> SquadMembership:
    require_admin(principal)
    squad = await repository.get_org_unit(session, unit_id=squad_id)
    if squad is None or squad.kind != "squad":
        raise NotFound(f"squad {squad_id} does not exist")
    if await repository.get_member(session, member_id=body.member_id) is None:
        raise invalid("member_id", f"member {body.member_id} does not exist")
    if (
        await repository.get_squad_membership(session, squad_id=squad_id, member_id=body.member_id)
        is not None
    ):
        raise Conflict("the member is already in this squad")
    membership: SquadMembership = await repository.add(
        session, row=SquadMembership(squad_id=squad_id, member_id=body.member_id, role=body.role)
    )
    return membership


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


async def create_mentorship(
    session: AsyncSession, *, principal: Principal, body: MentorshipCreate, today: date
) -> Mentorship:
    """Assign a mentor (HR and admins); re-publishes the mentee's ``MemberChanged``."""
    require_admin(principal)
    return await add_mentorship(session, body=body, today=today)


async def add_mentorship(
    session: AsyncSession, *, body: MentorshipCreate, today: date
) -> Mentorship:
    """Create a mentorship and re-publish the mentee's ``MemberChanged`` (version + 1), in
    the caller's transaction. No role check: for callers that checked theirs."""
    mentorship = await _add_mentorship(session, body=body)
    mentee = await repository.get_member(session, member_id=body.mentee_id)
    assert mentee is not None  # checked by check_mentorship
    mentee.version += 1
    await session.flush()
    await publish_member(session, mentee, today=today)
    return mentorship


async def _add_mentorship(session: AsyncSession, *, body: MentorshipCreate) -> Mentorship:
    ends_on = add_months(body.starts_on, body.months)
    await check_mentorship(
        session,
        mentor_id=body.mentor_id,
        mentee_id=body.mentee_id,
        starts_on=body.starts_on,
        ends_on=ends_on,
    )
    if ends_on > LAST_DAY:
        raise invalid(
            "months",
            f"the mentorship would end on {ends_on.isoformat()}, after the supported range "
            f"({SUPPORTED_RANGE})",
        )
    mentorship: Mentorship = await repository.add(
        session,
        row=Mentorship(
            id=str(uuid.uuid4()),
            mentor_id=body.mentor_id,
            mentee_id=body.mentee_id,
            starts_on=body.starts_on,
            ends_on=ends_on,
        ),
    )
    return mentorship


async def mentorships_of(
    session: AsyncSession, *, scope: Scope, member_id: str, page: PageQuery
) -> tuple[list[Mentorship], str | None]:
    """One page of a member's mentorships, as mentor or as mentee."""
    await get_member(session, scope=scope, member_id=member_id)
    return await repository.list_mentorships(session, member_id=member_id, page=page)
