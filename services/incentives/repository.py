"""The only place with queries on the incentives schema."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from incentives.models import (
    Adjustment,
    KpiFigure,
    Ladder,
    MemberCopy,
    MonthlyScore,
    PayoutLine,
    PayoutRun,
    Plan,
    Project,
    Projection,
    Recalculation,
    RevenueEntry,
    ReviewResult,
    StarAward,
)

T = TypeVar("T")

# The lines a plan produces (project bonuses and adjustments are paid on their own).
PLAN_RULES = ("base_pay", "performance_pay", "kpi_bonus", "commission", "commission_reversal")


async def add(session: AsyncSession, *, row: T) -> T:
    session.add(row)
    await session.flush()
    return row


# ----------------------------------------------------------------------------- copies


async def get_member(session: AsyncSession, *, member_id: str) -> MemberCopy | None:
    return await session.get(MemberCopy, member_id)


async def members(session: AsyncSession) -> list[MemberCopy]:
    return list((await session.scalars(select(MemberCopy).order_by(MemberCopy.id))).all())


async def members_by_ids(session: AsyncSession, *, member_ids: set[str]) -> list[MemberCopy]:
    rows = await session.scalars(
        select(MemberCopy).where(MemberCopy.id.in_(member_ids)).order_by(MemberCopy.id)
    )
    return list(rows.all())


async def save_figure(session: AsyncSession, *, values: dict[str, Any]) -> bool:
    """Keep the newest figure; an older event arriving late changes nothing. True if stored."""
    statement = insert(KpiFigure).values(**values)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[KpiFigure.member_id, KpiFigure.kpi, KpiFigure.period],
            set_={k: statement.excluded[k] for k in values},
            where=KpiFigure.event_time <= statement.excluded.event_time,
        ).returning(KpiFigure.member_id)
    )
    return result.first() is not None


async def figures(session: AsyncSession, *, member_id: str, period: str) -> list[KpiFigure]:
    rows = await session.scalars(
        select(KpiFigure).where(KpiFigure.member_id == member_id, KpiFigure.period == period)
    )
    return list(rows.all())


async def save_review(session: AsyncSession, *, values: dict[str, Any]) -> bool:
    """Keep the newest revision of a member's review for a period. True if stored."""
    statement = insert(ReviewResult).values(**values)
    result = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[ReviewResult.member_id, ReviewResult.period],
            set_={k: statement.excluded[k] for k in values},
            where=ReviewResult.revision < statement.excluded.revision,
        ).returning(ReviewResult.member_id)
    )
    return result.first() is not None


async def period_figures(
    session: AsyncSession, *, period: str, member_ids: set[str] | None = None
) -> dict[str, dict[str, KpiFigure]]:
    query = select(KpiFigure).where(KpiFigure.period == period)
    if member_ids is not None:
        query = query.where(KpiFigure.member_id.in_(member_ids))
    found: dict[str, dict[str, KpiFigure]] = defaultdict(dict)
    for row in await session.scalars(query):
        found[row.member_id][row.kpi] = row
    return found


async def period_reviews(
    session: AsyncSession, *, period: str, member_ids: set[str] | None = None
) -> dict[str, ReviewResult]:
    query = select(ReviewResult).where(ReviewResult.period == period)
    if member_ids is not None:
        query = query.where(ReviewResult.member_id.in_(member_ids))
    return {row.member_id: row for row in await session.scalars(query)}


async def review(session: AsyncSession, *, member_id: str, period: str) -> ReviewResult | None:
    return await session.get(ReviewResult, (member_id, period))


async def save_score(session: AsyncSession, *, values: dict[str, Any]) -> None:
    statement = insert(MonthlyScore).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[MonthlyScore.member_id, MonthlyScore.month],
            set_={k: statement.excluded[k] for k in values},
            where=MonthlyScore.revision < statement.excluded.revision,
        )
    )


async def scores(session: AsyncSession, *, month: str) -> list[MonthlyScore]:
    rows = await session.scalars(select(MonthlyScore).where(MonthlyScore.month == month))
    return list(rows.all())


# ----------------------------------------------------------------------------- plans


async def get_ladder(session: AsyncSession, *, key: str) -> Ladder | None:
    return await session.get(Ladder, key)


async def ladders(session: AsyncSession) -> list[Ladder]:
    return list((await session.scalars(select(Ladder).order_by(Ladder.key))).all())


async def get_plan(session: AsyncSession, *, plan_id: str) -> Plan | None:
    return await session.get(Plan, plan_id)


async def plans(session: AsyncSession, *, period: str | None = None) -> list[Plan]:
    query = select(Plan).order_by(Plan.created_at, Plan.id)
    if period is not None:
        query = query.where(Plan.period == period)
    return list((await session.scalars(query)).all())


async def plan_periods(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(Plan.period).distinct())).all())


