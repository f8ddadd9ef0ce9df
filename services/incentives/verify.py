"""Incentives' part of the invariant checker (see ``shared.verify``); it reads, never writes.

``drift`` recomputes, with the calculator's own code, every live projection and every draft
run's lines from the inputs they name; checks that each member of a paid period was paid
(the approved run, and the differences owed since) what their inputs pay now; replays each
member's revenue entries of a period in the order they were recorded (commission on the
running total, no deal reversed beyond its amount); and compares each approved run's lines
with the ``PayoutApproved`` that published it (while the outbox keeps it). A member queued
for a recalculation is skipped, not reported: the job has not got there yet (``--settle``
waits for it). Each month's stars are those of the newest settlement of the month that
incentives holds (``_stars``): a newer revision re-awards them at once.

``copies`` lists every value incentives keeps of goals' and performance's data, with the
owner's API that states it."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import UNAPPROVED_RUN_STATES, MemberCopy, PayoutLine, PayoutRun, Projection
from incentives.service.calculator import Line, Slice
from incentives.service.pay_lines import PeriodInputs, lines_under, period_inputs, total
from incentives.service.payouts import member_run_lines, run_inputs
from incentives.service.plans import active_in, plan_for
from incentives.service.revenue import replay
from shared.periods import Period
from shared.verify import Copy, Drift, copy_of, text_of

SERVICE = "incentives"
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _money(amounts: Iterable[tuple[Decimal, str]]) -> str | None:
    """Amounts summed per currency, as the report shows them: ``"58000.00 CNY"``."""
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for amount, currency in amounts:
        by_currency[currency] += amount
    return "; ".join(f"{t} {c}" for c, t in sorted(by_currency.items())) or None


def _canonical(value: Any) -> Any:
    """A line's JSON with every number by its value: ``"0.5"`` is ``"0.500000"``."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Decimal) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        return format(Decimal(value).normalize(), "f")
    return value


def _line_text(line: PayoutLine | Line) -> str:
    fields = [line.rule, line.plan_id, line.tier, line.amount, line.currency]
    return json.dumps(_canonical([*fields, line.explanation, line.inputs]), sort_keys=True)


def _difference(stored: list[str], expected: list[str]) -> str:
    extra = [s for s in stored if stored.count(s) > expected.count(s)]
    missing = [e for e in expected if expected.count(e) > stored.count(e)]
    return (
        f"{len(stored)} lines stored, {len(expected)} expected"
        + (f"; stored, not expected: {extra[0]}" if extra else "")
        + (f"; expected, not stored: {missing[0]}" if missing else "")
    )


def _drift(kind: str, key: str, stored: str | None, expected: str | None, detail: str) -> Drift:
    return Drift(SERVICE, kind, key, stored, expected, detail=detail)


async def drift(session: AsyncSession) -> list[Drift]:
    """Every derived value of incentives its inputs no longer give (see the module)."""
    pending = await repository.queued_keys(session)
    members = {m.id: m for m in await repository.members(session)}
    runs = await repository.runs(session)
    projections: dict[str, list[Projection]] = defaultdict(list)
    for row in await repository.all_projections(session):
        projections[row.period].append(row)
    periods = set(await repository.plan_periods(session)) | set(projections)
    found: list[Drift] = []
    for period in sorted(periods | {run.period for run in runs}):
        data = await period_inputs(session, period)
        found += _projections(period, members, data, projections[period], pending)
        if any(run.period == period and run.state not in UNAPPROVED_RUN_STATES for run in runs):
            found += await _paid(session, period, members, data, pending)
    drafts = [run for run in runs if run.state in UNAPPROVED_RUN_STATES]  # oldest first
    for n, run in enumerate(drafts):
        found += await _draft(session, run, members, pending, oldest=n == 0)
    found += await _commission(session)
    found += await _approved(session)
    found += await _stars(session)
    return found


async def _stars(session: AsyncSession) -> list[Drift]:
    """Each month awarded from a settlement follows the newest settlement held (a newer
    revision re-awards it in the transaction that stores it)."""
    found: list[Drift] = []
    for award in await repository.star_awards(session):
        settlement = await repository.get_settlement(session, month=award.month)
        if award.revision is None or settlement is None:
            continue  # awarded before months were settled
        stored, expected = f"revision {award.revision}", f"revision {settlement.revision}"
        if stored != expected:
            found.append(_drift("stars", award.month, stored, expected, "not re-awarded"))
    return found


