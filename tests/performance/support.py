"""What the concurrency and verification tests of performance share: a fresh performance
schema with its inbox processor (no relay: the outbox keeps every event), the events goals
and collab send, and transactions run the way a request or a consumer runs them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from performance import consumers, models, repository
from performance.main import definition
from performance.models import IndicatorInput, LiveScore, ScorecardTemplate
from performance.schemas import TemplateCreate
from performance.service import scoring
from shared.auth import Principal, Role
from shared.db import Database
from shared.events import Envelope
from shared.inbox import InboxProcessor
from shared.migrations import upgrade_async
from tests.conftest import create_database

T = TypeVar("T")
HR = Principal(member_id="hr-concurrency", roles=frozenset({Role.hr}))
T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
TODAY = date(2026, 3, 31)  # the organisation's today in flows run without a request
MIN_PEER_ANSWERS = 3  # the setting's default, for cycles made without a request
# A curve with kinks and a slope that does not divide evenly: a score computed from an
# input rounded differently would show in the fourth decimal.
CURVE = {
    "points": [
        {"attainment": "0", "score": "0"},
        {"attainment": "0.7", "score": "45"},
        {"attainment": "1.3", "score": "133"},
    ],
    "floor": "0.1",
    "cap": "125",
}
KPIS = ("revenue", "leads", "retention")


@dataclass
class Performance:
    """A performance schema of its own and the processor that applies events to it."""

    db: Database
    processor: InboxProcessor

    async def run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """``work`` in a transaction of its own, committed when it returns."""
        async with self.db.transaction() as session:
            return await work(session)

    async def handle(self, raw: bytes) -> None:
        """Apply one message as a consumer does: retried when it meets a concurrent one."""
        await self.processor.handle(raw)


async def fresh_performance(database_url: str) -> Performance:
    url = await create_database(database_url, f"perf_{uuid.uuid4().hex[:8]}")
    await upgrade_async(definition.migrations_dir, url, "performance")
    # Enough connections for every task of a test to hold one at the same time.
    db = Database(url, schema="performance", pool_size=50)
    processor = InboxProcessor(db, models.inbox, consumers.subscription, backoff_s=0.01)
    return Performance(db, processor)


def message(event_type: str, data: dict[str, Any], at: datetime = T0) -> bytes:
    return (
        Envelope(
            source=event_type.split(".")[0],
            type=event_type,
            subject=str(data.get("member_id") or data.get("ticket_id") or "x"),
            correlationid="concurrency",
            time=at,
            data=data,
        )
        .model_dump_json()
        .encode()
    )


def member_changed(
    member_id: str,
    unit_id: str,
    *,
    layer: str = "execution",
    version: int = 1,
    manager_id: str | None = None,
) -> bytes:
    return message(
        "goals.member.changed",
        {
            "member_id": member_id,
            "name": f"{member_id} v{version}",
            "home_unit_id": unit_id,
            "unit_path": [unit_id],
            "layer": layer,
            "tier": "backbone",
            "manager_id": manager_id,
            "hired_on": "2025-01-01",
            "left_on": None,
            "leave_reason": None,
            "version": version,
        },
    )


def org_unit_changed(unit_id: str, *, version: int) -> bytes:
    return message(
        "goals.org-unit.changed",
        {"unit_id": unit_id, "name": f"unit v{version}", "kind": "team", "version": version},
    )


def kpi_updated(
    member_id: str, month: str, kpi: str, attainment: str | None, *, at: datetime = T0
) -> bytes:
    return message(
        "goals.kpi.updated",
        {
            "owner_type": "member",
            "owner_id": member_id,
            "member_id": member_id,
            "kpi_id": f"id-{kpi}",
            "kpi": kpi,
            "direction": "higher_is_better",
            "period": month,
            "attainment": attainment,
        },
        at=at,
    )


def ticket_resolved(ticket_id: str, member_id: str, month: str, *, within: bool) -> bytes:
    resolved = datetime.fromisoformat(f"{month}-10T10:00:00+08:00")
    return message(
        "collab.ticket.resolved",
        {
            "ticket_id": ticket_id,
            "assignee_id": member_id,
            "resolved_at": resolved.isoformat(),
            "first_response_within_sla": within,
        },
        at=resolved,
    )


def ticket_breached(ticket_id: str, member_id: str, month: str) -> bytes:
    breached = datetime.fromisoformat(f"{month}-09T10:00:00+08:00")
    return message(
        "collab.ticket.sla-breached",
        {"ticket_id": ticket_id, "assignee_id": member_id, "breached_at": breached.isoformat()},
        at=breached + timedelta(minutes=1),
    )


def template_body(key: str, *, unit_id: str, layers: list[str] | None = None) -> TemplateCreate:
    """Three KPIs and the collaboration share, for one unit (and layers, if given), in
    effect from January 2026 (the tests' months)."""
    weights = ("0.3", "0.25", "0.2", "0.25") if layers else ("0.4", "0.2", "0.15", "0.25")
    sources = [f"kpi:{code}" for code in KPIS] + ["collab:sla"]
    return TemplateCreate.model_validate(
        {
            "key": key,
            "name": f"Template {key}",
            "population": {"unit_ids": [unit_id], "layers": layers or []},
            "effective_from": "2026-01",
            "indicators": [
                {
                    "code": source.split(":")[1],
                    "name": source,
                    "category": "result",
                    "source": source,
                    "weight": weight,
                    "curve": CURVE,
                }
                for source, weight in zip(sources, weights, strict=True)
            ],
        }
    )


async def create_template(performance: Performance, body: TemplateCreate) -> ScorecardTemplate:
    async def create(session: AsyncSession) -> ScorecardTemplate:
        return await scoring.create_template(session, principal=HR, body=body, today=date.today())

    return await performance.run(create)


@dataclass
class Stored:
    """What performance keeps for one member and month."""

    score: LiveScore | None
    inputs: dict[str, IndicatorInput]
    template: ScorecardTemplate | None
    last_published: dict[str, Any] | None


async def stored(performance: Performance, member_id: str, month: str) -> Stored:
    async def read(session: AsyncSession) -> Stored:
        score = await repository.get_score(session, member_id=member_id, month=month)
        inputs = await repository.inputs_of(session, member_id=member_id, month=month)
        template = (
            None if score is None else await session.get(ScorecardTemplate, score.template_id)
        )
        published = await session.scalar(
            text(
                "SELECT envelope->'data' FROM performance.outbox "
                "WHERE event_type = 'performance.score.computed' "
                "AND envelope->'data'->>'member_id' = :member "
                "AND envelope->'data'->>'month' = :month "
                "ORDER BY id DESC LIMIT 1"
            ),
            {"member": member_id, "month": month},
        )
        return Stored(score, inputs, template, published)

    return await performance.run(read)


def decimal(value: Any) -> Decimal:
    return Decimal(str(value))
