"""Positions: goals owns the organisation and its members, so it owns the roles they hold.

A position belongs to one unit and has a job description (summary, duties, authority,
deliverables), the competencies it requires with levels 1 to 5, a layer, a function code
and a core-role flag. A change of the job description or the requirements makes a new
``jd_version``; every version is kept (``position_versions``). Each position is reviewed
every ``review_every_months``; positions whose review is due before goals' today are
overdue. Every create and change is published as ``PositionChanged`` (performance assesses
competencies against it)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import PositionChanged, RequiredCompetencyOut, outbox
from goals.models import Position, PositionReview, PositionVersion
from goals.schemas.positions import (
    PositionCreate,
    PositionReviewCreate,
    PositionUpdate,
    RequiredCompetency,
)
from goals.service.access import Scope, descendants, require_admin
from goals.service.org import add_months
from shared.api import check_if_match
from shared.auth import Principal, Role
from shared.errors import (
    SELF_DECISION,
    Conflict,
    DecisionRefused,
    Forbidden,
    NotFound,
    Unprocessable,
    invalid,
)
from shared.paging import PageQuery

JD_FIELDS = ("summary", "duties", "authority", "deliverables")
REQUIRED = frozenset(
    {"unit_id", "title", "function", "layer", "core", "job_description"}
    | {"required_competencies", "review_every_months", "review_due_on", "active"}
)


def _requirements(items: list[RequiredCompetency]) -> list[dict[str, Any]]:
    """The requirements as stored, after refusing a competency listed twice."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.competency in seen:
            message = f"{item.competency} is listed twice; each competency once, with one level"
            raise Unprocessable(
                message,
                errors=[
                    {
                        "loc": ["body", "required_competencies", index, "competency"],
                        "msg": message,
                        "type": "value_error",
                    }
                ],
            )
        seen.add(item.competency)
    return [item.model_dump() for item in items]


async def _check_unit(session: AsyncSession, unit_id: str) -> None:
    if await repository.get_org_unit(session, unit_id=unit_id) is None:
        raise invalid("unit_id", f"org unit {unit_id} does not exist")


async def _not_own_position(
    session: AsyncSession, principal: Principal, position: Position, action: str
) -> None:
    """Nobody decides about the position they hold themselves (403 self-decision)."""
    own = await repository.get_member(session, member_id=principal.member_id)
    if own is not None and own.position_id == position.id:
        raise DecisionRefused(
            SELF_DECISION,
            "you hold this position: its job description and reviews are decided by others",
            actor=principal.member_id,
            action=action,
            subject=position.id,
        )


async def publish(session: AsyncSession, position: Position) -> None:
    """``PositionChanged`` through the outbox, in the caller's transaction."""
    await outbox.publish(
        session,
        PositionChanged(
            position_id=position.id,
            unit_id=position.unit_id,
            title=position.title,
            function=position.function,
            layer=position.layer,
            core=position.core,
            jd_version=position.jd_version,
            required_competencies=[
                RequiredCompetencyOut.model_validate(r) for r in position.required_competencies
            ],
            review_due_on=position.review_due_on,
            active=position.active,
            version=position.version,
        ),
    )


def _keep_version(position: Position, *, changed_by: str, reason: str | None) -> PositionVersion:
    return PositionVersion(
        position_id=position.id,
        jd_version=position.jd_version,
        title=position.title,
        job_description=dict(position.job_description),
        required_competencies=list(position.required_competencies),
        changed_by=changed_by,
        reason=reason,
    )


async def create_position(
    session: AsyncSession, *, principal: Principal, body: PositionCreate, today: date
) -> Position:
    """Create a position (HR and admins) with jd_version 1 and publish it."""
    require_admin(principal)
    position_id = body.id or str(uuid.uuid4())
    if await repository.get_position(session, position_id=position_id) is not None:
        raise Conflict(f"position {position_id} already exists")
    await _check_unit(session, body.unit_id)
    requirements = _requirements(body.required_competencies)
    due = body.review_due_on or add_months(today, body.review_every_months)
    position = await repository.add(
        session,
        row=Position(
            id=position_id,
            unit_id=body.unit_id,
            title=body.title,
            function=body.function,
            layer=body.layer.value,
            core=body.core,
            job_description=body.job_description.model_dump(),
            required_competencies=requirements,
            jd_version=1,
            review_every_months=body.review_every_months,
            review_due_on=due,
            reviewed_on=None,
            active=True,
            version=1,
        ),
    )
    session.add(_keep_version(position, changed_by=principal.member_id, reason=None))
    await session.flush()
    await session.refresh(position)
    await publish(session, position)
    return position


async def get_position(session: AsyncSession, *, position_id: str) -> Position:
    position = await repository.get_position(session, position_id=position_id)
    if position is None:
        raise NotFound(f"position {position_id} does not exist")
    return position


