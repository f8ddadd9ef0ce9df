"""Payout runs (draft > [awaiting_second_approval >] approved > exported), the lines they pay
each member, corrections as adjustment lines of the next run, and statements. What makes a
member's lines is in ``pay_lines``; who may write them when is in ``pay_locks``; the payroll
export is in ``payroll``."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.events import BonusCalculated, PaidLine, PaidTotal, PayoutApproved, outbox
from incentives.models import (
    UNAPPROVED_RUN_STATES,
    Adjustment,
    MemberCopy,
    PayoutLine,
    PayoutRun,
    Project,
)
from incentives.schemas import AdjustmentCreate
from incentives.service import access
from incentives.service.calculator import ROUNDING, Line, money
from incentives.service.pay_lines import PeriodInputs, lines_under, period_inputs
from incentives.service.pay_locks import NEXT_RUN, lock_all_pay, lock_pay
from incentives.service.plans import active_in, plan_for
from shared.auth import Principal
from shared.errors import SECOND_APPROVER_REQUIRED, Conflict, DecisionRefused, NotFound
from shared.periods import Period
from shared.values import Money

log = logging.getLogger("spearhead.incentives")

AWAITING_SECOND_APPROVAL = "awaiting_second_approval"
APPROVE_RUN, ADD_ADJUSTMENT = "approve-payout-run", "add-adjustment"


@dataclass
class RunInputs:
    """What a draft run pays its members from: the period's inputs, the adjustments owed and
    the approved project bonuses it takes."""

    data: PeriodInputs
    adjustments: dict[str, list[Adjustment]]
    projects: list[Project]

    @property
    def awarded(self) -> set[str]:
        """Members an approved project bonus of this run goes to."""
        return {a["member_id"] for p in self.projects for a in p.awards}


async def run_inputs(
    session: AsyncSession, run: PayoutRun, member_ids: set[str] | None, *, unassigned: bool = True
) -> RunInputs:
    """The inputs of ``run`` for ``member_ids`` (None: everyone); ``unassigned``: with the
    adjustments and project bonuses no run has taken yet (the run would take them)."""
    adjustments = await repository.all_open_adjustments(
        session, run_id=run.id, member_ids=member_ids
    )
    projects = await repository.payable_projects(session, run_id=run.id)
    if not unassigned:
        adjustments = {
            m: kept
            for m, owed in adjustments.items()
            if (kept := [a for a in owed if a.run_id == run.id])
        }
        projects = [p for p in projects if p.paid_run_id == run.id]
    return RunInputs(await period_inputs(session, run.period, member_ids), adjustments, projects)


def member_run_lines(run: PayoutRun, member: MemberCopy, inputs: RunInputs) -> list[Line] | None:
    """A member's lines in a draft run: their plan's, the approved project bonuses not paid
    yet, and the adjustments owed to them; None when the run pays them nothing."""
    plan = plan_for(inputs.data.plans, member)
    covered = plan is not None and active_in(member, Period.parse(run.period))
    owed = inputs.adjustments.get(member.id, [])
    if not (covered or owed or member.id in inputs.awarded):
        return None
    lines: list[Line] = []
    if plan is not None and covered:
        lines = lines_under(plan, member, inputs.data.of(member.id), projected=False)
    for project in inputs.projects:
        for award in project.awards:
            if award["member_id"] == member.id:
                lines.append(
                    Line(
                        "project_bonus",
                        money(Decimal(award["amount"])),
                        project.currency,
                        f"project {project.name} marked successful by {project.succeeded_by}, "
                        f"approved by {project.approved_by}",
                        inputs={"project_id": project.id, "note": project.success_note},
                    )
                )
    for adjustment in owed:
        lines.append(
            Line(
                "adjustment",
                adjustment.amount,
                adjustment.currency,
                f"correction for {adjustment.period}: {adjustment.reason}",
                inputs={
                    "adjustment_id": adjustment.id,
                    "period": adjustment.period,
                    **adjustment.source,
                },
            )
        )
    return lines


def _take(run: PayoutRun, member: MemberCopy, inputs: RunInputs) -> None:
    """What the run pays the member is taken by it: no other run pays it again."""
    for project in inputs.projects:
        if any(award["member_id"] == member.id for award in project.awards):
            project.paid_run_id = run.id
    for adjustment in inputs.adjustments.get(member.id, []):
        adjustment.run_id = run.id


def line_rows(run: PayoutRun, member_id: str, lines: list[Line]) -> list[dict[str, Any]]:
    """The ``payout_lines`` rows of a member's lines in ``run``."""
    return [
        {
            "run_id": run.id,
            "member_id": member_id,
            "plan_id": line.plan_id,
            "rule": line.rule,
            "tier": line.tier,
            "inputs": line.inputs,
            "amount": line.amount,
            "currency": line.currency,
            "explanation": line.explanation,
        }
        for line in lines
    ]


