"""Commission on closed revenue: tiers on the period's cumulative (net) revenue in the order
entries are recorded; refunds and credit notes reverse at the rates that paid the deal, from
its top slice down, and never more than the deal paid."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import Plan, RevenueEntry
from incentives.schemas import RevenueCreate, RevenueKind
from incentives.service import recalc
from incentives.service.calculator import Slice, deal_slices, money, reversal_slices
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
    if plan.currency != body.currency:
        raise invalid("currency", f"the plan pays in {plan.currency}")
    return plan


def _contains(period: str, body: RevenueCreate) -> bool:
    return Period.parse(period).contains(body.closed_on)


def _same(entry: RevenueEntry, body: RevenueCreate) -> bool:
    return (
        entry.member_id == body.member_id
        and entry.kind == body.kind.value
        and entry.amount == body.amount
        and entry.currency == body.currency
        and entry.closed_on == body.closed_on
        and entry.deal_id == (body.deal_id or body.id)
    )


async def record(
    session: AsyncSession, principal: Principal, body: RevenueCreate
) -> tuple[RevenueEntry, bool]:
    """Record an entry; the same entry sent again returns the first (False: not new)."""
    existing = await repository.get_revenue(session, entry_id=body.id)
    if existing is not None:
        if not _same(existing, body):
            raise Conflict(f"entry {body.id} was recorded with other values")
        return existing, False
    if body.kind == RevenueKind.deal:
        plan = await _commission_plan(session, body)
        await repository.lock_member_revenue(session, member_id=body.member_id, period=plan.period)
        before = await repository.net_revenue(session, member_id=body.member_id, period=plan.period)
        assert plan.commission is not None
        tiers = [(Decimal(t["from"]), Decimal(t["rate"])) for t in plan.commission["tiers"]]
        slices = deal_slices(tiers, before, body.amount)
        sign = Decimal(1)
        deal_id, period, plan_id = body.id, plan.period, plan.id
    else:
        deal = await repository.get_revenue(session, entry_id=body.deal_id or "")
        if deal is None or deal.kind != "deal":
            raise invalid("deal_id", f"no deal {body.deal_id}")
        if deal.member_id != body.member_id or deal.currency != body.currency:
            raise invalid("deal_id", "a refund is for the deal's member, in the deal's currency")
        await repository.lock_member_revenue(session, member_id=deal.member_id, period=deal.period)
        before = await repository.net_revenue(session, member_id=deal.member_id, period=deal.period)
        reversed_already = await repository.reversed_of(session, deal_id=deal.id)
        if reversed_already + body.amount > deal.amount:
            raise Conflict(
                f"deal {deal.id} was {deal.amount}; {reversed_already} is already reversed, "
                f"so at most {deal.amount - reversed_already} can be"
            )
        slices = reversal_slices(
            [Slice.from_json(s) for s in deal.slices], reversed_already, body.amount
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
            amount=body.amount,
            currency=body.currency,
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
