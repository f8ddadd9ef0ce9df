"""SLA arithmetic through the API with a frozen clock: due times on the owner unit's
calendar (holidays, make-up days), the at-risk share, policies chosen by conditions, waiting
on the requester excluded, and a priority change that keeps the time already waited.

The dates are in 2027, so the live scheduler (which runs on the real clock) has nothing to
fire while these tests run."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from tests.collab.conftest import Collab
from tests.helpers import auth, post_ok

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = date(2027, 3, 5)
SATURDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY = (
    FRIDAY + timedelta(days=n) for n in (1, 3, 4, 5, 6)
)
NEXT_FRIDAY, NEXT_MONDAY = FRIDAY + timedelta(days=7), FRIDAY + timedelta(days=10)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _units() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:6]
    return f"mkt-{suffix}", f"prd-{suffix}"


async def _open(
    collab: Collab, requester_unit: str, owner_unit: str, *, at: datetime, **fields: Any
) -> dict[str, Any]:
    collab.at(at)
    body = {
        "title": "Spring campaign product facts",
        "description": "新品卖点",
        "category": "product_info",
        "requester_unit_id": requester_unit,
        "owner_unit_id": owner_unit,
        **fields,
    }
    ticket: dict[str, Any] = await post_ok(
        collab.client,
        "/collab/tickets",
        body,
        headers=auth("req-1", ["member"], [requester_unit]),
    )
    return ticket


async def test_friday_five_pm_is_due_wednesday_two_pm(collab: Collab) -> None:
    marketing, product = _units()
    ticket = await _open(collab, marketing, product, at=local(FRIDAY, 17))
    sla = ticket["sla"]
    assert (Decimal(sla["response_target_hours"]), Decimal(sla["resolution_target_hours"])) == (
        Decimal(24),
        Decimal(40),
    )
    assert instant(sla["response_due_at"]) == local(WEDNESDAY, 14)
    # 40 hours: Friday 1, Monday to Thursday 9 each, then 3 on the next Friday.
    assert instant(sla["resolution_due_at"]) == local(NEXT_FRIDAY, 12)
    opened = await collab.events("collab.ticket.opened", ticket["id"])
    assert len(opened) == 1
    assert instant(opened[0]["response_due_at"]) == local(WEDNESDAY, 14)


async def test_holidays_and_make_up_days_of_the_owner_unit(collab: Collab) -> None:
    marketing, product = _units()
    manager = auth("boss-p", ["manager"], [product])
    calendar = {"holidays": [MONDAY.isoformat()]}
    response = await collab.client.put(
        f"/collab/calendars/{product}", json=calendar, headers=manager
    )
    assert response.status_code == 200, response.text
    assert response.json()["week"]["mon"] == ["09:00-18:00"]
    ticket = await _open(collab, marketing, product, at=local(FRIDAY, 17))
    assert instant(ticket["sla"]["response_due_at"]) == local(THURSDAY, 14)

    calendar["makeup_days"] = [SATURDAY.isoformat()]
    response = await collab.client.put(
        f"/collab/calendars/{product}", json=calendar, headers=manager
    )
    assert response.json()["version"] == 2
    ticket = await _open(collab, marketing, product, at=local(FRIDAY, 17))
    # Saturday's 9 make-up hours replace Monday's.
    assert instant(ticket["sla"]["response_due_at"]) == local(WEDNESDAY, 14)

    outsider = auth("boss-x", ["manager"], [marketing])
    refused = await collab.client.put(f"/collab/calendars/{product}", json={}, headers=outsider)
    assert refused.status_code == 403
    clash = {"holidays": [SATURDAY.isoformat()], "makeup_days": [SATURDAY.isoformat()]}
    invalid = await collab.client.put(f"/collab/calendars/{product}", json=clash, headers=manager)
    assert invalid.status_code == 422


async def test_a_policy_chosen_by_its_conditions_sets_targets_and_the_warning(
    collab: Collab,
) -> None:
    marketing, product = _units()
    await post_ok(
        collab.client,
        "/collab/sla-policies",
        {
            "name": "Urgent product facts",
            "rank": 1,
            "categories": ["product_info"],
            "owner_unit_ids": [product],
            "priorities": ["urgent", "high"],
            "first_response_hours": "4",
            "resolution_hours": {"urgent": "9"},
            "at_risk_share": "0.5",
        },
        headers=auth("hr-1", ["hr"]),
    )
    matched = await _open(collab, marketing, product, at=local(FRIDAY, 17), priority="urgent")
    sla = matched["sla"]
    assert sla["policy_id"] is not None
    assert (Decimal(sla["response_target_hours"]), Decimal(sla["resolution_target_hours"])) == (
        Decimal(4),
        Decimal(9),
    )
    assert instant(sla["response_due_at"]) == local(MONDAY, 12)
    assert instant(sla["resolution_due_at"]) == local(MONDAY, 17)
    async with collab.db.sessions() as session:
        deadlines = {
            row.kind: row.due_at
            for row in await session.execute(
                text("SELECT kind, due_at FROM collab.sla_deadlines WHERE ticket_id = :t"),
                {"t": matched["id"]},
            )
        }
    # Warnings at half of each target: 2 of 4 hours, 4.5 of 9.
    assert deadlines == {
        "response_at_risk": local(MONDAY, 10),
        "response_breached": local(MONDAY, 12),
        "resolution_at_risk": local(MONDAY, 12, 30),
        "resolution_breached": local(MONDAY, 17),
    }
    # "high" matches too, and takes its resolution target from the defaults.
    high = await _open(collab, marketing, product, at=local(FRIDAY, 17), priority="high")
    assert Decimal(high["sla"]["resolution_target_hours"]) == Decimal(24)
    # Another category does not match: the defaults.
    other = await _open(collab, marketing, product, at=local(FRIDAY, 17), category="pricing")
    assert other["sla"]["policy_id"] is None
    assert Decimal(other["sla"]["at_risk_share"]) == Decimal("0.8")


async def test_waiting_on_the_requester_pauses_and_a_priority_change_keeps_the_pause(
    collab: Collab,
) -> None:
    marketing, product = _units()
    owner = auth("own-1", ["member"], [product])
    requester = auth("req-1", ["member"], [marketing])
    ticket = await _open(collab, marketing, product, at=local(FRIDAY, 17))
    path = f"/collab/tickets/{ticket['id']}"

    collab.at(local(MONDAY, 10))  # 2 business hours in: Friday 1, Monday 1
    await post_ok(collab.client, f"{path}/comments", {"body": "Which markets?"}, headers=owner)
    waiting = await post_ok(
        collab.client,
        f"{path}/transition",
        {"to": "waiting_on_requester"},
        headers=owner,
        status=200,
    )
    assert waiting["status"] == "waiting_on_requester"
    assert waiting["sla"]["first_response_at"] is not None
    assert Decimal(waiting["sla"]["response_business_hours"]) == Decimal(2)
    assert waiting["sla"]["running"] is False
    assert waiting["sla"]["resolution_due_at"] is None

    collab.at(local(TUESDAY, 10))  # a business day later, all of it waiting
    answered = await post_ok(
        collab.client, f"{path}/transition", {"to": "in_progress"}, headers=requester, status=200
    )
    assert Decimal(answered["sla"]["business_hours_used"]) == Decimal(2)
    # 38 hours left of 40 from Tuesday 10:00: the 9 waited hours are not counted.
    assert instant(answered["sla"]["resolution_due_at"]) == local(NEXT_MONDAY, 12)

    collab.at(local(TUESDAY, 11))
    current = await collab.client.get(path, headers=owner)
    assert Decimal(current.json()["sla"]["business_hours_used"]) == Decimal(3)
    etag = current.headers["etag"]
    missing = await collab.client.patch(path, json={"priority": "high"}, headers=owner)
    assert missing.status_code == 428
    changed = await collab.client.patch(
        path, json={"priority": "high"}, headers={**owner, "If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    # High is 24 hours; 3 are used, so 21 from Tuesday 11:00. Counting from the opening
    # instead would give Wednesday 14:00: the waited hours stay excluded.
    assert instant(changed.json()["sla"]["resolution_due_at"]) == local(THURSDAY, 14)
    stale = await collab.client.patch(
        path, json={"priority": "low"}, headers={**owner, "If-Match": etag}
    )
    assert stale.status_code == 412

    collab.at(local(WEDNESDAY, 10))
    resolved = await post_ok(
        collab.client, f"{path}/transition", {"to": "resolved"}, headers=owner, status=200
    )
    # 3 hours by Tuesday 11:00, 7 more on Tuesday, 1 on Wednesday.
    assert Decimal(resolved["sla"]["resolution_business_hours"]) == Decimal(11)
    [event] = await collab.events("collab.ticket.resolved", ticket["id"])
    assert event["assignee_id"] is None
    assert (
        Decimal(event["response_business_hours"]),
        Decimal(event["resolution_business_hours"]),
    ) == (
        Decimal(2),
        Decimal(11),
    )
    assert event["first_response_within_sla"] is True
    assert event["resolved_within_sla"] is True
    assert instant(event["resolved_at"]) == local(WEDNESDAY, 10)
    async with collab.db.sessions() as session:
        left = await session.scalar(
            text("SELECT count(*) FROM collab.sla_deadlines WHERE ticket_id = :t"),
            {"t": ticket["id"]},
        )
    assert left == 0  # nothing left for the scheduler: no late warning after resolving


async def test_the_status_machine_refuses_illegal_moves(collab: Collab) -> None:
    marketing, product = _units()
    owner = auth("own-2", ["member"], [product])
    requester = auth("req-1", ["member"], [marketing])
    ticket = await _open(collab, marketing, product, at=local(FRIDAY, 17))
    path = f"/collab/tickets/{ticket['id']}"

    async def move(to: str, headers: dict[str, str]) -> int:
        response = await collab.client.post(f"{path}/transition", json={"to": to}, headers=headers)
        return response.status_code

    assert await move("closed", requester) == 409  # open cannot close
    assert await move("in_progress", requester) == 403  # only the owner side starts work
    assert await move("in_progress", owner) == 200
    assert await move("in_progress", owner) == 409
    assert await move("bogus", owner) == 422
    assert await move("resolved", owner) == 200
    assert await move("in_progress", owner) == 409  # resolved goes on by reopening only
    reopen = await collab.client.post(f"{path}/reopen", json={"reason": "wrong"}, headers=owner)
    assert reopen.status_code == 403  # the requester's side reopens
    reopen = await collab.client.post(f"{path}/reopen", json={"reason": "wrong"}, headers=requester)
    assert reopen.status_code == 200
    assert reopen.json()["status"] == "in_progress"
    assert await move("resolved", owner) == 200
    assert await move("closed", requester) == 200
    assert await move("resolved", owner) == 409
    resolved = await collab.events("collab.ticket.resolved", ticket["id"])
    assert [e["reopened"] for e in resolved] == [False, True]
    steps = (await collab.client.get(f"{path}/steps", headers=requester)).json()["items"]
    assert [s["kind"] for s in steps] == [
        "opened",
        "status",
        "status",
        "reopened",
        "status",
        "status",
    ]
    assert steps[3]["actor_id"] == "req-1"
    assert steps[3]["detail"] == {"from": "resolved", "reason": "wrong"}


async def test_a_retried_open_with_the_same_idempotency_key_opens_one_ticket(
    collab: Collab,
) -> None:
    marketing, product = _units()
    collab.at(local(FRIDAY, 17))
    body = {
        "title": "Price list",
        "description": "价格表",
        "category": "pricing",
        "requester_unit_id": marketing,
        "owner_unit_id": product,
    }
    headers = {**auth("req-i", ["member"], [marketing]), "Idempotency-Key": "form-42"}
    first = await post_ok(collab.client, "/collab/tickets", body, headers=headers)
    again = await post_ok(collab.client, "/collab/tickets", body, headers=headers)
    assert again["id"] == first["id"]
    assert len(await collab.events("collab.ticket.opened", first["id"])) == 1
    changed = await collab.client.post(
        "/collab/tickets", json={**body, "title": "Another"}, headers=headers
    )
    assert changed.status_code == 422
    # The key is the requester's own: someone else's same key is another ticket.
    other = await post_ok(
        collab.client,
        "/collab/tickets",
        body,
        headers={**auth("req-j", ["member"], [marketing]), "Idempotency-Key": "form-42"},
    )
    assert other["id"] != first["id"]