def _projections(
    period: str,
    members: dict[str, MemberCopy],
    data: PeriodInputs,
    stored: list[Projection],
    pending: set[tuple[str, str]],
) -> list[Drift]:
    """Each member's live projection for ``period``: under the plan that covers them now, at
    their current inputs; none when no plan covers them or they are not active."""
    by_member: dict[str, dict[str, Projection]] = defaultdict(dict)
    for row in stored:
        by_member[row.member_id][row.plan_id] = row
    found: list[Drift] = []
    for member_id in sorted(set(members) | set(by_member)):
        if (member_id, period) in pending:
            continue
        member, rows = members.get(member_id), by_member[member_id]
        plan = None if member is None else plan_for(data.plans, member)
        if member is not None and plan is not None and active_in(member, Period.parse(period)):
            lines = lines_under(plan, member, data.of(member_id), projected=True)
            key, expected = f"{member_id} {period} plan {plan.id}", (total(lines), plan.currency)
            current = rows.pop(plan.id) if plan.id in rows else None
            want = [json.dumps(_canonical(x.as_json()), sort_keys=True) for x in lines]
            if current is None:
                found.append(_drift("projection", key, None, _money([expected]), "none stored"))
            else:
                have = [json.dumps(_canonical(x), sort_keys=True) for x in current.lines]
                if (current.total, current.currency) != expected or have != want:
                    stored_total = _money([(current.total, current.currency)])
                    detail = _difference(have, want)
                    found.append(
                        _drift("projection", key, stored_total, _money([expected]), detail)
                    )
        for plan_id, row in sorted(rows.items()):
            found.append(
                _drift(
                    "projection",
                    f"{member_id} {period} plan {plan_id}",
                    _money([(row.total, row.currency)]),
                    None,
                    "not the plan that covers the member now (or none does)",
                )
            )
    return found


async def _paid(
    session: AsyncSession,
    period: str,
    members: dict[str, MemberCopy],
    data: PeriodInputs,
    pending: set[tuple[str, str]],
) -> list[Drift]:
    """A paid period: what each member was paid under their plan (the approved run, and the
    differences owed since) is what their inputs pay now."""
    paid = await repository.paid_totals(session, period=period, member_ids=None)
    found: list[Drift] = []
    for member_id, member in sorted(members.items()):
        plan = plan_for(data.plans, member)
        if plan is None or (member_id, period) in pending:
            continue
        now = total(lines_under(plan, member, data.of(member_id), projected=False))
        before = paid.get(member_id, Decimal(0))
        if now != before:
            found.append(
                _drift(
                    "paid",
                    f"{member_id} {period}",
                    _money([(before, plan.currency)]),
                    _money([(now, plan.currency)]),
                    "the approved run and the differences owed since, against what the "
                    "inputs pay now",
                )
            )
    return found


async def _draft(
    session: AsyncSession,
    run: PayoutRun,
    members: dict[str, MemberCopy],
    pending: set[tuple[str, str]],
    *,
    oldest: bool,
) -> list[Drift]:
    """A draft run's lines, member by member, against what the run would write for them now
    (the oldest draft run also takes what no run has taken yet)."""
    inputs = await run_inputs(session, run, None, unassigned=oldest)
    stored: dict[str, list[PayoutLine]] = defaultdict(list)
    for line in await repository.run_lines(session, run_id=run.id):
        stored[line.member_id].append(line)
    # A member queued for any period may be owed a difference this run pays: not yet.
    waiting = {member_id for member_id, _period in pending}
    found: list[Drift] = []
    for member_id in sorted((set(members) | set(stored)) - waiting):
        member = members.get(member_id)
        lines = (None if member is None else member_run_lines(run, member, inputs)) or []
        have = sorted(_line_text(line) for line in stored[member_id])
        want = sorted(_line_text(line) for line in lines)
        if have != want:
            found.append(
                _drift(
                    "draft-lines",
                    f"{run.id} {member_id} {run.period}",
                    _money((line.amount, line.currency) for line in stored[member_id]),
                    _money((line.amount, line.currency) for line in lines),
                    _difference(have, want),
                )
            )
    return found


