"""Collab's part of the invariant checker on the real database: tickets through every kind of
change (comments, pauses, a new priority, breaches, a reopening, the conflict path, calendars
set before and after), retros, articles and action items leave no drift; one stored derived
value corrupted by SQL is exactly one drift, naming its key, with the stored and the
expected value."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from collab import verify
from collab.service.sla import fire_due_deadlines
from shared.verify import Drift
from tests.collab.conftest import Collab, at_instant, know_members, running_collab
from tests.helpers import auth, post_ok

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2027, 3, 8)
HR = auth("hr-v", ["hr"])


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour`` local time, ``day`` days after the Monday."""
    return datetime.combine(MONDAY + timedelta(days=day), time(hour, minute), SHANGHAI)


@dataclass
class Tickets:
    """The ids of the tickets the state was built with."""

    settled: str
    breached: str
    running: str
    paused: str


@dataclass(frozen=True)
class Side:
    collab: Collab
    headers: dict[str, str]

    async def post(self, path: str, body: dict[str, Any], at: datetime, status: int = 200) -> Any:
        return await post_ok(
            self.collab.client,
            f"/collab/{path}",
            body,
            headers={**self.headers, **at_instant(at)},
            status=status,
        )


@pytest.fixture(scope="module")
async def collab(database_url: str) -> AsyncIterator[Collab]:
    async with running_collab(database_url, scheduler=False) as service:
        yield service


async def _open(requester: Side, owner_unit: str, at: datetime, **fields: Any) -> str:
    ticket = await requester.post(
        "tickets",
        {
            "title": "Launch facts",
            "description": "新品卖点",
            "category": "product_info",
            "requester_unit_id": "mkt-v",
            "owner_unit_id": owner_unit,
            **fields,
        },
        at,
        status=201,
    )
    ticket_id: str = ticket["id"]
    return ticket_id


@pytest.fixture(scope="module")
async def built(collab: Collab) -> Tickets:
    requester = Side(collab, auth("req-v", ["member"], ["mkt-v"]))
    owner = Side(collab, auth("own-v", ["member"], ["prd-v", "ops-v", "sup-v"]))
    manager = Side(collab, auth("boss-v", ["manager"], ["prd-v", "ops-v"]))
    await collab.client.put(
        "/collab/calendars/prd-v", json={"holidays": ["2027-03-10"]}, headers=manager.headers
    )

    settled = await _open(requester, "prd-v", local(0, 10))
    path = f"tickets/{settled}"
    await owner.post(f"{path}/comments", {"body": "Which markets?"}, local(0, 11), status=201)
    await owner.post(f"{path}/transition", {"to": "waiting_on_requester"}, local(0, 12))
    await requester.post(f"{path}/transition", {"to": "in_progress"}, local(1, 15))
    etag = (await collab.client.get(f"/collab/{path}", headers=owner.headers)).headers["etag"]
    changed = await collab.client.patch(
        f"/collab/{path}",
        json={"priority": "high"},
        headers={**owner.headers, "If-Match": etag, **at_instant(local(1, 16))},
    )
    assert changed.status_code == 200, changed.text
    conflict = [
        ("root-cause", {"root_cause": "goals_disagree", "note": "Dates clash"}),
        ("negotiations", {"note": "Friday?"}),
        ("escalation", {"mediator_id": "dir-v", "mode": "mediate", "note": "Stuck"}),
    ]
    for kind, body in conflict:
        await requester.post(f"{path}/{kind}", body, local(1, 17), status=201)
    await Side(collab, auth("dir-v", ["member"])).post(
        f"{path}/decision", {"decision": "Specs by Thursday"}, local(1, 17, 30), status=201
    )
    await owner.post(f"{path}/transition", {"to": "resolved"}, local(3, 10))
    await requester.post(f"{path}/reopen", {"reason": "Prices missing"}, local(3, 11))
    await owner.post(f"{path}/transition", {"to": "resolved"}, local(4, 9, 30))
    await requester.post(f"{path}/transition", {"to": "closed"}, local(4, 10))

    long_ago = datetime.now(UTC) - timedelta(days=30)
    breached = await _open(requester, "sup-v", long_ago, priority="urgent")
    await fire_due_deadlines(collab.db, collab.app.state.settings)
    await owner.post(f"tickets/{breached}/comments", {"body": "Late"}, datetime.now(UTC), 201)

    running = await _open(requester, "prd-v", local(0, 9))
    paused = await _open(requester, "ops-v", local(0, 9))
    await owner.post(f"tickets/{paused}/transition", {"to": "waiting_on_requester"}, local(0, 14))
    # A calendar set after these tickets opened: their clocks were counted on the old one.
    await collab.client.put(
        "/collab/calendars/ops-v", json={"holidays": ["2027-03-09"]}, headers=manager.headers
    )

    await know_members(collab, "f", "pm-v")
    retro = await post_ok(
        collab.client,
        "/collab/retrospectives",
        {"project": "Spring", "unit_id": "mkt-v", "ended_on": "2027-03-01", "facilitator_id": "f"},
        headers=auth("mgr-v", ["manager"], ["mkt-v"]),
    )
    filed = await post_ok(
        collab.client,
        f"/collab/retrospectives/{retro['id']}/file",
        {
            "what_worked": "每日站会",
            "what_failed": "Specs late",
            "category": "launch",
            "process_changes": [
                {"title": "Specs early", "owner_id": "pm-v", "due_on": "2027-04-01"}
            ],
        },
        headers=auth("f", ["member"]),
        status=200,
    )
    action = f"/collab/action-items/{filed['action_items'][0]['id']}"
    action_etag = (await collab.client.get(action, headers=HR)).headers["etag"]
    done = await collab.client.patch(
        action, json={"status": "done"}, headers={**HR, "If-Match": action_etag}
    )
    assert done.status_code == 200
    return Tickets(settled=settled, breached=breached, running=running, paused=paused)


