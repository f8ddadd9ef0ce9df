"""Payouts: a member's explained lines, live projections, payout runs (draft > approved >
exported), corrections as adjustment lines of the next run, statements and what-if."""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.events import BonusCalculated, PayoutApproved, outbox
from incentives.models import (
    Adjustment,
    KpiFigure,
    MemberCopy,
    PayoutLine,
    PayoutRun,
    Plan,
    Project,
    RevenueEntry,
    ReviewResult,
)
from incentives.schemas import AdjustmentCreate, WhatIfCreate
from incentives.service.calculator import (
    ROUNDING,
    Figure,
    Line,
    Rating,
    Slice,
    money,
    pct,
    plan_lines,
)
from incentives.service.plans import active_in, as_dict, plan_for
from shared.auth import Principal
from shared.errors import Conflict, NotFound, Unprocessable
from shared.periods import Period

# ----------------------------------------------------------------------------- lines


async def _plan_of(session: AsyncSession, member: MemberCopy, period: str) -> Plan | None:
    return plan_for(await repository.plans(session, period=period), member)


def commission_lines(entries: list[RevenueEntry]) -> list[Line]:
    """One line per deal, refund or credit note of the period, each at the tiers that paid it."""
    lines = []
    for entry in entries:
        slices = [Slice.from_json(s) for s in entry.slices]
        tiers = ", ".join(f"{s.revenue} at {pct(s.rate)}" for s in slices) or "no commission"
        verb = "commission on deal" if entry.kind == "deal" else f"{entry.kind} reverses deal"
        lines.append(
            Line(
                "commission" if entry.kind == "deal" else "commission_reversal",
                entry.commission,
                entry.currency,
                f"{verb} {entry.deal_id} of {entry.amount}: {tiers}",
                tier=tiers,
                inputs={
                    "entry_id": entry.id,
                    "deal_id": entry.deal_id,
                    "kind": entry.kind,
                    "amount": str(entry.amount),
                    "closed_on": entry.closed_on.isoformat(),
                    "cumulative_before": str(entry.cumulative_before),
                    "slices": entry.slices,
                    "rounding": ROUNDING,
                },
                plan_id=entry.plan_id,
            )
        )
    return lines


@dataclass
class Inputs:
    """Everything one member's pay for a period depends on besides the plan."""

    figures: dict[str, Figure] = field(default_factory=dict)
    rating: Rating | None = None
    revenue: list[RevenueEntry] = field(default_factory=list)


def figure_of(row: KpiFigure) -> Figure:
    return Figure(row.attainment, row.actual, row.target, row.event_id)


def rating_of(row: ReviewResult) -> Rating:
    return Rating(row.rating, row.final_score, row.review_id, row.revision, row.event_id)


def lines_under(plan: Plan, member: MemberCopy, inputs: Inputs, *, projected: bool) -> list[Line]:
    """Base, performance pay, KPI bonus and commission of ``member`` under ``plan``."""
    lines = plan_lines(
        as_dict(plan),
        hired_on=member.hired_on,
        left_on=member.left_on,
        figures=inputs.figures,
        rating=inputs.rating,
        projected=projected,
    )
    if plan.commission is not None:
        lines += commission_lines(inputs.revenue)
    return lines


async def inputs_of(session: AsyncSession, member_id: str, period: str) -> Inputs:
    review = await repository.review(session, member_id=member_id, period=period)
    return Inputs(
        figures={
            f.kpi: figure_of(f)
            for f in await repository.figures(session, member_id=member_id, period=period)
        },
        rating=rating_of(review) if review is not None else None,
        revenue=await repository.revenue_entries(session, member_id=member_id, period=period),
    )