async def _commission(session: AsyncSession) -> list[Drift]:
    """Each revenue entry's running total, slices and commission, replayed."""
    plans = {plan.id: plan for plan in await repository.plans(session)}
    found: list[Drift] = []
    for entries in (await repository.period_revenue(session, period=None)).values():
        by_period = defaultdict(list)
        for entry in entries:
            by_period[entry.period].append(entry)
        for chain in by_period.values():
            for again in replay(chain, plans):
                entry = again.entry
                detail = again.problem
                if entry.cumulative_before != again.cumulative_before:
                    detail = (
                        f"recorded at a running total of {entry.cumulative_before}; the "
                        f"entries recorded before it make {again.cumulative_before}"
                    )
                slices = [Slice.from_json(s) for s in entry.slices]
                if detail or (entry.commission, slices) != (again.commission, again.slices):
                    found.append(
                        _drift(
                            "commission",
                            f"{entry.id} {entry.member_id} {entry.period}",
                            _money([(entry.commission, entry.currency)]),
                            _money([(again.commission, entry.currency)]),
                            detail,
                        )
                    )
    return found


def _amount(total: Any) -> Decimal:
    """A published total: Money (``{"amount": "1.00", ...}``), or text in older events."""
    return Decimal(str(total["amount"] if isinstance(total, dict) else total))


async def _approved(session: AsyncSession) -> list[Drift]:
    """An approved run's lines are what ``PayoutApproved`` said it pays each member."""
    found: list[Drift] = []
    for event in await repository.published(session, event_type="incentives.payout.approved"):
        said = {
            (m["member_id"], m["currency"]): _amount(m["total"]) for m in event["member_totals"]
        }
        has: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for line in await repository.run_lines(session, run_id=event["run_id"]):
            has[(line.member_id, line.currency)] += line.amount
        for key in sorted(set(said) | set(has)):
            if has.get(key) != said.get(key):
                member_id, currency = key
                found.append(
                    _drift(
                        "approved-run",
                        f"{event['run_id']} {member_id}",
                        _money([(has[key], currency)]) if key in has else None,
                        _money([(said[key], currency)]) if key in said else None,
                        "an approved run's lines against its PayoutApproved",
                    )
                )
    return found


async def copies(session: AsyncSession) -> list[Copy]:
    """Incentives' copies: KPI figures, KPI definitions and members (goals), live scores and
    closed reviews (performance), each with the owner's API that states it."""
    found = [
        Copy(
            service=SERVICE,
            kind="kpi-figure",
            key=f"{f.member_id} {f.kpi} {f.period}",
            path="/goals/figures",
            params={"owner_type": "member", "owner_id": f.member_id, "period": f.period}
            | {"kpi": f.kpi},
            pick={"kpi": f.kpi, "period": f.period},
            values={
                "attainment": text_of(f.attainment),
                "actual": text_of(f.actual),
                "target": text_of(f.target),
            },
        )
        for f in await repository.kpi_figure_copies(session)
    ]
    found += [
        copy_of(
            SERVICE,
            "member",
            "/goals/members/{id}",
            m,
            ("name", "home_unit_id", "layer", "tier", "manager_id", "hired_on", "left_on"),
        )
        for m in await repository.members(session)
    ]
    found += [
        Copy(
            service=SERVICE,
            kind="kpi-definition",
            key=k.code,
            path=f"/goals/kpi-definitions/{k.code}",
            values={
                "name": k.name,
                "unit": k.unit,
                "active": text_of(k.active),
                "version": str(k.source_version),
            },
        )
        for k in await repository.kpi_definition_copies(session)
    ]
    found += [
        Copy(
            service=SERVICE,
            kind="score",
            key=f"{s.member_id} {s.month}",
            path=f"/performance/members/{s.member_id}/scores/{s.month}",
            values={"score": text_of(s.score), "revision": str(s.revision)},
        )
        for s in await repository.score_copies(session)
    ]
    # No rating: the copy holds the effective one (calibrated, else the review's own), which
    # the review API states as two fields.
    found += [
        Copy(
            service=SERVICE,
            kind="review",
            key=f"{r.member_id} {r.period}",
            path=f"/performance/reviews/{r.review_id}",
            values={"final_score": text_of(r.final_score), "revision": str(r.revision)},
        )
        for r in await repository.review_copies(session)
    ]
    return found
