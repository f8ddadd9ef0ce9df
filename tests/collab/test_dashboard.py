"""The dashboard's cross-department first response (issue 15), through collab's HTTP API on
the real Postgres: a marketing department with two teams owning tickets from product over a
quarter (Jan-Mar 2026), "now" pinned to Tuesday 2026-03-31 12:00 Shanghai time. The deadline
scheduler does not run on its own here (the real clock is past these due times).

By hand, business hours on the default calendar (Mon-Fri 09:00-18:00 Asia/Shanghai; no
holiday falls on these days), from opening to the owner side's first response:
  team-a: A1 Mon 01-12 10:00 -> 13:00 = 3; A2 Fri 01-30 17:00 -> Mon 02-02 10:00 = 1 + 1 = 2;
          A3 Tue 03-03 09:00 -> Fri 03-06 11:00 = 9 + 9 + 9 + 2 = 29 (over its 24 h);
          A5 Mon 03-30 09:00, no response yet: 9 + 3 = 12 so far
  team-b: B1 Wed 02-04 14:00 -> 16:30 = 2.5; B2 Tue 03-10 09:30 -> 11:00 = 1.5
  mkt:    M1 Mon 03-16 10:00 -> Tue 03-17 10:00 = 8 + 1 = 9
  not counted: X1 owned by product; X0 opened 2025-12-30 (1 h, last year)
  team-a: (3 + 2 + 29 + 12) / 4 = 11.5; within SLA 2 / 4. Trend: Jan (3 + 1 so far) / 2 = 2,
          Feb (3 + 2) / 2 = 2.5, Mar 11.5
  team-b: (2.5 + 1.5) / 2 = 2; trend Jan none, Feb 2.5, Mar 2
  mkt:    59 / 7 = 8.428571; within SLA 5 / 7; trend Jan 2, Feb (3 + 2 + 2.5) / 3 = 2.5
  after HR sets 8 h (margin 2): team-a missed, mkt at_risk, team-b met."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.events import Envelope
from tests.collab.conftest import Collab, running_collab
from tests.helpers import auth, post_ok

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNITS = {"co": None, "mkt": "co", "team-a": "mkt", "team-b": "mkt", "prd": "co"}
HR = auth("hr-1", ["hr"])
DIRECTOR = auth("dir", ["manager"], ["mkt"])
LEAD_A = auth("lead-a", ["manager"], ["team-a"])
LEAD_B = auth("lead-b", ["manager"], ["team-b"])
MEMBER_A = auth("a1", ["member"], ["team-a"])
NOW = datetime(2026, 3, 31, 12, tzinfo=SHANGHAI)


def local(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), SHANGHAI)


@pytest.fixture(scope="module")
async def quiet(database_url: str) -> AsyncIterator[Collab]:
    async with running_collab(database_url, scheduler=False) as service:
        yield service


async def _unit(collab: Collab, unit_id: str, parent_id: str | None) -> None:
    """Deliver goals' ``OrgUnitChanged`` to collab, as the bus would."""
    envelope = Envelope(
        source="goals",
        type="goals.org-unit.changed",
        subject=unit_id,
        correlationid="dashboard",
        data={
            "unit_id": unit_id,
            "name": unit_id,
            "kind": "team",
            "parent_id": parent_id,
            "version": 1,
        },
    )
    await collab.app.state.runtime.processors[0].handle(envelope.model_dump_json().encode())


async def _ticket(
    collab: Collab, owner: str, opened: datetime, answered: datetime | None, *, by: str = "comment"
) -> str:
    requester = "team-a" if owner == "prd" else "prd"
    collab.at(opened)
    ticket: dict[str, Any] = await post_ok(
        collab.client,
        "/collab/tickets",
        {
            "title": "新品资料 product facts",
            "description": "请提供新品卖点",
            "category": "product_info",
            "requester_unit_id": requester,
            "owner_unit_id": owner,
        },
        headers=auth("req-1", ["member"], [requester]),
    )
    if answered is not None:
        collab.at(answered)
        owner_side = auth("owner-1", ["member"], [owner])
        path = f"/collab/tickets/{ticket['id']}"
        if by == "comment":
            await post_ok(collab.client, f"{path}/comments", {"body": "收到"}, headers=owner_side)
        else:
            await post_ok(
                collab.client,
                f"{path}/transition",
                {"to": "in_progress"},
                headers=owner_side,
                status=200,
            )
    return str(ticket["id"])