async def calculate_members(
    session: AsyncSession, run: PayoutRun, members: list[MemberCopy] | None = None
) -> None:
    """(Re)write the lines of ``members`` (None: everyone the run pays) in a draft run, in
    one pass: a query per kind of input, the arithmetic in memory, one delete and one
    insert. The caller holds the run's row lock and the members' pay locks (see
    ``pay_locks``): the delete cannot see lines another writer has not committed yet. A
    first approval was of the lines as they were: it is withdrawn."""
    require_unapproved(run)
    ids = None if members is None else {m.id for m in members}
    inputs = await run_inputs(session, run, ids)
    candidates = members if members is not None else await repository.members(session)
    await repository.delete_lines(session, run_id=run.id, member_ids=ids)
    rows: list[dict[str, Any]] = []
    for member in candidates:
        lines = member_run_lines(run, member, inputs)
        if lines is not None:
            rows += line_rows(run, member.id, lines)
            _take(run, member, inputs)
    await repository.insert_lines(session, rows=rows)
    run.version += 1
    if run.state == AWAITING_SECOND_APPROVAL:
        log.info(
            "first approval withdrawn: the run was recalculated",
            extra={"run_id": run.id, "first_approved_by": run.first_approved_by},
        )
        run.state, run.first_approved_by, run.first_approved_at = "draft", None, None
    await session.flush()


async def create_run(session: AsyncSession, *, period: Period, created_by: str) -> PayoutRun:
    """A draft run for ``period`` with every member a plan of the period covers, and anyone
    owed an adjustment or a project bonus."""
    await lock_all_pay(session)
    return await open_run(session, period=period, created_by=created_by)


async def open_run(session: AsyncSession, *, period: Period, created_by: str) -> PayoutRun:
    """``create_run`` for a caller that already holds every pay lock (``lock_all_pay``)."""
    key = str(period)
    if await repository.draft_run(session, period=key) is not None:
        raise Conflict(f"{key} has a draft run; recalculate it instead")
    if await repository.approved_run_exists(session, period=key):
        raise Conflict(f"{key} is paid; corrections go through adjustments in the next run")
    run = await repository.add(
        session,
        row=PayoutRun(
            id=str(uuid.uuid4()), period=key, state="draft", version=1, created_by=created_by
        ),
    )
    await calculate_members(session, run)
    return run


async def recalculate(session: AsyncSession, run_id: str) -> PayoutRun:
    """Rewrite every line of a draft run from the current inputs."""
    await lock_all_pay(session)
    run = await get_run(session, run_id, lock=True)
    await calculate_members(session, run)
    return run


async def pay_in_first_draft(session: AsyncSession, members: list[MemberCopy]) -> None:
    """Recalculate ``members`` in the oldest draft run, which takes their open adjustments
    and approved project bonuses (with no draft run, the next run created takes them). The
    caller holds the members' pay locks."""
    drafts = await repository.draft_runs(session, lock=True)
    if drafts:
        await calculate_members(session, drafts[0], members)


async def get_run(session: AsyncSession, run_id: str, *, lock: bool = False) -> PayoutRun:
    """A run, or 404; ``lock`` holds its row until the transaction ends."""
    run = await repository.get_run(session, run_id=run_id, lock=lock)
    if run is None:
        raise NotFound(f"no payout run {run_id}")
    return run


