"""Looking at pay again when its inputs change, in batches.

Consumers and requests only queue ``(member, period, reason)`` in their own transaction; the
``recalculate`` job (woken the moment such a transaction commits, and every
``recalc_interval_s`` in any case) takes up to ``recalc_batch`` entries with ``SKIP LOCKED``
and, per period, refreshes the members' projections, recalculates them in the draft run (the
first closed review makes it) or, once the period is paid, owes them the difference as an
adjustment. A burst of events (a cycle of 10,000 reviews closing) costs a few set-based
passes instead of 10,000 single ones; one event waits only for the next pass.

Any number of replicas run the job at once: each claims other entries, takes its members'
pay locks before it reads their inputs (``pay_locks``), and deletes only what it claimed.
An entry queued again while claimed waits for the claim's row lock, then is queued afresh."""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import Adjustment, MemberCopy
from incentives.service.pay_lines import PeriodInputs, lines_under, period_inputs, total
from incentives.service.pay_locks import lock_all_pay, lock_pay
from incentives.service.payouts import calculate_members, open_run
from incentives.service.plans import active_in, plan_for
from shared.db import Database
from shared.periods import Period

_wakers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = (
    weakref.WeakKeyDictionary()
)


def waker() -> asyncio.Event:
    """The event that wakes this loop's recalculation job."""
    loop = asyncio.get_running_loop()
    found = _wakers.get(loop)
    if found is None:
        found = _wakers[loop] = asyncio.Event()
    return found


@dataclass(frozen=True)
class Queued:
    member_id: str
    period: str
    reason: str
    source: dict[str, Any]
    review_closed: bool = False


async def queue(session: AsyncSession, entries: list[Queued]) -> None:
    """Queue in the caller's transaction; the job wakes when it commits."""
    if not entries:
        return
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for e in entries:  # one row per member and period: a statement changes a row once
        row = rows.setdefault(
            (e.member_id, e.period),
            {
                "member_id": e.member_id,
                "period": e.period,
                "reasons": [],
                "sources": [],
                "review_closed": False,
            },
        )
        row["reasons"].append(e.reason)
        row["sources"].append(e.source)
        row["review_closed"] = row["review_closed"] or e.review_closed
    await repository.queue_recalculations(session, rows=list(rows.values()))
    wake = waker()
    event.listen(session.sync_session, "after_commit", lambda _s: wake.set(), once=True)


@dataclass
class Change:
    """Why a member's pay for a period is to be looked at again."""

    reasons: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    review_closed: bool = False


async def recalculate(db: Database, settings: Any) -> None:
    """Work through the queue, a batch per transaction, until it is empty."""
    while True:
        async with db.transaction() as session:
            claimed = await repository.claim_recalculations(session, limit=settings.recalc_batch)
            if not claimed:
                return
            by_period: dict[str, dict[str, Change]] = defaultdict(dict)
            for row in claimed:
                by_period[row.period][row.member_id] = Change(
                    reasons=list(row.reasons),
                    sources=list(row.sources),
                    review_closed=row.review_closed,
                )
            await _lock(session, by_period)
            for period, changes in sorted(by_period.items()):
                await apply_changes(session, period, changes)
            await repository.delete_recalculations(
                session, keys=[(row.member_id, row.period) for row in claimed]
            )


async def _lock(session: AsyncSession, by_period: dict[str, dict[str, Change]]) -> None:
    """The batch's pay locks in one call, then every draft run's row (any of them may pay a
    difference owed): from here on nobody else writes what the batch recomputes."""
    opening = {
        period
        for period, changes in by_period.items()
        if any(change.review_closed for change in changes.values())
    }
    if opening - {run.period for run in await repository.runs(session)}:
        # A closed review may open its period's run, which is written for every member.
        await lock_all_pay(session)
    else:
        await lock_pay(session, [(m, p) for p, changes in by_period.items() for m in changes])
    await repository.draft_runs(session, lock=True)


async def apply_changes(session: AsyncSession, period: str, changes: dict[str, Change]) -> None:
    """Members whose inputs for ``period`` changed: refresh their projections; recalculate
    them in the period's draft run (the first closed review of a period makes that run);
    once the period is paid, owe each the difference as an adjustment, with the reasons,
    that the next run pays. The caller holds the members' pay locks and the draft runs."""
    members = await repository.members_by_ids(session, member_ids=set(changes))
    data = await period_inputs(session, period, set(changes))
    await refresh_projections(session, period, members, data)
    draft = await repository.draft_run(session, period=period)
    if draft is not None:
        await calculate_members(session, draft, members)
    elif await repository.approved_run_exists(session, period=period):
        owed = await _owe_differences(session, period, members, data, changes)
        if owed:
            for run in await repository.draft_runs(session):
                await calculate_members(session, run, owed)
    elif any(changes[m.id].review_closed and plan_for(data.plans, m) is not None for m in members):
        await open_run(session, period=Period.parse(period), created_by="incentives")


async def refresh_projections(
    session: AsyncSession, period: str, members: list[MemberCopy], data: PeriodInputs
) -> None:
    """What each member would be paid for ``period`` at the current figures, under the plan
    that covers them now (a projection under another plan of the period is dropped)."""
    rows: list[dict[str, Any]] = []
    kept: set[tuple[str, str]] = set()
    for member in members:
        plan = plan_for(data.plans, member)
        if plan is None or not active_in(member, Period.parse(period)):
            continue
        lines = lines_under(plan, member, data.of(member.id), projected=True)
        kept.add((member.id, plan.id))
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
    await repository.delete_projections(
        session, period=period, member_ids={m.id for m in members}, keep=kept
    )
    await repository.save_projections(session, rows=rows)


async def _owe_differences(
    session: AsyncSession,
    period: str,
    members: list[MemberCopy],
    data: PeriodInputs,
    changes: dict[str, Change],
) -> list[MemberCopy]:
    paid = await repository.paid_totals(session, period=period, member_ids={m.id for m in members})
    owed: list[MemberCopy] = []
    adjustments: list[Adjustment] = []
    for member in members:
        plan = plan_for(data.plans, member)
        if plan is None:
            continue
        now = total(lines_under(plan, member, data.of(member.id), projected=False))
        before = paid.get(member.id, Decimal(0))
        if now == before:
            continue
        change = changes[member.id]
        adjustments.append(
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
    await repository.add_adjustments(session, rows=adjustments)
    return owed