@pytest.fixture(scope="module")
async def quarter(quiet: Collab) -> dict[str, str]:
    for unit_id, parent in UNITS.items():
        await _unit(quiet, unit_id, parent)
    ids = {
        "X0": await _ticket(quiet, "team-a", local("2025-12-30", 10), local("2025-12-30", 11)),
        "A1": await _ticket(quiet, "team-a", local("2026-01-12", 10), local("2026-01-12", 13)),
        "X1": await _ticket(quiet, "prd", local("2026-01-13", 10), local("2026-01-13", 11)),
        "A2": await _ticket(quiet, "team-a", local("2026-01-30", 17), local("2026-02-02", 10)),
        "B1": await _ticket(
            quiet, "team-b", local("2026-02-04", 14), local("2026-02-04", 16, 30), by="move"
        ),
        "A3": await _ticket(quiet, "team-a", local("2026-03-03", 9), local("2026-03-06", 11)),
        "B2": await _ticket(quiet, "team-b", local("2026-03-10", 9, 30), local("2026-03-10", 11)),
        "M1": await _ticket(quiet, "mkt", local("2026-03-16", 10), local("2026-03-17", 10)),
        "A5": await _ticket(quiet, "team-a", local("2026-03-30", 9), None),
    }
    quiet.at(NOW)
    return ids


async def _get(collab: Collab, unit_id: str, headers: dict[str, str], **query: Any) -> Any:
    return await collab.client.get(
        "/collab/dashboard", params={"unit_id": unit_id, **query}, headers=headers
    )


async def _figure(collab: Collab, unit_id: str, headers: dict[str, str] = HR, **query: Any) -> Any:
    response = await _get(collab, unit_id, headers, **query)
    assert response.status_code == 200, response.text
    part = response.json()
    assert (part["service"], part["unit_id"], part["year"]) == (
        "collab",
        unit_id,
        int(query.get("year", 2026)),
    )
    [only] = part["figures"]
    return only


def trend(*points: str | None) -> list[dict[str, Any]]:
    return [{"month": f"2026-{i + 1:02d}", "actual": p} for i, p in enumerate(points)]