async def member_plan_lines(
    session: AsyncSession,
    member: MemberCopy,
    plan: Plan,
    *,
    projected: bool,
    attainments: dict[str, Decimal] | None = None,
    rating: str | None = None,
) -> list[Line]:
    """``member``'s lines under ``plan`` at the stored figures; the optional ``attainments``
    and ``rating`` replace the stored ones (what-if)."""
    inputs = await inputs_of(session, member.id, plan.period)
    for kpi, value in (attainments or {}).items():
        inputs.figures[kpi] = Figure(value)
    if rating is not None:
        inputs.rating = Rating(rating, Decimal(0), "what-if", 0)
    return lines_under(plan, member, inputs, projected=projected)


def total(lines: list[Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))


# ----------------------------------------------------------------------------- period inputs


@dataclass
class PeriodInputs:
    """A period's plans and the figures, reviews and revenue of some (or all) members."""

    plans: list[Plan]
    figures: dict[str, dict[str, KpiFigure]]
    reviews: dict[str, ReviewResult]
    revenue: dict[str, list[RevenueEntry]]

    def of(self, member_id: str) -> Inputs:
        review = self.reviews.get(member_id)
        return Inputs(
            figures={k: figure_of(f) for k, f in self.figures.get(member_id, {}).items()},
            rating=rating_of(review) if review is not None else None,
            revenue=self.revenue.get(member_id, []),
        )


async def period_inputs(
    session: AsyncSession, period: str, member_ids: set[str] | None = None
) -> PeriodInputs:
    """One query per kind of input, whatever the number of members."""
    return PeriodInputs(
        plans=await repository.plans(session, period=period),
        figures=await repository.period_figures(session, period=period, member_ids=member_ids),
        reviews=await repository.period_reviews(session, period=period, member_ids=member_ids),
        revenue=await repository.period_revenue(session, period=period, member_ids=member_ids),
    )


# ----------------------------------------------------------------------------- changes


async def refresh_projections(
    session: AsyncSession, period: str, members: list[MemberCopy], data: PeriodInputs
) -> None:
    """What each member would be paid for ``period`` at the current figures."""
    rows = []
    for member in members:
        plan = plan_for(data.plans, member)
        if plan is None or not active_in(member, Period.parse(period)):
            continue
        lines = lines_under(plan, member, data.of(member.id), projected=True)
        rows.append(
            {
                "member_id": member.id,
                "plan_id": plan.id,
                "period": plan.period,
                "currency": plan.currency,
                "total": total(lines),
                "lines": [line.as_json() for line in lines],
            }
        )
    await repository.save_projections(session, rows=rows)


async def apply_changes(session: AsyncSession, period: str, changes: dict[str, Change]) -> None:
    """Members whose inputs for ``period`` changed: refresh their projections; recalculate
    them in the period's draft run (the first closed review of a period makes that run);
    once the period is paid, owe each the difference as an adjustment, with the reasons,
    that the next run pays."""
    members = await repository.members_by_ids(session, member_ids=set(changes))
    data = await period_inputs(session, period, set(changes))
    await refresh_projections(session, period, members, data)
    if await repository.approved_run_exists(session, period=period):
        owed = await _owe_differences(session, period, members, data, changes)
        if owed:
            for run in await repository.runs(session):
                if run.state == "draft":
                    await calculate_members(session, run, owed)
        return
    await repository.lock_period_runs(session, period=period)
    draft = await repository.draft_run(session, period=period)
    if draft is not None:
        await calculate_members(session, draft, members)
    elif any(changes[m.id].review_closed and plan_for(data.plans, m) is not None for m in members):
        await create_run(session, period=Period.parse(period), created_by="incentives")


@dataclass
class Change:
    """Why a member's pay for a period is to be looked at again."""

    reasons: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    review_closed: bool = False


