"""What a client sends wrong is a 4xx problem, never a 500: unknown fields, naive times,
over-long ids and addresses, cursors collab did not issue, a target the owner's calendar
cannot hold."""

from __future__ import annotations

import uuid

from tests.collab.conftest import Collab
from tests.helpers import auth, post_ok

HR = auth("hr-i", ["hr"])


async def _problem(collab: Collab, method: str, path: str, status: int, **kwargs: object) -> None:
    response = await collab.client.request(method, path, headers=HR, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, (path, response.text)
    assert response.headers["content-type"] == "application/problem+json"


async def test_bad_input_is_a_problem_not_a_crash(collab: Collab) -> None:
    ticket = {
        "title": "t",
        "description": "d",
        "category": "c",
        "requester_unit_id": "u-a",
        "owner_unit_id": "u-b",
    }
    await _problem(collab, "POST", "/collab/tickets", 422, json={**ticket, "priorty": "high"})
    await _problem(collab, "POST", "/collab/tickets", 422, json={**ticket, "owner_unit_id": "u-a"})
    await _problem(collab, "POST", "/collab/tickets", 422, json={**ticket, "category": "Bad\tCat"})
    await _problem(collab, "GET", "/collab/tickets?cursor=not-ours", 422)
    await _problem(collab, "GET", "/collab/tickets?limit=100000", 422)
    await _problem(collab, "GET", f"/collab/tickets/{'x' * 500}", 404)
    await _problem(collab, "PUT", f"/collab/calendars/{'u' * 37}", 422, json={})
    await _problem(collab, "PUT", "/collab/calendars/u-a", 422, json={"timezone": "Mars/Olympus"})
    await _problem(
        collab, "PUT", "/collab/calendars/u-a", 422, json={"week": {"mon": ["25:00-26:00"]}}
    )
    await _problem(collab, "PUT", "/collab/calendars/u-a", 422, json={"holidays": ["9999-12-31"]})
    meeting = {
        "title": "m",
        "goal": "g",
        "agenda": [{"item": "i"}],
        "scheduled_at": "2027-04-08T10:00:00",  # no offset
        "host_id": "h",
        "recorder_id": "r",
    }
    await _problem(collab, "POST", "/collab/meetings", 422, json=meeting)
    created = await post_ok(collab.client, "/collab/tickets", ticket, headers=HR)
    await _problem(
        collab,
        "POST",
        f"/collab/tickets/{created['id']}/attachments",
        422,
        json={"name": "a", "url": "https://example.com/" + "a" * 1000},
    )
    await _problem(
        collab,
        "POST",
        f"/collab/tickets/{created['id']}/attachments",
        422,
        json={"name": "a", "url": "file:///etc/passwd"},
    )
    await _problem(
        collab,
        "POST",
        "/collab/retrospectives",
        422,
        json={"project": "p", "unit_id": "u", "ended_on": "9999-12-31", "facilitator_id": "f"},
    )


async def test_a_target_the_calendar_cannot_hold_is_refused(collab: Collab) -> None:
    sparse = f"u-sparse-{uuid.uuid4().hex[:6]}"
    response = await collab.client.put(
        f"/collab/calendars/{sparse}", json={"week": {"sun": ["09:00-09:30"]}}, headers=HR
    )
    assert response.status_code == 200, response.text
    await post_ok(
        collab.client,
        "/collab/sla-policies",
        {"name": "Slow", "owner_unit_ids": [sparse], "first_response_hours": "10000"},
        headers=HR,
    )
    await _problem(
        collab,
        "POST",
        "/collab/tickets",
        422,
        json={
            "title": "t",
            "description": "d",
            "category": "c",
            "requester_unit_id": "u-a",
            "owner_unit_id": sparse,
        },
    )
