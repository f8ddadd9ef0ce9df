"""Headcount requisitions: proposed by a manager of the unit (or HR), approved or rejected
by someone else with the right role, with the channels used and the candidates' pipeline
(``stages``). Goals owns them because it owns the organisation: a hire becomes a member.

Who decides: HR and admins, or a manager of a unit ABOVE the requisition's unit; never the
proposer nor the hiring manager, whatever their roles (403 self-decision). Who reads: HR and
admins every requisition, managers their units' subtree, the proposer and the hiring manager
their own; anyone else gets a 404."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import RequisitionApproved, outbox
from goals.models import Position, Requisition
from goals.schemas.recruitment import (
    PipelineStage,
    RequisitionApprove,
    RequisitionCreate,
    RequisitionReject,
    RequisitionStatus,
)
from goals.service.access import Scope, ancestors
from shared.auth import Role
from shared.errors import SELF_DECISION, Conflict, DecisionRefused, Forbidden, NotFound, invalid
from shared.paging import PageQuery
from shared.periods import Period

STAGE_ORDER = [stage.value for stage in PipelineStage]
REQUIRED_STAGES = {"applied", "screened", "interview_1", "competency_test", "offer"}
BACKGROUND_CHECK = PipelineStage.background_check.value
DEFAULT_STAGES = [s for s in STAGE_ORDER if s not in {"interview_3", "interview_4", "interview_5"}]


def pipeline(stages: list[PipelineStage] | None, *, core: bool) -> list[str]:
    """The requisition's stage codes after checking them (a 422 on ``stages``): in
    pipeline order without repeats, the required stages present, interview rounds counted
    from 1 without gaps, and the background check kept for a core position."""
    codes = DEFAULT_STAGES if stages is None else [s.value for s in stages]
    if len(set(codes)) != len(codes) or codes != sorted(codes, key=STAGE_ORDER.index):
        raise invalid("stages", f"stages are listed once each, in order: {', '.join(STAGE_ORDER)}")
    missing = [s for s in STAGE_ORDER if s in REQUIRED_STAGES and s not in codes]
    if missing:
        raise invalid("stages", f"every pipeline has {', '.join(missing)}")
    rounds = [s for s in codes if s.startswith("interview_")]
    if rounds != [f"interview_{n}" for n in range(1, len(rounds) + 1)]:
        raise invalid("stages", "interview rounds are numbered from interview_1 without gaps")
    if core and BACKGROUND_CHECK not in codes:
        raise invalid(
            "stages", "a core position's pipeline keeps the background check: it cannot be left out"
        )
    return codes


def manages(scope: Scope, unit_id: str) -> bool:
    """The principal manages the unit or a unit above it."""
    return scope.principal.has(Role.manager) and unit_id in scope.managed_units


def may_read(scope: Scope, requisition: Requisition) -> bool:
    me = scope.principal.member_id
    return (
        scope.everything
        or manages(scope, requisition.unit_id)
        or me in (requisition.proposed_by, requisition.hiring_manager_id)
    )


async def readable_requisition(
    session: AsyncSession, *, scope: Scope, requisition_id: str, lock: bool = False
) -> Requisition:
    requisition = await repository.get_requisition(
        session, requisition_id=requisition_id, lock=lock
    )
    if requisition is None or not may_read(scope, requisition):
        raise NotFound(f"requisition {requisition_id} does not exist or is not yours to see")
    return requisition


async def position_of(session: AsyncSession, requisition: Requisition) -> Position:
    position = await repository.position_to_hire_for(session, position_id=requisition.position_id)
    assert position is not None  # a foreign key
    return position


async def propose(session: AsyncSession, *, scope: Scope, body: RequisitionCreate) -> Requisition:
    """Propose a requisition: a manager of the unit (or of a unit above it), HR or admins."""
    if await repository.get_org_unit(session, unit_id=body.unit_id) is None:
        raise invalid("unit_id", f"org unit {body.unit_id} does not exist")
    if not (scope.everything or manages(scope, body.unit_id)):
        raise Forbidden("a requisition is proposed by a manager of the unit, HR or an admin")
    position = await repository.position_to_hire_for(session, position_id=body.position_id)
    if position is None:
        raise invalid("position_id", f"position {body.position_id} does not exist")
    if position.unit_id != body.unit_id:
        raise invalid(
            "position_id",
            f"position {position.id} belongs to unit {position.unit_id}, not {body.unit_id}",
        )
    if not position.active:
        raise invalid("position_id", f"position {position.id} is no longer active")
    try:
        Period.parse(body.period)
    except ValueError as exc:
        raise invalid("period", str(exc)) from exc
    hiring_manager = body.hiring_manager_id or scope.principal.member_id
    member = await repository.get_member(session, member_id=hiring_manager)
    if member is None or member.left_on is not None:
        raise invalid("hiring_manager_id", f"member {hiring_manager} is not a current member")
    requisition: Requisition = await repository.add(
        session,
        row=Requisition(
            id=str(uuid.uuid4()),
            unit_id=body.unit_id,
            position_id=position.id,
            period=body.period,
            headcount=body.headcount,
            channels=[c.value for c in body.channels],
            reason=body.reason,
            stages=pipeline(body.stages, core=position.core),
            hiring_manager_id=hiring_manager,
            proposed_by=scope.principal.member_id,
            status=RequisitionStatus.proposed.value,
            hires=0,
            version=1,
        ),
    )
    await session.refresh(requisition)
    return requisition


async def _decide(
    session: AsyncSession, *, scope: Scope, requisition_id: str, action: str
) -> Requisition:
    """The requisition to approve or reject, once the principal may decide it: not its
    proposer nor its hiring manager; HR, admins, or a manager of a unit above its unit."""
    requisition = await readable_requisition(
        session, scope=scope, requisition_id=requisition_id, lock=True
    )
    me = scope.principal.member_id
    if me in (requisition.proposed_by, requisition.hiring_manager_id):
        raise DecisionRefused(
            SELF_DECISION,
            "a requisition is decided by someone other than its proposer and its hiring manager",
            actor=me,
            action=action,
            subject=requisition.id,
        )
    above = ancestors(await repository.unit_tree(session), requisition.unit_id)[1:]
    if not (
        scope.everything
        or (scope.principal.has(Role.manager) and set(above) & set(scope.principal.org_units))
    ):
        raise Forbidden("a requisition is decided by HR, an admin or a manager above its unit")
    if requisition.status != RequisitionStatus.proposed:
        raise Conflict(f"the requisition is {requisition.status}; only a proposed one is decided")
    return requisition


async def _record_decision(
    session: AsyncSession,
    requisition: Requisition,
    status: RequisitionStatus,
    by: str,
    reason: str | None,
) -> None:
    requisition.status = status.value
    requisition.decided_by = by
    requisition.decided_at = datetime.now(UTC)
    requisition.decision_reason = reason
    requisition.version += 1
    await session.flush()


async def approve(
    session: AsyncSession, *, scope: Scope, requisition_id: str, body: RequisitionApprove
) -> Requisition:
    """Approve a requisition and publish ``RequisitionApproved``."""
    requisition = await _decide(
        session, scope=scope, requisition_id=requisition_id, action="approve-requisition"
    )
    await _record_decision(
        session, requisition, RequisitionStatus.approved, scope.principal.member_id, body.reason
    )
    await outbox.publish(
        session,
        RequisitionApproved(
            requisition_id=requisition.id,
            unit_id=requisition.unit_id,
            position_id=requisition.position_id,
            period=requisition.period,
            headcount=requisition.headcount,
            channels=list(requisition.channels),
            proposed_by=requisition.proposed_by,
            approved_by=requisition.decided_by,
            approved_at=requisition.decided_at,
        ),
    )
    return requisition


async def reject(
    session: AsyncSession, *, scope: Scope, requisition_id: str, body: RequisitionReject
) -> Requisition:
    requisition = await _decide(
        session, scope=scope, requisition_id=requisition_id, action="reject-requisition"
    )
    await _record_decision(
        session, requisition, RequisitionStatus.rejected, scope.principal.member_id, body.reason
    )
    return requisition


async def close(
    session: AsyncSession, *, scope: Scope, requisition_id: str, body: RequisitionReject
) -> Requisition:
    """Stop hiring on an approved requisition before it is filled (HR, admins, its
    proposer or hiring manager)."""
    requisition = await readable_requisition(
        session, scope=scope, requisition_id=requisition_id, lock=True
    )
    me = scope.principal.member_id
    if not (scope.everything or me in (requisition.proposed_by, requisition.hiring_manager_id)):
        raise Forbidden("a requisition is closed by HR, an admin, its proposer or hiring manager")
    if requisition.status != RequisitionStatus.approved:
        raise Conflict(f"the requisition is {requisition.status}; only an approved one is closed")
    requisition.status = RequisitionStatus.closed.value
    requisition.closed_by = me
    requisition.closed_at = datetime.now(UTC)
    requisition.close_reason = body.reason
    requisition.version += 1
    await session.flush()
    return requisition


async def list_requisitions(
    session: AsyncSession, *, scope: Scope, status: str | None, page: PageQuery
) -> tuple[list[Requisition], str | None]:
    """One page of the requisitions the principal may read."""
    unit_ids = None
    if not scope.everything:
        unit_ids = scope.managed_units if scope.principal.has(Role.manager) else set()
    return await repository.list_requisitions(
        session,
        unit_ids=unit_ids,
        reader_id=scope.principal.member_id,
        status=status,
        page=page,
    )