async def _owe_differences(
    session: AsyncSession,
    period: str,
    members: list[MemberCopy],
    data: PeriodInputs,
    changes: dict[str, Change],
) -> list[MemberCopy]:
    paid = await repository.paid_totals(session, period=period, member_ids={m.id for m in members})
    owed: list[MemberCopy] = []
    for member in members:
        plan = plan_for(data.plans, member)
        if plan is None:
            continue
        now = total(lines_under(plan, member, data.of(member.id), projected=False))
        before = paid.get(member.id, Decimal(0))
        if now == before:
            continue
        change = changes[member.id]
        session.add(
            Adjustment(
                id=str(uuid.uuid4()),
                member_id=member.id,
                period=period,
                amount=now - before,
                currency=plan.currency,
                reason=f"{'; '.join(change.reasons)}: {period} now pays {now}, "
                f"the approved run paid {before}",
                source={"kind": "recalculation", "changes": change.sources},
                created_by="incentives",
            )
        )
        owed.append(member)
    await session.flush()
    return owed


# ----------------------------------------------------------------------------- runs


def run_lines_for(
    run: PayoutRun,
    member: MemberCopy,
    plan: Plan | None,
    inputs: Inputs,
    projects: list[Project],
    adjustments: list[Adjustment],
) -> list[Line]:
    """A member's lines in a draft run: their plan's, the approved project bonuses not paid
    yet, and the adjustments owed to them (both are taken by this run)."""
    lines: list[Line] = []
    if plan is not None and active_in(member, Period.parse(run.period)):
        lines = lines_under(plan, member, inputs, projected=False)
    for project in projects:
        for award in project.awards:
            if award["member_id"] == member.id:
                project.paid_run_id = run.id
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
    for adjustment in adjustments:
        adjustment.run_id = run.id
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


