"""The deadline scheduler on the real database: several schedulers at once (replicas) fire
each warning and breach exactly once; a response that comes after its breach fell due, but
before a scheduler got to it, publishes that breach itself, once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from collab.service.sla import fire_due_deadlines
from collab.settings import Settings
from shared.db import Database
from tests.collab.conftest import Collab
from tests.helpers import auth, post_ok


async def _overdue_ticket(collab: Collab, **fields: Any) -> tuple[dict[str, Any], str, str]:
    suffix = uuid.uuid4().hex[:6]
    marketing, product = f"mkt-{suffix}", f"prd-{suffix}"
    collab.at(datetime.now(UTC) - timedelta(days=30))  # both clocks long overdue
    ticket: dict[str, Any] = await post_ok(
        collab.client,
        "/collab/tickets",
        {
            "title": "Funnel numbers",
            "description": "转化漏斗数据",
            "category": "data",
            "requester_unit_id": marketing,
            "owner_unit_id": product,
            **fields,
        },
        headers=auth("req-s", ["member"], [marketing]),
    )
    return ticket, marketing, product


async def test_replicas_fire_each_deadline_once(collab: Collab) -> None:
    ticket, marketing, _product = await _overdue_ticket(collab, assignee_id="pm-s")
    settings: Settings = collab.app.state.settings
    replicas = [Database(settings.database_url, schema="collab") for _ in range(3)]
    try:
        await asyncio.gather(*(fire_due_deadlines(db, settings) for db in replicas))
        await asyncio.gather(*(fire_due_deadlines(db, settings) for db in replicas))
    finally:
        for db in replicas:
            await db.dispose()
    breaches = await collab.events("collab.ticket.sla-breached", ticket["id"])
    warnings = await collab.events("collab.ticket.sla-at-risk", ticket["id"])
    assert sorted(b["clock"] for b in breaches) == ["resolution", "response"]
    assert sorted(w["clock"] for w in warnings) == ["resolution", "response"]
    by_clock = {b["clock"]: b for b in breaches}
    assert by_clock["response"]["breached_at"] == _iso(ticket["sla"]["response_due_at"])
    assert by_clock["resolution"]["breached_at"] == _iso(ticket["sla"]["resolution_due_at"])
    assert all(b["assignee_id"] == "pm-s" for b in breaches)
    seen = await collab.client.get(
        f"/collab/tickets/{ticket['id']}", headers=auth("req-s", ["member"], [marketing])
    )
    sla = seen.json()["sla"]
    assert (sla["response_breached"], sla["resolution_breached"]) == (True, True)
    async with collab.db.sessions() as session:
        unfired = await session.scalar(
            text(
                "SELECT count(*) FROM collab.sla_deadlines WHERE ticket_id = :t "
                "AND fired_at IS NULL"
            ),
            {"t": ticket["id"]},
        )
    assert unfired == 0


async def test_a_late_response_publishes_its_breach_once(collab: Collab) -> None:
    ticket, marketing, product = await _overdue_ticket(collab, assignee_id="pm-late")
    owner = auth("pm-late", ["member"], [product])
    path = f"/collab/tickets/{ticket['id']}"
    collab.at(datetime.now(UTC))
    await post_ok(collab.client, f"{path}/comments", {"body": "Sorry, on it"}, headers=owner)
    resolved = await post_ok(
        collab.client, f"{path}/transition", {"to": "resolved"}, headers=owner, status=200
    )
    assert resolved["sla"]["response_breached"] is True
    breaches = await collab.events("collab.ticket.sla-breached", ticket["id"])
    assert sorted(b["clock"] for b in breaches) == ["resolution", "response"]
    [event] = await collab.events("collab.ticket.resolved", ticket["id"])
    assert event["first_response_within_sla"] is False
    assert event["resolved_within_sla"] is False
    assert Decimal(event["response_business_hours"]) > Decimal(event["response_target_hours"])
    # Reopening does not fire the breaches again: they are history.
    requester = auth("req-s", ["member"], [marketing])
    await post_ok(
        collab.client, f"{path}/reopen", {"reason": "Incomplete"}, headers=requester, status=200
    )
    settings: Settings = collab.app.state.settings
    await fire_due_deadlines(collab.db, settings)
    assert len(await collab.events("collab.ticket.sla-breached", ticket["id"])) == 2


def _iso(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(UTC).isoformat().replace("+00:00", "Z")