async def _drift_with(collab: Collab, corruption: str, params: dict[str, Any]) -> list[Drift]:
    """The drift with ``corruption`` applied, in a transaction that is rolled back."""
    async with collab.db.sessions() as session:
        await session.execute(text(corruption), params)
        try:
            return await verify.drift(session)
        finally:
            await session.rollback()


async def _scalar(collab: Collab, query: str, params: dict[str, Any]) -> Any:
    async with collab.db.sessions() as session:
        return await session.scalar(text(query), params)


async def test_a_clean_state_has_no_drift(collab: Collab, built: Tickets) -> None:
    async with collab.db.sessions() as session:
        assert await verify.drift(session) == []
    breaches = await collab.events("collab.ticket.sla-breached", built.breached)
    assert sorted(b["clock"] for b in breaches) == ["resolution", "response"]


async def test_a_corrupted_clock_is_one_drift(collab: Collab, built: Tickets) -> None:
    used = await _scalar(
        collab,
        "SELECT business_seconds_used FROM collab.tickets WHERE id = :t",
        {"t": built.settled},
    )
    found = await _drift_with(
        collab,
        "UPDATE collab.tickets SET business_seconds_used = business_seconds_used + 60 "
        "WHERE id = :t",
        {"t": built.settled},
    )
    assert found == [
        Drift(
            "collab",
            "sla-clock",
            f"{built.settled} business_seconds_used",
            str(used + 60),
            str(used),
        )
    ]


async def test_a_moved_due_time_is_one_drift(collab: Collab, built: Tickets) -> None:
    due: datetime = await _scalar(
        collab, "SELECT resolution_due_at FROM collab.tickets WHERE id = :t", {"t": built.running}
    )
    found = await _drift_with(
        collab,
        "UPDATE collab.tickets SET resolution_due_at = resolution_due_at + interval '1 hour' "
        "WHERE id = :t",
        {"t": built.running},
    )
    [drift] = found
    assert (drift.kind, drift.key) == ("sla-due", f"{built.running} resolution_due_at")
    assert (drift.stored, drift.expected) == (
        (due + timedelta(hours=1)).isoformat(),
        due.isoformat(),
    )


async def test_a_lost_breach_flag_is_one_drift(collab: Collab, built: Tickets) -> None:
    found = await _drift_with(
        collab,
        "UPDATE collab.tickets SET response_breached = false WHERE id = :t",
        {"t": built.breached},
    )
    assert [(d.kind, d.key, d.stored, d.expected) for d in found] == [
        ("sla-breach-flag", f"{built.breached} response_breached", "False", "True")
    ]


async def test_a_lost_version_is_one_drift(collab: Collab, built: Tickets) -> None:
    found = await _drift_with(
        collab, "UPDATE collab.tickets SET version = version - 1 WHERE id = :t", {"t": built.paused}
    )
    assert [(d.kind, d.key, d.stored, d.expected) for d in found] == [
        ("ticket-version", f"{built.paused} version", "1", "2")
    ]


async def test_stale_search_columns_are_one_drift_each(collab: Collab, built: Tickets) -> None:
    article = await _scalar(collab, "SELECT id FROM collab.knowledge_articles LIMIT 1", {})
    found = await _drift_with(
        collab,
        "UPDATE collab.knowledge_articles SET search_title = 'stale' WHERE id = :a",
        {"a": article},
    )
    assert [(d.kind, d.key, d.stored) for d in found] == [
        ("article-search-title", article, "stale")
    ]
    found = await _drift_with(
        collab,
        "UPDATE collab.knowledge_articles SET search_tokens = 'stale:1' WHERE id = :a",
        {"a": article},
    )
    assert [(d.kind, d.key, d.stored) for d in found] == [
        ("article-search-tokens", article, "'stale':1")
    ]


async def test_copies_name_the_owners_paths(collab: Collab, built: Tickets) -> None:
    async with collab.db.sessions() as session:
        await session.execute(
            text(
                "INSERT INTO collab.org_units (id, name, kind, parent_id, source_version) "
                "VALUES (:id, '市场部', 'department', NULL, 3)"
            ),
            {"id": f"u-{uuid.uuid4().hex[:6]}"},
        )
        try:
            found = await verify.copies(session)
        finally:
            await session.rollback()
    [unit] = [c for c in found if c.kind == "org-unit"]
    assert unit.path == f"/goals/org-units/{unit.key}"
    assert unit.values == {
        "name": "市场部",
        "kind": "department",
        "parent_id": None,
        "version": "3",
    }