def summarise(lines: list[PayoutLine]) -> tuple[dict[str, Decimal], list[dict[str, Any]]]:
    """A run's totals per currency, and per member and currency."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    per_member: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.currency] += line.amount
        per_member[(line.member_id, line.currency)] += line.amount
    return dict(totals), [
        {"member_id": m, "currency": c, "total": t} for (m, c), t in sorted(per_member.items())
    ]


def require_unapproved(run: PayoutRun) -> None:
    """409 unless ``run`` is not approved yet (a draft, or awaiting its second approval): an
    approved run never changes."""
    if run.state not in UNAPPROVED_RUN_STATES:
        raise Conflict(f"run {run.id} is {run.state}; an approved run never changes")


def _refuse_second_approval(principal: Principal, run: PayoutRun, paid: set[str]) -> None:
    """403 ``second-approver-required`` unless the caller may give a run's second approval:
    not the first approver, and not paid in the run."""
    if principal.member_id == run.first_approved_by:
        detail = "you gave this run's first approval; a different person gives the second"
    elif principal.member_id in paid:
        detail = "this run pays you; its second approval is given by someone it does not pay"
    else:
        return
    raise DecisionRefused(
        SECOND_APPROVER_REQUIRED,
        detail,
        actor=principal.member_id,
        action=APPROVE_RUN,
        subject=principal.member_id,
    )


async def approve(session: AsyncSession, principal: Principal, run: PayoutRun) -> PayoutRun:
    """Approve a run not approved yet that the caller holds locked (``get_run(lock=True)``):
    its lines are read after every writer of them committed, and none writes them after.

    Nobody approves alone a run that pays themselves: when the approver is paid in the run
    (has a line in it), their approval is recorded as the first (``first_approved_by``,
    ``first_approved_at``), and the run stays ``awaiting_second_approval`` until a different
    finance or admin principal who is not paid in it approves it; the same person again, or
    anyone paid in the run, is refused (403 ``second-approver-required``). A run that does
    not pay its approver is approved by one approval. Recalculating a run withdraws a first
    approval (``calculate_members``). Only the final approval makes the run ``approved`` and
    publishes ``BonusCalculated`` per member and ``PayoutApproved``, once."""
    require_unapproved(run)
    lines = await repository.run_lines(session, run_id=run.id)
    paid = {line.member_id for line in lines}
    if run.state == AWAITING_SECOND_APPROVAL:
        _refuse_second_approval(principal, run, paid)
    elif principal.member_id in paid:
        run.state = AWAITING_SECOND_APPROVAL
        run.first_approved_by = principal.member_id
        run.first_approved_at = datetime.now(UTC)
        run.version += 1
        await session.flush()
        return run
    run.state = "approved"
    run.approved_by = principal.member_id
    run.approved_at = datetime.now(UTC)
    run.version += 1
    for project in await repository.payable_projects(session, run_id=run.id):
        if project.paid_run_id == run.id:
            project.state = "paid"
    totals, member_totals = summarise(lines)
    await session.flush()
    by_member: dict[str, list[PayoutLine]] = defaultdict(list)
    for line in lines:
        by_member[line.member_id].append(line)
    await outbox.publish_many(
        session,
        [
            BonusCalculated(
                run_id=run.id,
                member_id=member_id,
                period=run.period,
                currency=own[0].currency,
                total=Money.of(sum((line.amount for line in own), Decimal(0)), own[0].currency),
                lines=[
                    PaidLine(
                        rule=line.rule,
                        amount=Money.of(line.amount, line.currency),
                        tier=line.tier,
                    )
                    for line in own
                ],
                rounding=ROUNDING,
            )
            for member_id, own in sorted(by_member.items())
        ],
    )
    await outbox.publish(
        session,
        PayoutApproved(
            run_id=run.id,
            period=run.period,
            approved_by=principal.member_id,
            first_approved_by=run.first_approved_by,
            members=len(paid),
            totals=[Money.of(amount, currency) for currency, amount in sorted(totals.items())],
            member_totals=[
                PaidTotal(
                    member_id=m["member_id"],
                    currency=m["currency"],
                    total=Money.of(m["total"], m["currency"]),
                )
                for m in member_totals
            ],
        ),
    )
    return run


async def add_adjustment(
    session: AsyncSession, principal: Principal, body: AdjustmentCreate
) -> Adjustment:
    """A manual correction, paid as a line of the oldest draft run (or of the next run).
    Nobody adjusts their own pay (403 ``self-decision``, whatever their roles), and a caller
    who answers only for their units adjusts only their members' (403 ``out-of-scope``)."""
    access.refuse_self_decision(principal, body.member_id, action=ADD_ADJUSTMENT)
    member = await repository.get_member(session, member_id=body.member_id)
    if member is None:
        raise NotFound(f"member {body.member_id} is not known to incentives")
    access.require_in_scope(principal, member, action=ADD_ADJUSTMENT)
    await lock_pay(session, [(member.id, NEXT_RUN)])
    adjustment = await repository.add(
        session,
        row=Adjustment(
            id=str(uuid.uuid4()),
            member_id=body.member_id,
            period=str(body.period),
            amount=body.amount.amount,
            currency=body.amount.currency,
            reason=body.reason,
            source={"kind": "manual", "by": principal.member_id},
            created_by=principal.member_id,
        ),
    )
    await pay_in_first_draft(session, [member])
    return adjustment


async def statement(
    session: AsyncSession, *, member_id: str, period: str
) -> list[tuple[PayoutRun, list[PayoutLine]]]:
    """A member's runs for a period, each with the member's lines in it."""
    found = []
    for run in await repository.member_runs(session, member_id=member_id, period=period):
        found.append((run, await repository.run_lines(session, run_id=run.id, member_id=member_id)))
    return found