async def test_first_response_of_two_teams_and_their_department(
    quiet: Collab, quarter: dict[str, str]
) -> None:
    ids = quarter
    team_a = await _figure(quiet, "team-a", LEAD_A)
    assert (team_a["key"], team_a["unit"], team_a["direction"], team_a["label"]) == (
        "first_response_hours",
        "hours",
        "at_most",
        "跨部门首次响应时长",
    )
    assert (team_a["actual"], team_a["target"], team_a["at_risk_margin"]) == (
        "11.500000",
        "24.000000",
        "4.000000",
    )
    assert team_a["status"] == "met"
    # January's end: A2 had waited 1 business hour (Friday 17:00-18:00), unanswered then.
    assert team_a["trend"] == trend("2.000000", "2.500000", "11.500000")
    assert team_a["inputs"] == {
        "ticket_ids": [ids["A1"], ids["A2"], ids["A3"], ids["A5"]],
        "unanswered_ticket_ids": [ids["A5"]],
        "within_sla_ticket_ids": [ids["A1"], ids["A2"]],
        "unit_ids": ["team-a"],
    }
    explanation = team_a["explanation"]
    assert "工单 4 张: 已首次响应 3 张, 尚未响应 1 张" in explanation[1]
    assert "lower bound" in explanation[1]
    assert "= 46.0000 / 4 = 11.500000 小时" in explanation[3]
    assert "SLA 内首次响应 2 / 4 = 0.500000" in explanation[4]

    team_b = await _figure(quiet, "team-b", LEAD_B)
    assert (team_b["actual"], team_b["status"]) == ("2.000000", "met")
    assert team_b["trend"] == trend(None, "2.500000", "2.000000")
    assert team_b["inputs"]["ticket_ids"] == [ids["B1"], ids["B2"]]
    assert team_b["inputs"]["within_sla_ticket_ids"] == [ids["B1"], ids["B2"]]

    mkt = await _figure(quiet, "mkt", DIRECTOR)
    assert (mkt["actual"], mkt["status"]) == ("8.428571", "met")
    assert mkt["trend"] == trend("2.000000", "2.500000", "8.428571")
    assert mkt["inputs"]["ticket_ids"] == [
        ids[k] for k in ("A1", "A2", "B1", "A3", "B2", "M1", "A5")
    ]
    assert mkt["inputs"]["unit_ids"] == ["mkt", "team-a", "team-b"]
    assert "= 59.0000 / 7 = 8.428571 小时" in mkt["explanation"][3]
    assert "SLA 内首次响应 5 / 7 = 0.714286" in mkt["explanation"][4]

    # Last year: twelve months; only December has a ticket (X0, answered in 1 hour).
    last_year = await _figure(quiet, "team-a", year=2025)
    assert (last_year["actual"], last_year["status"]) == ("1.000000", "met")
    assert last_year["trend"] == [
        {"month": f"2025-{m:02d}", "actual": "1.000000" if m == 12 else None} for m in range(1, 13)
    ]
    # A unit without tickets: no data, never a zero.
    empty = await _figure(quiet, "team-b", year=2025)
    assert (empty["actual"], empty["status"], empty["inputs"]["ticket_ids"]) == (
        None,
        "no_data",
        [],
    )


async def test_a_team_manager_sees_their_team_hr_sees_all(
    quiet: Collab, quarter: dict[str, str]
) -> None:
    assert (await _get(quiet, "team-a", LEAD_A)).status_code == 200
    for unit_id in ("team-b", "mkt", "prd"):
        response = await _get(quiet, unit_id, LEAD_A)
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    for unit_id in ("mkt", "team-a", "team-b"):
        assert (await _get(quiet, unit_id, DIRECTOR)).status_code == 200
    assert (await _get(quiet, "prd", DIRECTOR)).status_code == 403
    assert (await _get(quiet, "team-a", MEMBER_A)).status_code == 403
    for unit_id in ("co", "prd", "mkt"):
        assert (await _get(quiet, unit_id, HR)).status_code == 200
    assert (await _get(quiet, "nowhere", HR)).status_code == 404


async def test_a_target_hr_sets_changes_the_status(quiet: Collab, quarter: dict[str, str]) -> None:
    body = {"target": "8", "at_risk_margin": "2"}
    path = "/collab/dashboard/targets"
    refused = await quiet.client.put(f"{path}/first_response_hours", json=body, headers=DIRECTOR)
    assert refused.status_code == 403, refused.text
    unknown = await quiet.client.put(f"{path}/no_such_figure", json=body, headers=HR)
    assert unknown.status_code == 404, unknown.text
    put = await quiet.client.put(f"{path}/first_response_hours", json=body, headers=HR)
    assert put.status_code == 200, put.text
    assert (put.json()["target"], put.json()["at_risk_margin"]) == ("8.000000", "2.000000")
    statuses = {u: (await _figure(quiet, u))["status"] for u in ("team-a", "team-b", "mkt")}
    # team-a 11.5 is 3.5 over 8 (beyond 2); mkt 8.428571 is within 2 over; team-b 2 is under.
    assert statuses == {"team-a": "missed", "team-b": "met", "mkt": "at_risk"}
    mkt = await _figure(quiet, "mkt")
    assert "目标 ≤ 8.000000 小时" in mkt["explanation"][5]
    listed = await quiet.client.get(path, headers=MEMBER_A)
    assert listed.status_code == 200, listed.text
    assert [(t["key"], t["target"], t["version"]) for t in listed.json()["targets"]] == [
        ("first_response_hours", "8.000000", 1)
    ]
