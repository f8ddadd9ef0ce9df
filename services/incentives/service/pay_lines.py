"""A member's explained pay lines from their inputs: base, performance pay, KPI bonus and
commission under their plan, at the stored figures (or what-if ones). The same code makes
projections, draft runs, the differences owed and the invariant checker's expectations."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import KpiFigure, MemberCopy, Plan, RevenueEntry, ReviewResult
from incentives.schemas import WhatIfCreate
from incentives.schemas.revenue import slice_read
from incentives.service.calculator import (
    ROUNDING,
    Figure,
    Line,
    Rating,
    Slice,
    money_json,
    pct,
    plan_lines,
)
from incentives.service.plans import as_dict, plan_for
from shared.errors import NotFound, Unprocessable


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
                    "amount": money_json(entry.amount, entry.currency),
                    "closed_on": entry.closed_on.isoformat(),
                    "cumulative_before": money_json(entry.cumulative_before, entry.currency),
                    "slices": [slice_read(s, entry.currency) for s in entry.slices],
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
    """The calculator's view of a stored KPI figure."""
    return Figure(row.attainment, row.actual, row.target, row.event_id)


def rating_of(row: ReviewResult) -> Rating:
    """The calculator's view of a stored closed review."""
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


def total(lines: list[Line]) -> Decimal:
    """The sum of the lines' amounts (one currency: a plan's)."""
    return sum((line.amount for line in lines), Decimal(0))


async def inputs_of(session: AsyncSession, member_id: str, period: str) -> Inputs:
    """One member's stored inputs for a period."""
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
    """One query per kind of input, whatever the number of members (None: all of them)."""
    return PeriodInputs(
        plans=await repository.plans(session, period=period),
        figures=await repository.period_figures(session, period=period, member_ids=member_ids),
        reviews=await repository.period_reviews(session, period=period, member_ids=member_ids),
        revenue=await repository.period_revenue(session, period=period, member_ids=member_ids),
    )


async def what_if(session: AsyncSession, body: WhatIfCreate) -> tuple[Plan, list[Line]]:
    """What the member's plan would pay at the attainments (and rating) given; nothing is
    stored."""
    member = await repository.get_member(session, member_id=body.member_id)
    if member is None:
        raise NotFound(f"member {body.member_id} is not known to incentives")
    plan = plan_for(await repository.plans(session, period=str(body.period)), member)
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
