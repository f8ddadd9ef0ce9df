"""Commission on closed revenue: tiers on the period's cumulative (net) revenue in the order
entries are recorded; refunds and credit notes reverse at the rates that paid the deal, from
its top slice down, and never more than the deal paid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import Plan, RevenueEntry
from incentives.schemas import RevenueCreate, RevenueKind
from incentives.service import access, recalc
from incentives.service.calculator import Slice, deal_slices, money, reversal_slices
from incentives.service.pay_locks import lock_revenue
from incentives.service.plans import plan_for
from incentives.service.recalc import Queued
from shared.auth import Principal
from shared.errors import Conflict, NotFound, Unprocessable, invalid
from shared.periods import Period


async def _commission_plan(session: AsyncSession, body: RevenueCreate) -> Plan:
    member = await repository.get_member(session, member_id=body.member_id)
    if member is None:
        raise NotFound(f"member {body.member_id} is not known to incentives")
    candidates = [
        plan
        for plan in await repository.plans(session)
        if plan.commission is not None and _contains(plan.period, body)
    ]
    plan = plan_for(candidates, member)
    if plan is None:
        raise Unprocessable(
            f"no plan with commission covers {body.member_id} on {body.closed_on}; "
            "create one before recording revenue"
        )
    if plan.currency != body.amount.currency:
        raise invalid("amount.currency", f"the plan pays in {plan.currency}")
    return plan


def _contains(period: str, body: RevenueCreate) -> bool:
    return Period.parse(period).contains(body.closed_on)


def _same(entry: RevenueEntry, body: RevenueCreate) -> bool:
    return (
        entry.member_id == body.member_id
        and entry.kind == body.kind.value
        and entry.amount == body.amount.amount
        and entry.currency == body.amount.currency
        and entry.closed_on == body.closed_on
        and entry.deal_id == (body.deal_id or body.id)
    )


async def _recorded(session: AsyncSession, body: RevenueCreate) -> RevenueEntry | None:
    """The entry as recorded before, if it was (other values under its id: a conflict)."""
    existing = await repository.get_revenue(session, entry_id=body.id)
    if existing is not None and not _same(existing, body):
        raise Conflict(f"entry {body.id} was recorded with other values")
    return existing


async def record(
    session: AsyncSession, principal: Principal, body: RevenueCreate
) -> tuple[RevenueEntry, bool]:
    """Record an entry; the same entry sent again returns the first (False: not new). Nobody
    records the revenue that pays their own commission (nor its refunds)."""
    access.refuse_self_decision(principal, body.member_id, action="record-revenue")
    if (existing := await _recorded(session, body)) is not None:
        return existing, False
    if body.kind == RevenueKind.deal:
        plan = await _commission_plan(session, body)
        await lock_revenue(session, member_id=body.member_id, period=plan.period)
        # The same entry sent twice at once: the request that held the lock first recorded it.
        if (existing := await _recorded(session, body)) is not None:
            return existing, False
        before = await repository.net_revenue(session, member_id=body.member_id, period=plan.period)
        assert plan.commission is not None
        tiers = [(Decimal(t["from"]), Decimal(t["rate"])) for t in plan.commission["tiers"]]
        slices = deal_slices(tiers, before, body.amount.amount)
        sign = Decimal(1)
        deal_id, period, plan_id = body.id, plan.period, plan.id
    else:
        deal = await repository.get_revenue(session, entry_id=body.deal_id or "")
        if deal is None or deal.kind != "deal":
            raise invalid("deal_id", f"no deal {body.deal_id}")
        if deal.member_id != body.member_id or deal.currency != body.amount.currency:
            raise invalid("deal_id", "a refund is for the deal's member, in the deal's currency")
        await lock_revenue(session, member_id=deal.member_id, period=deal.period)
        # The same entry sent twice at once: the request that held the lock first recorded it.
        if (existing := await _recorded(session, body)) is not None:
            return existing, False
        before = await repository.net_revenue(session, member_id=deal.member_id, period=deal.period)
        reversed_already = await repository.reversed_of(session, deal_id=deal.id)
        if reversed_already + body.amount.amount > deal.amount:
            raise Conflict(
                f"deal {deal.id} was {deal.amount}; {reversed_already} is already reversed, "
                f"so at most {deal.amount - reversed_already} can be"
            )
        slices = reversal_slices(
            [Slice.from_json(s) for s in deal.slices], reversed_already, body.amount.amount
        )
        sign = Decimal(-1)
        deal_id, period, plan_id = deal.id, deal.period, deal.plan_id
    commission = sign * money(sum((s.commission for s in slices), Decimal(0)))
    entry = await repository.add(
        session,
        row=RevenueEntry(
            id=body.id,
            member_id=body.member_id,
            plan_id=plan_id,
            period=period,
            kind=body.kind.value,
            deal_id=deal_id,
            amount=body.amount.amount,
            currency=body.amount.currency,
            closed_on=body.closed_on,
            cumulative_before=before,
            slices=[s.as_json() for s in slices],
            commission=commission,
            note=body.note,
            recorded_by=principal.member_id,
        ),
    )
    await recalc.queue(
        session,
        [
            Queued(
                body.member_id,
                period,
                f"{body.kind.value} {body.id} recorded",
                {"entry_id": body.id},
            )
        ],
    )
    return entry, True


@dataclass(frozen=True)
class Replayed:
    """An entry's commission as its period's entries recorded before it make it."""

    entry: RevenueEntry
    cumulative_before: Decimal
    slices: list[Slice]
    commission: Decimal
    problem: str = ""


def replay(entries: list[RevenueEntry], plans: dict[str, Plan]) -> list[Replayed]:
    """One member's entries of one period again, in the order they were recorded (``seq``):
    a deal at its plan's tiers of the running net total, a refund or credit note at the
    rates that paid its deal, from the top slice down, never beyond the deal's amount."""
    net = Decimal(0)
    deals: dict[str, tuple[RevenueEntry, list[Slice]]] = {}
    reversed_of: dict[str, Decimal] = defaultdict(Decimal)
    found: list[Replayed] = []
    for entry in entries:
        problem = ""
        if entry.kind == "deal":
            plan = plans.get(entry.plan_id)
            commission = (plan.commission if plan is not None else None) or {"tiers": []}
            tiers = [(Decimal(t["from"]), Decimal(t["rate"])) for t in commission["tiers"]]
            slices = deal_slices(tiers, net, entry.amount)
            deals[entry.id] = (entry, slices)
            sign = Decimal(1)
        else:
            deal, paid_by = deals.get(entry.deal_id, (None, []))
            slices = reversal_slices(paid_by, reversed_of[entry.deal_id], entry.amount)
            reversed_of[entry.deal_id] += entry.amount
            sign = Decimal(-1)
            if deal is None or reversed_of[entry.deal_id] > deal.amount:
                problem = f"reverses more of deal {entry.deal_id} than the deal was"
        total = sign * money(sum((s.commission for s in slices), Decimal(0)))
        found.append(Replayed(entry, net, slices, total, problem))
        net += sign * entry.amount
    return found
