"""Dates and periods outside the supported range (1900-01-01 to 2999-12-31) are a 422 that
names the field, never a 500: actuals in JSON, in bulk (per item) and in CSV (per row, the
good rows of the same file kept), query parameters, and the date arithmetic near the edges
(a mentorship's end, the week of a report, a cascade by last year's shares)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from shared.api import encode_cursor
from tests.helpers import auth, post_ok

ADMIN = auth("admin-range", ["admin"])
RANGE = "1900-01-01 to 2999-12-31"
OUTSIDE = ("0999-12-31", "0001-01-01", "1899-12-31", "3000-01-01")

_post = functools.partial(post_ok, headers=ADMIN)
System = tuple[httpx.AsyncClient, Callable[[date], None]]


def outside(day: str) -> str:
    return f"date: Value error, {day} is outside the supported range ({RANGE})"


async def _setup(client: httpx.AsyncClient) -> str:
    company = (await _post(client, "/goals/org-units", {"name": "Co", "kind": "company"}))["id"]
    team: str = (
        await _post(
            client, "/goals/org-units", {"name": "Field", "kind": "team", "parent_id": company}
        )
    )["id"]
    for member in ("range-rep", "range-mentor"):
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": member,
                "home_unit_id": team,
                "layer": "execution",
                # The rep is a newcomer: only newcomers get a mentor.
                "tier": "newcomer" if member == "range-rep" else "backbone",
                "hired_on": "2025-01-06",
            },
        )
    await _post(client, "/goals/kpi-definitions", {"code": "visits", "name": "Visits", "unit": "n"})
    return team


def _actual(day: str, key: str, value: str = "1") -> dict[str, Any]:
    return {
        "owner_id": "range-rep",
        "kpi": "visits",
        "date": day,
        "value": value,
        "idempotency_key": key,
    }


async def _stored(client: httpx.AsyncClient, period: str) -> list[tuple[str, str]]:
    response = await client.get(
        f"/goals/actuals?owner_id=range-rep&kpi=visits&period={period}", headers=ADMIN
    )
    assert response.status_code == 200, response.text
    return sorted((m["date"], m["idempotency_key"]) for m in response.json()["items"])


async def test_actuals_outside_the_range_are_refused_and_the_good_ones_kept(
    system: System,
) -> None:
    client, _ = system
    await _setup(client)

    # One by one (JSON): 422 naming the date; the edges of the range are fine.
    for day in OUTSIDE:
        response = await client.post(
            "/goals/actuals", json=_actual(day, f"json-{day}"), headers=ADMIN
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert [(e["loc"], e["msg"]) for e in response.json()["errors"]] == [
            (["body", "date"], f"Value error, {day} is outside the supported range ({RANGE})")
        ]
    for day in ("1900-01-01", "2999-12-31"):
        await _post(client, "/goals/actuals", _actual(day, f"json-{day}"))

    # Bulk: each bad item reported with its number, the good ones kept.
    report = await _post(
        client,
        "/goals/actuals/bulk",
        {
            "items": [
                _actual("2026-03-02", "bulk-1"),
                _actual("0999-12-31", "bulk-2"),
                _actual("0001-01-01", "bulk-3"),
                _actual("2026-03-03", "bulk-4"),
                _actual("3000-01-01", "bulk-5"),
            ]
        },
        status=200,
    )
    assert {k: v for k, v in report.items() if k != "figures_changed"} == {
        "rows": 5,
        "accepted": 2,
        "duplicates": 0,
        "rejected": 3,
        "errors": [
            {"row": 2, "errors": [outside("0999-12-31")]},
            {"row": 3, "errors": [outside("0001-01-01")]},
            {"row": 5, "errors": [outside("3000-01-01")]},
        ],
    }

    # CSV: a per-row error (the header is row 1), every good row of the file kept.
    upload = "\n".join(
        [
            "owner_id,kpi,date,value,idempotency_key",
            "range-rep,visits,2026-03-10,1,csv-2",
            "range-rep,visits,0999-12-31,1,csv-3",
            "range-rep,visits,2026-03-11,1,csv-4",
            "range-rep,visits,0001-01-01,1,csv-5",
            "range-rep,visits,3000-01-01,1,csv-6",
            "range-rep,visits,10000-01-01,1,csv-7",
            "range-rep,visits,2026-03-12,1,csv-8",
        ]
    )
    response = await client.post("/goals/actuals/csv", content=upload.encode(), headers=ADMIN)
    assert response.status_code == 200, response.text
    assert {k: v for k, v in response.json().items() if k != "figures_changed"} == {
        "rows": 7,
        "accepted": 3,
        "duplicates": 0,
        "rejected": 4,
        "errors": [
            {"row": 3, "errors": [outside("0999-12-31")]},
            {"row": 5, "errors": [outside("0001-01-01")]},
            {"row": 6, "errors": [outside("3000-01-01")]},
            {"row": 7, "errors": ["date: Value error, a date is written YYYY-MM-DD"]},
        ],
    }

    # Read back: exactly the good ones.
    assert await _stored(client, "2026-03") == [
        ("2026-03-02", "bulk-1"),
        ("2026-03-03", "bulk-4"),
        ("2026-03-10", "csv-2"),
        ("2026-03-11", "csv-4"),
        ("2026-03-12", "csv-8"),
    ]
    assert await _stored(client, "1900") == [("1900-01-01", "json-1900-01-01")]
    assert await _stored(client, "2999-Q4") == [("2999-12-31", "json-2999-12-31")]
    for period in ("0999", "0999-12", "3000-01", "1899-Q4"):
        response = await client.get(
            f"/goals/actuals?owner_id=range-rep&kpi=visits&period={period}", headers=ADMIN
        )
        assert response.status_code == 422, (period, response.text)
        assert [e["loc"] for e in response.json()["errors"]] == [["query", "period"]]


async def test_date_arithmetic_at_the_edges_is_a_422_naming_the_field(system: System) -> None:
    client, _ = system
    team = (await client.get("/goals/members/range-rep", headers=ADMIN)).json()["home_unit_id"]

    # A mentorship that would end after 2999.
    mentorship = {"mentor_id": "range-mentor", "mentee_id": "range-rep"}
    late = await client.post(
        "/goals/mentorships", json={**mentorship, "starts_on": "2999-11-15"}, headers=ADMIN
    )
    assert late.status_code == 422, late.text
    assert [(e["loc"], e["msg"]) for e in late.json()["errors"]] == [
        (
            ["body", "months"],
            f"the mentorship would end on 3000-02-15, after the supported range ({RANGE})",
        )
    ]
    last = await _post(client, "/goals/mentorships", {**mentorship, "starts_on": "2999-09-30"})
    assert last["ends_on"] == "2999-12-30"
    early = await client.post(
        "/goals/mentorships", json={**mentorship, "starts_on": "0999-12-31"}, headers=ADMIN
    )
    assert early.status_code == 422
    assert [e["loc"] for e in early.json()["errors"]] == [["body", "starts_on"]]

    # The week of a report must end in the range (2999-12-31 is a Tuesday).
    path = "/goals/members/range-rep/weekly-report"
    for day in ("2999-12-30", "2999-12-31"):
        response = await client.get(f"{path}?week_of={day}", headers=ADMIN)
        assert response.status_code == 422, (day, response.text)
        assert [e["loc"] for e in response.json()["errors"]] == [["query", "week_of"]]
    edge = await client.get(f"{path}?week_of=2999-12-29", headers=ADMIN)
    assert edge.status_code == 200, edge.text
    assert (edge.json()["week_start"], edge.json()["week_end"]) == ("2999-12-23", "2999-12-29")
    first = await client.get(f"{path}?week_of=1900-01-01", headers=ADMIN)
    assert (first.status_code, first.json()["week_start"]) == (200, "1900-01-01")
    before = await client.get(f"{path}?week_of=0999-12-31", headers=ADMIN)
    assert before.status_code == 422
    assert [e["loc"] for e in before.json()["errors"]] == [["query", "week_of"]]

    # A cursor is a position the API issued: one at the end of time is refused, not a 500.
    for listed in ("org-units", "goals"):
        for instant in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"):
            response = await client.get(
                f"/goals/{listed}?cursor={encode_cursor(instant, 'x')}", headers=ADMIN
            )
            assert response.status_code == 422, (listed, instant, response.text)
            assert [e["loc"] for e in response.json()["errors"]] == [["query", "cursor"]]

    # A goal of 1900 (its recent periods would be in 1899) and its cascade by last year.
    goal = await _post(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "Visits 1900",
            "description": "Visit every customer of the century's first year",
            "owner_type": "unit",
            "owner_id": team,
            "period": "1900",
            "kpi": "visits",
            "target_value": "100",
        },
    )
    by_last_year = await client.post(
        f"/goals/goals/{goal['id']}/cascade",
        json={"mode": "last_year", "children": [{"owner_type": "member", "owner_id": "range-rep"}]},
        headers=ADMIN,
    )
    assert by_last_year.status_code == 422, by_last_year.text
    assert [e["loc"] for e in by_last_year.json()["errors"]] == [["body", "mode"]]
    for period in ("0999", "3000-Q1", "1899-12"):
        response = await client.post(
            "/goals/goals",
            json={
                **{k: goal[k] for k in ("kind", "title", "owner_type", "owner_id")},
                "period": period,
            },
            headers=ADMIN,
        )
        assert response.status_code == 422, (period, response.text)
        assert [e["loc"] for e in response.json()["errors"]] == [["body", "period"]]
