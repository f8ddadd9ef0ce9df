"""Dates, times and months outside the supported range (1900-01-01 to 2999-12-31) are a 422
naming the field, never a 500: in bodies, in lists of days, in what a rule adds to a day (a
retrospective's due date) and in a cursor's instant."""

from __future__ import annotations

from typing import Any

from shared.api import encode_cursor
from tests.collab.conftest import Collab, know_members
from tests.helpers import auth, post_ok

HR = auth("hr-range", ["hr"])
RANGE = "1900-01-01 to 2999-12-31"


async def _refused(collab: Collab, method: str, path: str, body: Any, loc: list[Any]) -> str:
    response = await collab.client.request(method, path, json=body, headers=HR)
    assert response.status_code == 422, (path, body, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [loc], errors
    return str(errors[0]["msg"])


async def test_days_and_times_outside_the_range_are_422_naming_the_field(collab: Collab) -> None:
    await know_members(collab, "f", "h", "r")
    retro = {"project": "p", "unit_id": "u-range", "facilitator_id": "f"}
    for day in ("0999-12-31", "0001-01-01", "3000-01-01"):
        message = await _refused(
            collab,
            "POST",
            "/collab/retrospectives",
            {**retro, "ended_on": day},
            ["body", "ended_on"],
        )
        assert message == f"Value error, {day} is outside the supported range ({RANGE})"
        await _refused(
            collab,
            "POST",
            "/collab/data-grants",
            {
                "grantor_unit_id": "u-a",
                "grantee_unit_id": "u-b",
                "data_set": "kpi_figures",
                "valid_until": day,
            },
            ["body", "valid_until"],
        )
        await _refused(
            collab,
            "PUT",
            "/collab/calendars/u-range",
            {"holidays": ["2027-05-01", day]},
            ["body", "holidays", 1],
        )
    # Due three days after the end: the end of 2999 leaves no room.
    message = await _refused(
        collab,
        "POST",
        "/collab/retrospectives",
        {**retro, "ended_on": "2999-12-30"},
        ["body", "ended_on"],
    )
    assert message == (
        f"the retrospective would be due on 3000-01-02, after the supported range ({RANGE})"
    )
    last = await post_ok(
        collab.client, "/collab/retrospectives", {**retro, "ended_on": "2999-12-28"}, headers=HR
    )
    assert last["due_on"] == "2999-12-31"

    meeting = {
        "title": "m",
        "goal": "g",
        "agenda": [{"item": "i"}],
        "host_id": "h",
        "recorder_id": "r",
    }
    for instant in ("0999-12-31T10:00:00+08:00", "3000-01-01T00:00:00Z"):
        await _refused(
            collab,
            "POST",
            "/collab/meetings",
            {**meeting, "scheduled_at": instant},
            ["body", "scheduled_at"],
        )
    monthly = {"scheduled_at": "2027-03-30T06:00:00Z", "host_id": "h", "recorder_id": "r"}
    for month in ("0999-12", "1899-12", "3000-01"):
        await _refused(
            collab,
            "POST",
            "/collab/meetings/monthly",
            {**monthly, "month": month},
            ["body", "month"],
        )
    created = await post_ok(
        collab.client,
        "/collab/meetings",
        {**meeting, "scheduled_at": "2027-04-08T10:00:00+08:00"},
        headers=HR,
    )
    await _refused(
        collab,
        "POST",
        f"/collab/meetings/{created['id']}/minutes",
        {"minutes": "x", "action_items": [{"title": "t", "owner_id": "o", "due_on": "0001-01-01"}]},
        ["body", "action_items", 0, "due_on"],
    )


async def test_a_cursor_at_the_end_of_time_is_refused(collab: Collab) -> None:
    # Ticket pages are sorted pages now; a cursor naming an instant is not one of theirs.
    for instant in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"):
        response = await collab.client.get(
            f"/collab/tickets?cursor={encode_cursor(instant, 'x')}", headers=HR
        )
        assert response.status_code == 422, (instant, response.text)
        assert [e["loc"] for e in response.json()["errors"]] == [["query", "cursor"]]