# ----------------------------------------------------------------------------- revenue


async def get_revenue(session: AsyncSession, *, entry_id: str) -> RevenueEntry | None:
    return await session.get(RevenueEntry, entry_id)


async def lock_member_revenue(session: AsyncSession, *, member_id: str, period: str) -> None:
    """Serialise commission for one member and period: tiers depend on the running total."""
    await session.execute(
        select(
            func.pg_advisory_xact_lock(func.hashtext(f"incentives:revenue:{member_id}:{period}"))
        )
    )


async def net_revenue(session: AsyncSession, *, member_id: str, period: str) -> Decimal:
    signed = case((RevenueEntry.kind == "deal", RevenueEntry.amount), else_=-RevenueEntry.amount)
    total = await session.scalar(
        select(func.coalesce(func.sum(signed), 0)).where(
            RevenueEntry.member_id == member_id, RevenueEntry.period == period
        )
    )
    return Decimal(total or 0)


async def reversed_of(session: AsyncSession, *, deal_id: str) -> Decimal:
    total = await session.scalar(
        select(func.coalesce(func.sum(RevenueEntry.amount), 0)).where(
            RevenueEntry.deal_id == deal_id, RevenueEntry.kind != "deal"
        )
    )
    return Decimal(total or 0)


async def revenue_entries(
    session: AsyncSession, *, member_id: str, period: str
) -> list[RevenueEntry]:
    rows = await session.scalars(
        select(RevenueEntry)
        .where(RevenueEntry.member_id == member_id, RevenueEntry.period == period)
        .order_by(RevenueEntry.seq)
    )
    return list(rows.all())


async def period_revenue(
    session: AsyncSession, *, period: str, member_ids: set[str] | None = None
) -> dict[str, list[RevenueEntry]]:
    query = select(RevenueEntry).where(RevenueEntry.period == period)
    if member_ids is not None:
        query = query.where(RevenueEntry.member_id.in_(member_ids))
    found: dict[str, list[RevenueEntry]] = defaultdict(list)
    for row in await session.scalars(query.order_by(RevenueEntry.seq)):
        found[row.member_id].append(row)
    return found


# ----------------------------------------------------------------------------- projections


async def save_projections(session: AsyncSession, *, rows: list[dict[str, Any]]) -> None:
    """Upsert projections; each new one for a member and plan raises its revision."""
    if not rows:
        return
    statement = insert(Projection)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Projection.member_id, Projection.plan_id],
            set_={
                **{k: statement.excluded[k] for k in rows[0] if k not in ("member_id", "plan_id")},
                "revision": Projection.revision + 1,
                "updated_at": func.now(),
            },
        ),
        [{**row, "revision": 1} for row in rows],
    )


async def projections(session: AsyncSession, *, member_id: str) -> list[Projection]:
    rows = await session.scalars(
        select(Projection)
        .where(Projection.member_id == member_id)
        .order_by(Projection.period, Projection.plan_id)
    )
    return list(rows.all())


# ----------------------------------------------------------------------------- runs


async def get_run(session: AsyncSession, *, run_id: str, lock: bool = False) -> PayoutRun | None:
    if lock:
        return await session.get(PayoutRun, run_id, with_for_update=True)
    return await session.get(PayoutRun, run_id)


async def runs(session: AsyncSession, *, period: str | None = None) -> list[PayoutRun]:
    query = select(PayoutRun).order_by(PayoutRun.created_at, PayoutRun.id)
    if period is not None:
        query = query.where(PayoutRun.period == period)
    return list((await session.scalars(query)).all())


async def lock_period_runs(session: AsyncSession, *, period: str) -> None:
    """One writer at a time creates or recalculates a period's draft run."""
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtext(f"incentives:runs:{period}")))
    )


async def draft_run(session: AsyncSession, *, period: str) -> PayoutRun | None:
    return await session.scalar(
        select(PayoutRun).where(PayoutRun.period == period, PayoutRun.state == "draft")
    )


async def run_lines(
    session: AsyncSession, *, run_id: str, member_id: str | None = None
) -> list[PayoutLine]:
    query = select(PayoutLine).where(PayoutLine.run_id == run_id)
    if member_id is not None:
        query = query.where(PayoutLine.member_id == member_id)
    return list((await session.scalars(query.order_by(PayoutLine.id))).all())


async def delete_lines(
    session: AsyncSession, *, run_id: str, member_ids: set[str] | None = None
) -> None:
    statement = delete(PayoutLine).where(PayoutLine.run_id == run_id)
    if member_ids is not None:
        statement = statement.where(PayoutLine.member_id.in_(member_ids))
    await session.execute(statement)


async def insert_lines(session: AsyncSession, *, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(PayoutLine), rows)


