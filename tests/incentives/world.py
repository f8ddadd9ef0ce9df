"""A small incentives world on a database of its own, driven the way production drives it:
goals' and performance's events through the inbox (``InboxProcessor.apply``), finance's
actions through the service functions, and the recalculation job as any replica runs it.
No HTTP, no broker, no mocks: the real Postgres, with real concurrent transactions."""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text

from incentives.consumers import subscription
from incentives.main import definition
from incentives.models import Adjustment, PayoutLine, PayoutRun, Projection, inbox
from incentives.schemas import PlanCreate
from incentives.service import plans, recalc
from incentives.service.calculator import Ladder, money
from incentives.settings import Settings, default_ladder_spec
from shared.auth import Principal, Role
from shared.db import Database
from shared.events import Envelope
from shared.inbox import InboxProcessor, Outcome
from shared.migrations import upgrade_async
from tests.conftest import create_database

D = Decimal
FINANCE = Principal(member_id="fin-1", roles=frozenset({Role.finance}))
FINANCE_2 = Principal(member_id="fin-2", roles=frozenset({Role.finance}))
# Every plan of the world pays this (CNY): base, performance pay at rating x1, target bonus.
BASE, PERFORMANCE, BONUS = D("30000.00"), D("9000.00"), D("20000.00")
LADDER = Ladder.from_spec(default_ladder_spec())
MULTIPLIERS = {"S": D("1.50"), "A": D("1.20"), "B": D("1.00"), "C": D("0.60"), "D": D(0)}
START = datetime(2026, 4, 1, tzinfo=UTC)


def cny(amount: Decimal | str) -> dict[str, str]:
    """``amount`` as a Money body in CNY."""
    return {"amount": str(amount), "currency": "CNY"}


def kpi_bonus(attainment: Decimal | None) -> Decimal:
    """The plan's bonus line at ``attainment``: 20,000 x the default ladder's share."""
    return money(BONUS * LADDER.share(attainment)[0])


def plan_total(attainment: Decimal | None, rating: str | None, *, projected: bool) -> Decimal:
    """A whole-period member's plan lines: base + performance pay + the revenue bonus. A
    projection counts a missing review at target (x1); a payout line pays nothing for it."""
    multiplier = MULTIPLIERS[rating] if rating else D(1) if projected else D(0)
    return BASE + money(PERFORMANCE * multiplier) + kpi_bonus(attainment)


