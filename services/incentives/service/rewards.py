"""Special project bonuses (paid once a project succeeds and finance approves); the monthly
stars are in ``stars``.

Nobody decides about a bonus that pays themselves: creating, marking successful or approving
a project whose awards name the caller is refused (``self-decision``), whatever their roles.
A manager (without HR or admin) creates and concludes only projects whose every award goes to
a member of the units they manage or below (``out-of-scope`` otherwise), for an owner unit
among those.

A project concludes once, succeeded or failed (the same people say either), and the outcome
is published as ``ProjectConcluded`` in the same transaction: the dashboard's core project
success rate counts them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.events import ProjectConcluded, outbox
from incentives.models import MemberCopy, Project
from incentives.schemas import ProjectCreate, ProjectFailure, ProjectSuccess, require_currency
from incentives.service import access
from incentives.service.pay_locks import NEXT_RUN, lock_pay
from incentives.service.payouts import pay_in_first_draft
from incentives.settings import Settings
from shared.auth import Principal
from shared.errors import (
    OUT_OF_SCOPE,
    SECOND_APPROVER_REQUIRED,
    Conflict,
    DecisionRefused,
    NotFound,
    invalid,
)

CREATE, MARK_SUCCESSFUL, MARK_FAILED, APPROVE = (
    "create-project-bonus",
    "mark-project-successful",
    "mark-project-failed",
    "approve-project-bonus",
)


async def decide_awards(
    session: AsyncSession, principal: Principal, member_ids: list[str], *, action: str
) -> list[MemberCopy]:
    """The members the awards pay, once the caller may take ``action`` about each: none is
    the caller (403 ``self-decision``), each is known (404) and in the caller's scope (403
    ``out-of-scope``)."""
    for member_id in member_ids:
        access.refuse_self_decision(principal, member_id, action=action)
    members = []
    for member_id in member_ids:
        member = await repository.get_member(session, member_id=member_id)
        if member is None:
            raise NotFound(f"member {member_id} is not known to incentives")
        access.require_in_scope(principal, member, action=action)
        members.append(member)
    return members


def _awarded(project: Project) -> list[str]:
    return [award["member_id"] for award in project.awards]


async def create_project(
    session: AsyncSession, principal: Principal, settings: Settings, body: ProjectCreate
) -> Project:
    """A proposed project; see the module for who may create one for whom."""
    currency = body.currency or settings.currency
    for i, award in enumerate(body.awards):
        require_currency(("awards", i, "amount"), award.amount, currency)
    members = await decide_awards(
        session, principal, [a.member_id for a in body.awards], action=CREATE
    )
    unit_id = await owner_unit(session, principal, body.unit_id, members)
    return await repository.add(
        session,
        row=Project(
            id=str(uuid.uuid4()),
            name=body.name,
            description=body.description,
            currency=currency,
            state="proposed",
            unit_id=unit_id,
            core=body.core,
            awards=[
                {"member_id": a.member_id, "amount": str(a.amount.amount)} for a in body.awards
            ],
            created_by=principal.member_id,
        ),
    )


def _common_unit(members: list[MemberCopy]) -> str | None:
    """The lowest unit on every member's unit path (their paths' longest common start)."""
    paths = [m.unit_path for m in members]
    common: str | None = None
    for units in zip(*paths, strict=False):
        if len(set(units)) != 1:
            break
        common = units[0]
    return common


async def owner_unit(
    session: AsyncSession, principal: Principal, unit_id: str | None, members: list[MemberCopy]
) -> str | None:
    """The project's owner unit: the one named (known from goals, and for a manager one of
    theirs or below: 403 ``out-of-scope``), else the lowest unit all its members are in."""
    if unit_id is None:
        return _common_unit(members)
    if await repository.get_org_unit(session, unit_id=unit_id) is None:
        raise invalid("unit_id", f"unit {unit_id} is not known to incentives (from goals)")
    if not principal.has(*access.COMPANY_WIDE) and unit_id not in await repository.unit_subtree(
        session, roots=principal.org_units
    ):
        raise DecisionRefused(
            OUT_OF_SCOPE,
            f"unit {unit_id} is outside the units you manage: its projects are not yours",
            actor=principal.member_id,
            action=CREATE,
            subject=unit_id,
        )
    return unit_id


async def get_project(session: AsyncSession, project_id: str) -> Project:
    project = await repository.get_project(session, project_id=project_id, lock=True)
    if project is None:
        raise NotFound(f"no project {project_id}")
    return project


async def mark_successful(
    session: AsyncSession,
    principal: Principal,
    project: Project,
    body: ProjectSuccess,
    *,
    now: datetime | None = None,
) -> Project:
    """The project succeeded; see the module for who may say so about whom."""
    await decide_awards(session, principal, _awarded(project), action=MARK_SUCCESSFUL)
    at = (now or datetime.now(UTC)).astimezone(UTC)
    _conclude(project, principal, "succeeded", at)
    project.state = "successful"
    project.succeeded_by = principal.member_id
    project.succeeded_at = at
    project.success_note = body.note
    return await _published(session, project, principal, at, body.note)


async def mark_failed(
    session: AsyncSession,
    principal: Principal,
    project: Project,
    body: ProjectFailure,
    *,
    now: datetime | None = None,
) -> Project:
    """The project failed (its bonuses are never paid); the same people as for a success
    say so, about the same members."""
    await decide_awards(session, principal, _awarded(project), action=MARK_FAILED)
    at = (now or datetime.now(UTC)).astimezone(UTC)
    _conclude(project, principal, "failed", at)
    project.state = "failed"
    project.failure_note = body.note
    return await _published(session, project, principal, at, body.note)


def _conclude(project: Project, principal: Principal, outcome: str, at: datetime) -> None:
    if project.state != "proposed":
        raise Conflict(f"project {project.id} is {project.state}: it concluded already")
    project.outcome = outcome
    project.concluded_by = principal.member_id
    project.concluded_at = at


async def _published(
    session: AsyncSession, project: Project, principal: Principal, at: datetime, note: str
) -> Project:
    """The concluded project, its outcome in the outbox in the same transaction."""
    await session.flush()
    await outbox.publish(
        session,
        ProjectConcluded(
            project_id=project.id,
            name=project.name,
            unit_id=project.unit_id,
            core=project.core,
            outcome="failed" if project.outcome == "failed" else "succeeded",
            concluded_by=principal.member_id,
            concluded_at=at,
            note=note,
        ),
    )
    return project


async def approve(session: AsyncSession, principal: Principal, project: Project) -> Project:
    """Finance approves the bonuses (not a bonus of their own, nor one they marked
    successful); the current draft run (if any) pays them at once, otherwise the next run
    does."""
    members = await decide_awards(session, principal, _awarded(project), action=APPROVE)
    if project.state != "successful":
        raise Conflict(f"project {project.id} is {project.state}; it must be marked successful")
    if project.succeeded_by == principal.member_id:
        # Four eyes: who judged it a success does not also release the money.
        raise DecisionRefused(
            SECOND_APPROVER_REQUIRED,
            "you marked this project successful: another finance approver releases its bonuses",
            actor=principal.member_id,
            action="approve-project-bonus",
            subject=project.id,
        )
    project.state = "approved"
    project.approved_by = principal.member_id
    project.approved_at = datetime.now(UTC)
    await session.flush()
    await lock_pay(session, [(m.id, NEXT_RUN) for m in members])
    await pay_in_first_draft(session, members)
    return project