async def member_runs(session: AsyncSession, *, member_id: str, period: str) -> list[PayoutRun]:
    """Runs with lines for the member: the period's own, and later ones that carry
    adjustments about it."""
    in_lines = select(PayoutLine.run_id).where(PayoutLine.member_id == member_id)
    rows = await session.scalars(
        select(PayoutRun)
        .where(PayoutRun.period == period, PayoutRun.id.in_(in_lines))
        .order_by(PayoutRun.created_at)
    )
    return list(rows.all())


async def paid_totals(
    session: AsyncSession, *, period: str, member_ids: set[str]
) -> dict[str, Decimal]:
    """What approved runs paid each member under their plan for ``period``: the plan's lines
    there, and the recalculation adjustments about the period owed since (paid in later
    runs, or to be)."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    own = await session.execute(
        select(PayoutLine.member_id, func.sum(PayoutLine.amount))
        .join(PayoutRun, PayoutRun.id == PayoutLine.run_id)
        .where(
            PayoutLine.member_id.in_(member_ids),
            PayoutRun.period == period,
            PayoutRun.state != "draft",
            PayoutLine.rule.in_(PLAN_RULES),
        )
        .group_by(PayoutLine.member_id)
    )
    adjusted = await session.execute(
        select(Adjustment.member_id, func.sum(Adjustment.amount))
        .where(
            Adjustment.member_id.in_(member_ids),
            Adjustment.period == period,
            Adjustment.source["kind"].as_string() == "recalculation",
        )
        .group_by(Adjustment.member_id)
    )
    for member_id, amount in [*own.all(), *adjusted.all()]:
        found[member_id] += Decimal(amount or 0)
    return dict(found)


async def approved_run_exists(session: AsyncSession, *, period: str) -> bool:
    found = await session.scalar(
        select(func.count())
        .select_from(PayoutRun)
        .where(PayoutRun.period == period, PayoutRun.state != "draft")
    )
    return bool(found)


# ----------------------------------------------------------------------------- adjustments


async def all_open_adjustments(
    session: AsyncSession, *, run_id: str, member_ids: set[str] | None = None
) -> dict[str, list[Adjustment]]:
    """Unsettled adjustments by member: unassigned, or assigned to this (draft) run."""
    query = select(Adjustment).where(Adjustment.run_id.is_(None) | (Adjustment.run_id == run_id))
    if member_ids is not None:
        query = query.where(Adjustment.member_id.in_(member_ids))
    found: dict[str, list[Adjustment]] = defaultdict(list)
    for row in await session.scalars(query.order_by(Adjustment.created_at, Adjustment.id)):
        found[row.member_id].append(row)
    return found


async def adjustments(session: AsyncSession, *, member_id: str | None = None) -> list[Adjustment]:
    query = select(Adjustment).order_by(Adjustment.created_at, Adjustment.id)
    if member_id is not None:
        query = query.where(Adjustment.member_id == member_id)
    return list((await session.scalars(query)).all())


# ----------------------------------------------------------------------------- projects


async def get_project(
    session: AsyncSession, *, project_id: str, lock: bool = False
) -> Project | None:
    return await session.get(Project, project_id, with_for_update=lock or None)


async def projects(session: AsyncSession) -> list[Project]:
    return list((await session.scalars(select(Project).order_by(Project.created_at))).all())


async def payable_projects(session: AsyncSession, *, run_id: str) -> list[Project]:
    """Approved projects not yet taken by another run: this draft run pays them."""
    rows = await session.scalars(
        select(Project)
        .where(
            Project.state == "approved",
            Project.paid_run_id.is_(None) | (Project.paid_run_id == run_id),
        )
        .order_by(Project.approved_at, Project.id)
    )
    return list(rows.all())


# ----------------------------------------------------------------------------- stars


async def get_stars(session: AsyncSession, *, month: str) -> StarAward | None:
    return await session.get(StarAward, month)


async def star_awards(session: AsyncSession) -> list[StarAward]:
    return list((await session.scalars(select(StarAward).order_by(StarAward.month))).all())


# ----------------------------------------------------------------------------- recalculations


async def queue_recalculations(session: AsyncSession, *, rows: list[dict[str, Any]]) -> None:
    """Queue members for a look at their pay; a member already queued for the period gathers
    the new reasons."""
    if not rows:
        return
    statement = insert(Recalculation)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Recalculation.member_id, Recalculation.period],
            set_={
                "reasons": Recalculation.reasons + statement.excluded.reasons,
                "sources": Recalculation.sources + statement.excluded.sources,
                "review_closed": Recalculation.review_closed | statement.excluded.review_closed,
            },
        ),
        rows,
    )


async def claim_recalculations(session: AsyncSession, *, limit: int) -> list[Recalculation]:
    """The oldest queued entries, locked for this transaction (other workers skip them)."""
    rows = await session.scalars(
        select(Recalculation)
        .order_by(Recalculation.queued_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(rows.all())


async def pending_recalculations(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Recalculation)) or 0)