async def list_positions(
    session: AsyncSession,
    *,
    unit_id: str | None,
    core: bool | None,
    review_overdue: bool,
    include_inactive: bool,
    today: date,
    page: PageQuery,
) -> tuple[list[Position], str | None]:
    """One page of positions: of a unit's subtree, core or not, overdue for review."""
    unit_ids: set[str] | None = None
    if unit_id is not None:
        tree = await repository.unit_tree(session)
        if unit_id not in tree:
            raise Unprocessable(
                f"org unit {unit_id} does not exist",
                errors=[
                    {
                        "loc": ["query", "unit_id"],
                        "msg": f"org unit {unit_id} does not exist",
                        "type": "value_error",
                    }
                ],
            )
        unit_ids = descendants(tree, {unit_id})
    return await repository.list_positions(
        session,
        unit_ids=unit_ids,
        core=core,
        due_before=today if review_overdue else None,
        include_inactive=include_inactive,
        page=page,
    )


async def update_position(
    session: AsyncSession,
    *,
    principal: Principal,
    position_id: str,
    body: PositionUpdate,
    if_match: str | None,
) -> Position:
    """A merge patch (HR and admins, If-Match). The job description merges field by field;
    a change of it or of the requirements keeps the new ``jd_version``. A change publishes
    ``PositionChanged``; a patch that changes nothing does not."""
    require_admin(principal)
    position = await get_position(session, position_id=position_id)
    check_if_match(if_match, position.id, position.version)
    await _not_own_position(session, principal, position, "change-position")
    sent = body.model_fields_set - {"reason"}
    for field in sent:
        if getattr(body, field) is None and field in REQUIRED:
            raise invalid(field, f"{field} cannot be removed")
    changes: dict[str, Any] = {}
    for field in ("unit_id", "title", "function", "core", "review_every_months"):
        if field in sent and getattr(body, field) != getattr(position, field):
            changes[field] = getattr(body, field)
    for field in ("review_due_on", "active"):
        if field in sent and getattr(body, field) != getattr(position, field):
            changes[field] = getattr(body, field)
    if body.layer is not None and body.layer.value != position.layer:
        changes["layer"] = body.layer.value
    if body.job_description is not None:
        patch = body.job_description.model_dump(exclude_unset=True)
        for field, value in patch.items():
            if value is None and field == "summary":
                raise invalid("job_description.summary", "the summary cannot be removed")
        merged = {**position.job_description, **{k: v or [] for k, v in patch.items()}}
        if merged != position.job_description:
            changes["job_description"] = merged
    if body.required_competencies is not None:
        requirements = _requirements(body.required_competencies)
        if requirements != position.required_competencies:
            changes["required_competencies"] = requirements
    if not changes:
        return position
    holders = await repository.position_holders(session, position_id=position.id)
    if "unit_id" in changes:
        await _check_unit(session, changes["unit_id"])
        if holders:
            raise invalid(
                "unit_id",
                f"{holders} member(s) hold this position in its unit; give them another "
                "position before moving it",
            )
    if changes.get("active") is False and holders:
        raise invalid(
            "active",
            f"{holders} member(s) hold this position; give them another position before "
            "retiring it",
        )
    new_jd = "job_description" in changes or "required_competencies" in changes
    for field, value in changes.items():
        setattr(position, field, value)
    position.version += 1
    if new_jd:
        position.jd_version += 1
        session.add(_keep_version(position, changed_by=principal.member_id, reason=body.reason))
    await session.flush()
    await session.refresh(position)
    await publish(session, position)
    return position


async def list_versions(
    session: AsyncSession, *, position_id: str, page: PageQuery
) -> tuple[list[PositionVersion], str | None]:
    await get_position(session, position_id=position_id)
    return await repository.list_position_versions(session, position_id=position_id, page=page)


async def list_reviews(
    session: AsyncSession, *, position_id: str, page: PageQuery
) -> tuple[list[PositionReview], str | None]:
    await get_position(session, position_id=position_id)
    return await repository.list_position_reviews(session, position_id=position_id, page=page)


async def review_position(
    session: AsyncSession,
    *,
    scope: Scope,
    position_id: str,
    body: PositionReviewCreate,
    today: date,
) -> PositionReview:
    """Record a periodic review (HR, admins, or a manager of the position's unit): the
    review day, a note, and the next due date, published as a change of the position."""
    principal = scope.principal
    position = await get_position(session, position_id=position_id)
    manager = principal.has(Role.manager) and position.unit_id in scope.managed_units
    if not (scope.everything or manager):
        raise Forbidden("reviews of a position are recorded by HR or the unit's manager")
    await _not_own_position(session, principal, position, "review-position")
    if not position.active:
        raise Conflict(f"position {position.id} is retired; reinstate it before a review")
    reviewed_on = body.reviewed_on or today
    if reviewed_on > today:
        raise invalid("reviewed_on", f"a review cannot be recorded ahead of today ({today})")
    next_due = body.next_due_on or add_months(reviewed_on, position.review_every_months)
    if next_due <= reviewed_on:
        raise invalid("next_due_on", "the next review is due after this one")
    review = await repository.add(
        session,
        row=PositionReview(
            id=str(uuid.uuid4()),
            position_id=position.id,
            reviewed_on=reviewed_on,
            reviewed_by=principal.member_id,
            note=body.note,
            jd_version=position.jd_version,
            next_due_on=next_due,
        ),
    )
    position.reviewed_on = reviewed_on
    position.review_due_on = next_due
    position.version += 1
    await session.flush()
    await session.refresh(position)
    await publish(session, position)
    return review