def _line_rows(run: PayoutRun, member_id: str, lines: list[Line]) -> list[dict[str, Any]]:
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
    insert."""
    require_draft(run)
    period = Period.parse(run.period)
    ids = None if members is None else {m.id for m in members}
    data = await period_inputs(session, run.period, ids)
    adjustments = await repository.all_open_adjustments(session, run_id=run.id, member_ids=ids)
    projects = await repository.payable_projects(session, run_id=run.id)
    awarded = {a["member_id"] for p in projects for a in p.awards}
    candidates = members if members is not None else await repository.members(session)
    await repository.delete_lines(session, run_id=run.id, member_ids=ids)
    rows: list[dict[str, Any]] = []
    for member in candidates:
        plan = plan_for(data.plans, member)
        covered = plan is not None and active_in(member, period)
        if not (covered or member.id in adjustments or member.id in awarded):
            continue
        rows += _line_rows(
            run,
            member.id,
            run_lines_for(
                run, member, plan, data.of(member.id), projects, adjustments.get(member.id, [])
            ),
        )
    await repository.insert_lines(session, rows=rows)
    run.version += 1
    await session.flush()


async def create_run(session: AsyncSession, *, period: Period, created_by: str) -> PayoutRun:
    """A draft run for ``period`` with every member a plan of the period covers, and anyone
    owed an adjustment or a project bonus."""
    key = str(period)
    await repository.lock_period_runs(session, period=key)
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


async def recalculate(session: AsyncSession, run: PayoutRun) -> PayoutRun:
    require_draft(run)
    await repository.lock_period_runs(session, period=run.period)
    await calculate_members(session, run)
    return run


async def get_run(session: AsyncSession, run_id: str, *, lock: bool = False) -> PayoutRun:
    run = await repository.get_run(session, run_id=run_id, lock=lock)
    if run is None:
        raise NotFound(f"no payout run {run_id}")
    return run


def summarise(lines: list[PayoutLine]) -> tuple[dict[str, Decimal], list[dict[str, Any]]]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    per_member: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.currency] += line.amount
        per_member[(line.member_id, line.currency)] += line.amount
    return dict(totals), [
        {"member_id": m, "currency": c, "total": t} for (m, c), t in sorted(per_member.items())
    ]


def require_draft(run: PayoutRun) -> None:
    if run.state != "draft":
        raise Conflict(f"run {run.id} is {run.state}; an approved run never changes")


async def approve(session: AsyncSession, principal: Principal, run: PayoutRun) -> PayoutRun:
    require_draft(run)
    lines = await repository.run_lines(session, run_id=run.id)
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
                total=sum((line.amount for line in own), Decimal(0)),
                lines=[
                    {"rule": line.rule, "amount": str(line.amount), "tier": line.tier}
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
            members=len({line.member_id for line in lines}),
            totals=totals,
            member_totals=[{**m, "total": str(m["total"])} for m in member_totals],
        ),
    )
    return run


PAYROLL_COLUMNS = {
    "base_pay": "base_pay",
    "performance_pay": "performance_pay",
    "kpi_bonus": "kpi_bonus",
    "commission": "commission",
    "commission_reversal": "commission",
    "project_bonus": "project_bonus",
    "adjustment": "adjustment",
}


async def payroll_csv(session: AsyncSession, run: PayoutRun) -> str:
    """One row per member and currency, a column per kind of pay, and the total."""
    columns = list(dict.fromkeys(PAYROLL_COLUMNS.values()))
    rows: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: {c: Decimal("0.00") for c in columns}
    )
    for line in await repository.run_lines(session, run_id=run.id):
        rows[(line.member_id, line.currency)][PAYROLL_COLUMNS[line.rule]] += line.amount
    names = {m.id: m.name for m in await repository.members(session)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run_id", "period", "member_id", "name", "currency", *columns, "total"])
    for (member_id, currency), amounts in sorted(rows.items()):
        writer.writerow(
            [
                run.id,
                run.period,
                member_id,
                names.get(member_id, ""),
                currency,
                *(str(amounts[c]) for c in columns),
                str(sum(amounts.values(), Decimal(0))),
            ]
        )
    return out.getvalue()


async def export(session: AsyncSession, principal: Principal, run: PayoutRun) -> str:
    if run.state == "draft":
        raise Conflict("approve the run before exporting it to payroll")
    if run.state == "approved":
        run.state = "exported"
        run.exported_by = principal.member_id
        run.exported_at = datetime.now(UTC)
        run.version += 1
        await session.flush()
    return await payroll_csv(session, run)


# ----------------------------------------------------------------------------- adjustments


async def add_adjustment(
    session: AsyncSession, principal: Principal, body: AdjustmentCreate
) -> Adjustment:
    member = await repository.get_member(session, member_id=body.member_id)
    if member is None:
        raise NotFound(f"member {body.member_id} is not known to incentives")
    adjustment = await repository.add(
        session,
        row=Adjustment(
            id=str(uuid.uuid4()),
            member_id=body.member_id,
            period=str(body.period),
            amount=body.amount,
            currency=body.currency,
            reason=body.reason,
            source={"kind": "manual", "by": principal.member_id},
            created_by=principal.member_id,
        ),
    )
    for run in await repository.runs(session):
        if run.state == "draft":
            await calculate_members(session, run, [member])
            break
    return adjustment


# ----------------------------------------------------------------------------- reading


async def what_if(session: AsyncSession, body: WhatIfCreate) -> tuple[Plan, list[Line]]:
    member = await repository.get_member(session, member_id=body.member_id)
    if member is None:
        raise NotFound(f"member {body.member_id} is not known to incentives")
    plan = await _plan_of(session, member, str(body.period))
    if plan is None:
        raise Unprocessable(f"no plan covers {body.member_id} in {body.period}")
    lines = await member_plan_lines(
        session,
        member,
        plan,
        projected=True,
        attainments=dict(body.attainments),
        rating=body.rating,
    )
    return plan, lines


async def statement(
    session: AsyncSession, *, member_id: str, period: str
) -> list[tuple[PayoutRun, list[PayoutLine]]]:
    found = []
    for run in await repository.member_runs(session, member_id=member_id, period=period):
        found.append((run, await repository.run_lines(session, run_id=run.id, member_id=member_id)))
    return found