@dataclass
class World:
    db: Database
    inbox: InboxProcessor
    url: str
    clock: itertools.count[int] = field(default_factory=itertools.count)

    def settings(self, batch: int = 2000) -> Settings:
        return Settings(database_url=self.url, recalc_batch=batch)

    def _envelope(self, source: str, type_: str, subject: str, data: dict[str, Any]) -> Envelope:
        # Each event a second later than the one before: "newest" is the last one made.
        return Envelope(
            source=source,
            type=type_,
            subject=subject,
            correlationid="world",
            time=START + timedelta(seconds=next(self.clock)),
            data=data,
        )

    def member_event(
        self, member_id: str, *, version: int = 1, layer: str = "execution"
    ) -> Envelope:
        return self._envelope(
            "goals",
            "goals.member.changed",
            member_id,
            {
                "member_id": member_id,
                "name": f"成员 {member_id}",
                "home_unit_id": "team-1",
                "unit_path": ["co", "team-1"],
                "layer": layer,
                "tier": "backbone",
                "manager_id": None,
                "hired_on": "2025-01-01",
                "left_on": None,
                "version": version,
            },
        )

    def figure_event(
        self,
        member_id: str,
        period: str,
        attainment: str,
        *,
        kpi: str = "revenue",
        version: int | None = None,
    ) -> Envelope:
        target = D(100000)
        return self._envelope(
            "goals",
            "goals.kpi.updated",
            member_id,
            {
                "owner_type": "member",
                "owner_id": member_id,
                "kpi": kpi,
                "period": period,
                "actual": str(target * D(attainment)),
                "target": str(target),
                "attainment": attainment,
                **({} if version is None else {"version": version}),
            },
        )

    def review_event(
        self, member_id: str, period: str, rating: str = "B", *, revision: int = 1
    ) -> Envelope:
        return self._envelope(
            "performance",
            "performance.review.closed",
            member_id,
            {
                "review_id": f"review-{member_id}-{period}",
                "cycle_id": f"cycle-{period}",
                "cycle_kind": "quarterly",
                "period": period,
                "member_id": member_id,
                "final_score": "80.00",
                "rating": rating,
                "revision": revision,
                "correction": False,
                "explanation": [],
            },
        )

    def score_event(self, member_id: str, month: str, score: str, *, revision: int) -> Envelope:
        return self._envelope(
            "performance",
            "performance.score.computed",
            member_id,
            {
                "member_id": member_id,
                "month": month,
                "score": score,
                "revision": revision,
                "template_key": "sales",
                "template_version": 1,
                "indicators": [],
            },
        )

    def kpi_definition_event(self, code: str, *, version: int = 1) -> Envelope:
        """Goals' definition of a KPI: incentives' plans pay only on defined KPIs."""
        return self._envelope(
            "goals",
            "goals.kpi-definition.changed",
            code,
            {
                "code": code,
                "name": code,
                "unit": "CNY",
                "direction": "higher_is_better",
                "aggregation": "sum",
                "category": "quantitative",
                "formula": None,
                "non_negative": True,
                "active": True,
                "version": version,
            },
        )

    async def apply(self, *envelopes: Envelope) -> None:
        """Each event in its own transaction, one after the other."""
        for envelope in envelopes:
            assert await self.inbox.apply(envelope) == Outcome.applied

    async def members(self, count: int, *, layer: str = "execution") -> list[str]:
        ids = [f"m{i:02d}" for i in range(count)]
        await self.apply(*(self.member_event(m, layer=layer) for m in ids))
        return ids

    async def plan(self, period: str, *, layer: str = "execution", commission: bool = False) -> str:
        """A plan as finance creates it (``POST /plans``): every member is queued."""
        body = PlanCreate.model_validate(
            {
                "name": f"Reps {period} {layer}",
                "period": period,
                "currency": "CNY",
                "population": {"layer": layer},
                "base_pay": cny(BASE),
                "performance_pay": cny(PERFORMANCE),
                "target_bonus": cny(BONUS),
                "bonus_kpis": [{"kpi": "revenue", "weight": "1"}],
                "commission": (
                    {
                        "tiers": [
                            {"from": cny(D(0)), "rate": "0.02"},
                            {"from": cny(D(100000)), "rate": "0.03"},
                        ]
                    }
                    if commission
                    else None
                ),
            }
        )
        async with self.db.transaction() as session:
            plan = await plans.create_plan(session, FINANCE, self.settings(), body)
            ids = (await session.scalars(text("SELECT id FROM incentives.members"))).all()
            await recalc.queue(
                session, [recalc.Queued(m, plan.period, "plan created", {}) for m in ids]
            )
            return plan.id

    async def drain(self) -> None:
        """What the job leaves once nothing is queued any more."""
        await recalc.recalculate(self.db, self.settings())

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.db.sessions() as session:
            return await session.scalar(text(sql), params)

    async def execute(self, sql: str, **params: Any) -> None:
        """A statement in its own committed transaction (to corrupt what is stored, say)."""
        async with self.db.transaction() as session:
            await session.execute(text(sql), params)

    async def queued(self) -> int:
        return int(await self.scalar("SELECT count(*) FROM incentives.recalculations"))

    async def run(self, period: str) -> PayoutRun:
        async with self.db.sessions() as session:
            found = await session.scalar(select(PayoutRun).where(PayoutRun.period == period))
            assert found is not None, f"no run for {period}"
            return found

    async def lines(self, run_id: str) -> dict[str, list[PayoutLine]]:
        """A run's lines by member, in the order they were written."""
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(PayoutLine).where(PayoutLine.run_id == run_id).order_by(PayoutLine.id)
            )
            found: dict[str, list[PayoutLine]] = defaultdict(list)
            for line in rows:
                found[line.member_id].append(line)
            return found

    async def projections(self) -> dict[tuple[str, str], Projection]:
        """Every stored projection by (member, period)."""
        async with self.db.sessions() as session:
            found: dict[tuple[str, str], Projection] = {}
            for row in await session.scalars(select(Projection)):
                assert (row.member_id, row.period) not in found, "two projections of a period"
                found[(row.member_id, row.period)] = row
            return found

    async def adjustments(self) -> list[Adjustment]:
        async with self.db.sessions() as session:
            return list(
                (await session.scalars(select(Adjustment).order_by(Adjustment.created_at))).all()
            )

    async def published_totals(self, run_id: str) -> dict[str, Decimal]:
        """What ``PayoutApproved`` said each member of ``run_id`` is paid."""
        async with self.db.sessions() as session:
            envelopes = (
                await session.scalars(
                    text(
                        "SELECT envelope FROM incentives.outbox "
                        "WHERE event_type = 'incentives.payout.approved'"
                    )
                )
            ).all()
        for envelope in envelopes:
            if envelope["data"]["run_id"] == run_id:
                return {
                    m["member_id"]: D(m["total"]["amount"])
                    for m in envelope["data"]["member_totals"]
                }
        raise AssertionError(f"no PayoutApproved for {run_id}")


def rules(lines: list[PayoutLine]) -> list[str]:
    return sorted(line.rule for line in lines)


def amounts(lines: list[PayoutLine]) -> dict[str, tuple[Decimal, str]]:
    """Each rule's amount and currency; a rule twice fails (nothing may be doubled)."""
    found: dict[str, tuple[Decimal, str]] = {}
    for line in lines:
        assert line.rule not in found, f"{line.rule} twice for {line.member_id}"
        found[line.rule] = (line.amount, line.currency)
    return found


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    url = await create_database(database_url, f"pay_{uuid.uuid4().hex[:8]}")
    await upgrade_async(definition.migrations_dir, url, "incentives")
    db = Database(url, schema="incentives", pool_size=12)
    try:
        world = World(db, InboxProcessor(db, inbox, subscription), url)
        # The KPIs plans pay on, as goals defines them (KPIDefinitionChanged).
        await world.apply(*(world.kpi_definition_event(code) for code in ("revenue", "leads")))
        yield world
    finally:
        await db.dispose()
