"""Tickets under concurrent writers on the real database: status changes and comments on one
ticket at once, edits under one ETag, a first response racing the deadline scheduler (either
one holding the ticket first), and scheduler replicas racing each other. Each ends in one
history: the stored clock equals a replay of the recorded status steps (``collab.verify``),
every accepted change is recorded, and each clock's warning and breach is published at most
once, never for a clock that had stopped.

The service's own scheduler is off here: the tests run its passes, as many at once as they
like. Requests carry their own instants (``X-Test-Now``)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from collab import verify
from collab.models import SlaDeadline, Ticket
from collab.schemas import CommentCreate
from collab.service import sla, tickets
from collab.service.sla import fire_due_deadlines
from collab.settings import Settings
from shared.auth import Principal, Role
from shared.db import Database
from shared.verify import Drift
from tests.collab.conftest import Collab, at_instant, running_collab
from tests.helpers import auth, post_ok

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2027, 3, 8)
BREACHED, AT_RISK = "collab.ticket.sla-breached", "collab.ticket.sla-at-risk"


@pytest.fixture(scope="module")
async def collab(database_url: str) -> AsyncIterator[Collab]:
    async with running_collab(database_url, scheduler=False) as service:
        yield service


def local(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY, time(hour, minute), SHANGHAI)


@dataclass(frozen=True)
class Parties:
    requester_unit: str
    owner_unit: str

    @property
    def requester(self) -> dict[str, str]:
        return auth("req-c", ["member"], [self.requester_unit])

    @property
    def owner(self) -> dict[str, str]:
        return auth("own-c", ["member"], [self.owner_unit])

    @property
    def owner_principal(self) -> Principal:
        return Principal(
            member_id="own-c", org_units=(self.owner_unit,), roles=frozenset({Role.member})
        )


def _parties() -> Parties:
    suffix = uuid.uuid4().hex[:6]
    return Parties(f"mkt-{suffix}", f"prd-{suffix}")


async def _open(
    collab: Collab, parties: Parties, opened: datetime, **fields: Any
) -> dict[str, Any]:
    ticket: dict[str, Any] = await post_ok(
        collab.client,
        "/collab/tickets",
        {
            "title": "Channel prices",
            "description": "渠道价格",
            "category": "pricing",
            "requester_unit_id": parties.requester_unit,
            "owner_unit_id": parties.owner_unit,
            **fields,
        },
        headers={**parties.requester, **at_instant(opened)},
    )
    return ticket


async def _drift_of(collab: Collab, ticket_ids: list[str]) -> list[Drift]:
    async with collab.db.sessions() as session:
        found = await verify.drift(session)
    return [d for d in found if d.key.split(" ")[0] in ticket_ids]


async def _steps(collab: Collab, ticket_id: str, parties: Parties) -> list[dict[str, Any]]:
    response = await collab.client.get(
        f"/collab/tickets/{ticket_id}/steps", headers=parties.requester
    )
    found: list[dict[str, Any]] = response.json()["items"]
    return found


async def test_status_changes_and_comments_at_once_keep_one_history(collab: Collab) -> None:
    parties = _parties()
    ticket = await _open(collab, parties, local(9))
    path = f"/collab/tickets/{ticket['id']}"

    async def move(instant: datetime, to: str) -> int:
        response = await collab.client.post(
            f"{path}/transition", json={"to": to}, headers={**parties.owner, **at_instant(instant)}
        )
        return response.status_code

    async def comment(instant: datetime, headers: dict[str, str]) -> int:
        response = await collab.client.post(
            f"{path}/comments", json={"body": "进展?"}, headers={**headers, **at_instant(instant)}
        )
        return response.status_code

    accepted = 0
    for hour in (10, 12, 14):
        work = [
            comment(local(hour), parties.owner),
            move(local(hour, 10), "in_progress"),
            move(local(hour, 20), "waiting_on_requester"),
            comment(local(hour, 30), parties.requester),
            move(local(hour, 40), "in_progress"),
            move(local(hour + 1), "waiting_on_requester"),
            comment(local(hour + 1, 10), parties.owner),
            move(local(hour + 1, 20), "in_progress"),
        ]
        # Latest first: whoever reaches the ticket first tends to carry the latest instant.
        answers = await asyncio.gather(*reversed(work))
        assert set(answers) <= {200, 201, 409}, answers
        accepted += answers.count(200)
    await post_ok(
        collab.client,
        f"{path}/transition",
        {"to": "resolved"},
        headers={**parties.owner, **at_instant(local(17))},
        status=200,
    )

    steps = await _steps(collab, ticket["id"], parties)
    moves = [s for s in steps if s["kind"] == "status"]
    assert len(moves) == accepted + 1  # every accepted move is recorded
    chain = ["open"] + [s["detail"]["to"] for s in moves]
    assert [s["detail"]["from"] for s in moves] == chain[:-1]  # each from where the last went
    current = (await collab.client.get(path, headers=parties.owner)).json()
    assert (current["status"], current["version"]) == ("resolved", 1 + accepted + 1)
    assert await _drift_of(collab, [ticket["id"]]) == []


async def test_edits_under_one_etag_at_once_one_wins(collab: Collab) -> None:
    parties = _parties()
    ticket = await _open(collab, parties, local(9))
    path = f"/collab/tickets/{ticket['id']}"
    etag = (await collab.client.get(path, headers=parties.owner)).headers["etag"]
    edits = [
        collab.client.patch(
            path,
            json={"priority": priority, "title": f"Channel prices ({priority})"},
            headers={**parties.owner, "If-Match": etag, **at_instant(local(10))},
        )
        for priority in ("urgent", "high", "low", "urgent", "high")
    ]
    answers = await asyncio.gather(*edits)
    assert sorted(a.status_code for a in answers) == [200, 412, 412, 412, 412]
    [winner] = [a.json() for a in answers if a.status_code == 200]
    current = (await collab.client.get(path, headers=parties.owner)).json()
    assert (current["version"], current["title"]) == (2, winner["title"])
    changed = [s for s in await _steps(collab, ticket["id"], parties) if s["kind"] == "changed"]
    assert len(changed) == 1
    assert await _drift_of(collab, [ticket["id"]]) == []


def _past_opening() -> datetime:
    """10:00 on a working day five to seven days ago: the 24-hour first response is overdue,
    while the 80 hours of a low-priority resolution are still days away."""
    day = datetime.now(SHANGHAI).date() - timedelta(days=5)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(10), SHANGHAI)


async def _breaches(collab: Collab, ticket_id: str, clock: str) -> list[dict[str, Any]]:
    return [e for e in await collab.events(BREACHED, ticket_id) if e["clock"] == clock]


async def _until_waiting_for_a_lock(collab: Collab) -> None:
    async with collab.db.sessions() as session:
        for _ in range(500):
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            )
            await session.rollback()
            if waiting:
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the request never waited for the ticket")


async def test_a_response_that_waited_for_the_scheduler_comes_after_its_breach(
    collab: Collab, monkeypatch: pytest.MonkeyPatch
) -> None:
    parties = _parties()
    ticket = await _open(collab, parties, _past_opening(), priority="low")
    due = datetime.fromisoformat(ticket["sla"]["response_due_at"])
    settings: Settings = collab.app.state.settings
    claimed, release = asyncio.Event(), asyncio.Event()
    scheduler_tasks: set[asyncio.Task[Any]] = set()
    fire = sla.fire

    async def fire_once_released(
        session: Any, *, ticket: Ticket, deadline: SlaDeadline, now: datetime
    ) -> None:
        if asyncio.current_task() in scheduler_tasks:  # the scheduler holds the ticket's row
            claimed.set()
            await release.wait()
        await fire(session, ticket=ticket, deadline=deadline, now=now)

    monkeypatch.setattr(sla, "fire", fire_once_released)
    scheduler = asyncio.create_task(fire_due_deadlines(collab.db, settings))
    scheduler_tasks.add(scheduler)
    await asyncio.wait_for(claimed.wait(), 10)
    # The owner answered a minute before the deadline, but reaches the ticket only now.
    answer = asyncio.create_task(
        collab.client.post(
            f"/collab/tickets/{ticket['id']}/comments",
            json={"body": "Sorry, on it"},
            headers={**parties.owner, **at_instant(due - timedelta(minutes=1))},
        )
    )
    await _until_waiting_for_a_lock(collab)
    release.set()
    await scheduler
    assert (await answer).status_code == 201

    [breach] = await _breaches(collab, ticket["id"], "response")
    seen = await collab.client.get(f"/collab/tickets/{ticket['id']}", headers=parties.owner)
    state = seen.json()["sla"]
    assert state["response_breached"] is True
    answered = datetime.fromisoformat(state["first_response_at"])
    assert answered >= datetime.fromisoformat(breach["breached_at"])  # not before the breach
    assert await _drift_of(collab, [ticket["id"]]) == []


async def _fired_deadlines(db: Database, ticket_id: str) -> list[str]:
    async with db.sessions() as session:
        fired = await session.scalars(
            text(
                "SELECT kind FROM collab.sla_deadlines WHERE ticket_id = :t "
                "AND fired_at IS NOT NULL ORDER BY kind"
            ),
            {"t": ticket_id},
        )
        return list(fired.all())


async def test_a_response_holding_the_ticket_stops_the_scheduler_from_breaching_it(
    collab: Collab,
) -> None:
    parties = _parties()
    ticket = await _open(collab, parties, _past_opening(), priority="low")
    due = datetime.fromisoformat(ticket["sla"]["response_due_at"])
    settings: Settings = collab.app.state.settings
    replica = Database(settings.database_url, schema="collab")
    try:
        async with collab.db.transaction() as session:
            await tickets.add_comment(
                session,
                principal=parties.owner_principal,
                settings=settings,
                ticket_id=ticket["id"],
                body=CommentCreate(body="Here are the prices"),
                now=due - timedelta(minutes=1),
            )
            # Another replica's pass while the response holds the ticket: it skips it.
            await fire_due_deadlines(replica, settings)
            assert await _fired_deadlines(replica, ticket["id"]) == []
        await fire_due_deadlines(replica, settings)
        # The warning fell due before the response, which published it; the breach did not.
        assert await _fired_deadlines(replica, ticket["id"]) == ["response_at_risk"]
    finally:
        await replica.dispose()
    assert await _breaches(collab, ticket["id"], "response") == []
    state = (
        await collab.client.get(f"/collab/tickets/{ticket['id']}", headers=parties.owner)
    ).json()["sla"]
    assert state["response_breached"] is False
    assert datetime.fromisoformat(state["first_response_at"]) == due - timedelta(minutes=1)
    assert await _drift_of(collab, [ticket["id"]]) == []


async def test_responses_racing_two_scheduler_replicas_have_one_outcome_each(
    collab: Collab,
) -> None:
    parties = _parties()
    # Warnings a few seconds before the breach, and openings a minute apart: each ticket's two
    # deadlines come up together, so the schedulers reach the tickets one by one, as the
    # responses do.
    await post_ok(
        collab.client,
        "/collab/sla-policies",
        {
            "name": "Late warnings",
            "rank": 1,
            "owner_unit_ids": [parties.owner_unit],
            "first_response_hours": "24",
            "resolution_hours": {"low": "80"},
            "at_risk_share": "0.9999",
        },
        headers=auth("hr-c", ["hr"]),
    )
    start = _past_opening()
    opened = [
        await _open(collab, parties, start + timedelta(minutes=n), priority="low")
        for n in range(12)
    ]
    settings: Settings = collab.app.state.settings.model_copy(update={"sla_scheduler_batch": 2})
    replicas = [Database(settings.database_url, schema="collab") for _ in range(2)]

    async def respond(ticket: dict[str, Any], index: int) -> int:
        due = datetime.fromisoformat(ticket["sla"]["response_due_at"])
        # Half answer just before the deadline, half just after it.
        instant = due + timedelta(seconds=30 if index % 2 else -30)
        response = await collab.client.post(
            f"/collab/tickets/{ticket['id']}/comments",
            json={"body": "收到"},
            headers={**parties.owner, **at_instant(instant)},
        )
        return response.status_code

    try:
        await asyncio.gather(*(db.ping() for db in replicas))  # connected, ready to race
        answers = await asyncio.gather(
            *(fire_due_deadlines(db, settings) for db in replicas),
            *(respond(ticket, index) for index, ticket in enumerate(opened)),
        )
        assert answers[len(replicas) :] == [201] * len(opened)
        await asyncio.gather(*(fire_due_deadlines(db, settings) for db in replicas))
    finally:
        for db in replicas:
            await db.dispose()
    for ticket in opened:
        breaches = await _breaches(collab, ticket["id"], "response")
        due = datetime.fromisoformat(ticket["sla"]["response_due_at"])
        state = (
            await collab.client.get(f"/collab/tickets/{ticket['id']}", headers=parties.owner)
        ).json()["sla"]
        answered = datetime.fromisoformat(state["first_response_at"])
        assert len(breaches) <= 1
        assert state["response_breached"] is bool(breaches)
        if breaches:
            assert answered >= due  # a breach only for a clock still running at its deadline
        else:
            assert answered < due
    assert await _drift_of(collab, [t["id"] for t in opened]) == []


async def test_scheduler_replicas_publish_each_warning_and_breach_once(collab: Collab) -> None:
    parties = _parties()
    long_ago = datetime.now(UTC) - timedelta(days=30)  # every clock long overdue
    opened = [await _open(collab, parties, long_ago) for _ in range(10)]
    settings: Settings = collab.app.state.settings.model_copy(update={"sla_scheduler_batch": 3})
    replicas = [Database(settings.database_url, schema="collab") for _ in range(4)]
    try:
        fired = await asyncio.gather(*(fire_due_deadlines(db, settings) for db in replicas))
        fired += await asyncio.gather(*(fire_due_deadlines(db, settings) for db in replicas))
    finally:
        for db in replicas:
            await db.dispose()
    assert sum(fired) == 4 * len(opened)
    for ticket in opened:
        for event_type in (BREACHED, AT_RISK):
            clocks = sorted(e["clock"] for e in await collab.events(event_type, ticket["id"]))
            assert clocks == ["resolution", "response"], (event_type, clocks)
    assert await _drift_of(collab, [t["id"] for t in opened]) == []
