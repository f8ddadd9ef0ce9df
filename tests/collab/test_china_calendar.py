"""Calendars that know China, through the API (the package's own days and a unit's days over
them are pinned without a server in tests/unit/test_public_holidays.py): with no calendar
typed in, the public holidays and make-up working days of the holidays package (2026's State
Council arrangement) move due times; a calendar set on the company reaches its departments,
a department's reaches its teams over the company's; days that look mistyped get
plain-language warnings and a clash a plain-language 422; due and breach times come back in
UTC and in the owner unit's zone.

The service runs without its live scheduler: the 2026 dates here are past on the real clock,
and these tests fire deadlines themselves when they want them fired."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from collab.service.sla import fire_due_deadlines
from shared.events import Envelope
from tests.collab.conftest import Collab, running_collab
from tests.helpers import auth, post_ok

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
HR = auth("hr-cal", ["hr"])


def local(day: date, hour: int, minute: int = 0, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.combine(day, time(hour, minute), zone)


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.fixture(scope="module")
async def quiet(database_url: str) -> AsyncIterator[Collab]:
    async with running_collab(database_url, scheduler=False) as service:
        yield service


def _units() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:6]
    return f"mkt-{suffix}", f"prd-{suffix}"


async def _open(collab: Collab, requester: str, owner: str, *, at: datetime) -> dict[str, Any]:
    collab.at(at)
    ticket: dict[str, Any] = await post_ok(
        collab.client,
        "/collab/tickets",
        {
            "title": "国庆前的产品资料",
            "description": "新品卖点",
            "category": "product_info",
            "requester_unit_id": requester,
            "owner_unit_id": owner,
        },
        headers=auth("req-cal", ["member"], [requester]),
    )
    return ticket


async def _unit(collab: Collab, unit_id: str, parent_id: str | None) -> None:
    """Deliver goals' ``OrgUnitChanged`` to collab, as the bus would."""
    processor = collab.app.state.runtime.processors[0]
    envelope = Envelope(
        source="goals",
        type="goals.org-unit.changed",
        subject=unit_id,
        correlationid="test",
        data={
            "unit_id": unit_id,
            "name": unit_id,
            "kind": "team",
            "parent_id": parent_id,
            "version": 1,
        },
    )
    await processor.handle(envelope.model_dump_json().encode())


async def _put(collab: Collab, unit_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await collab.client.put(f"/collab/calendars/{unit_id}", json=body, headers=HR)
    assert response.status_code == 200, response.text
    read: dict[str, Any] = response.json()
    return read


async def _get(collab: Collab, unit_id: str, query: str = "") -> dict[str, Any]:
    response = await collab.client.get(f"/collab/calendars/{unit_id}{query}", headers=HR)
    assert response.status_code == 200, response.text
    read: dict[str, Any] = response.json()
    return read


# --------------------------------------------------------------------- through the API


async def test_no_calendar_typed_in_national_day_moves_the_due_time(quiet: Collab) -> None:
    marketing, product = _units()
    # Wednesday 30 September 2026, the working day before National Day, 10:00 in Shanghai.
    ticket = await _open(quiet, marketing, product, at=local(date(2026, 9, 30), 10))
    sla = ticket["sla"]
    # 24 business hours: 8 on 30 Sep (10-18); 1-7 Oct off (National Day and the days
    # moved to it); 9 on Thu 8 Oct (17); the last 7 on Fri 9 Oct, 09:00-16:00.
    assert instant(sla["response_due_at"]) == datetime(2026, 10, 9, 8, tzinfo=UTC)
    assert sla["response_due_local"] == "2026-10-09T16:00:00+08:00"
    # 40 business hours: 8 + 9 (8 Oct) + 9 (9 Oct) + 9 on the make-up Saturday 10 Oct (35),
    # Sunday 11 Oct off, the last 5 on Mon 12 Oct, 09:00-14:00.
    assert instant(sla["resolution_due_at"]) == datetime(2026, 10, 12, 6, tzinfo=UTC)
    assert sla["resolution_due_local"] == "2026-10-12T14:00:00+08:00"
    assert sla["timezone"] == "Asia/Shanghai"

    read = await _get(quiet, product, "?year=2026")
    assert (read["is_default"], read["inherited_from"], read["version"]) == (True, None, 0)
    assert (read["holidays"], read["makeup_days"], read["warnings"]) == ([], [], [])
    public = read["public_holidays"]
    assert (public["country"], public["region"], public["year"]) == ("CN", None, 2026)
    national_day = [d for d in public["days_off"] if d["date"].startswith("2026-10")]
    assert [d["date"] for d in national_day] == [
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",
    ]
    assert national_day[0]["name"] == "国庆节 (National Day)"
    # The package's own label, with its full-width brackets.
    moved = "休息日\uff08由 2026-09-20 调休\uff09 (Day off (substituted from 09/20/2026))"
    assert national_day[4]["name"] == moved
    assert public["makeup_days"] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert public["known_until"] == "2026-12-31"
    assert public["coverage"].startswith("2026 年及以前的节假日和调休上班日均已收录")


async def test_a_make_up_saturday_is_a_working_day(quiet: Collab) -> None:
    marketing, product = _units()
    # Friday 8 May 2026, 14:00: 4 hours that day; Saturday 9 May is a make-up working day
    # (for the Labour Day break), 9 hours (13); Sunday off; Monday 11 May 9 (22); the last
    # 2 on Tuesday 12 May, 09:00-11:00. Without the make-up day it would be Wednesday 11:00.
    ticket = await _open(quiet, marketing, product, at=local(date(2026, 5, 8), 14))
    assert instant(ticket["sla"]["response_due_at"]) == datetime(2026, 5, 12, 3, tzinfo=UTC)
    assert ticket["sla"]["response_due_local"] == "2026-05-12T11:00:00+08:00"


async def test_opting_out_of_the_public_days(quiet: Collab) -> None:
    marketing, product = _units()
    read = await _put(quiet, product, {"builtin_holidays": False})
    assert (read["builtin_holidays"], read["public_holidays"]) == (False, None)
    ticket = await _open(quiet, marketing, product, at=local(date(2026, 9, 30), 10))
    # Mon-Fri 09:00-18:00 only: 8 on 30 Sep, 9 on Thu 1 Oct (17), 7 on Fri 2 Oct.
    assert ticket["sla"]["response_due_local"] == "2026-10-02T16:00:00+08:00"


async def test_departments_inherit_the_company_teams_their_department(quiet: Collab) -> None:
    suffix = uuid.uuid4().hex[:6]
    company, department, team, other = (
        f"{name}-{suffix}" for name in ("company", "marketing", "promotion", "sales")
    )
    for unit, parent in ((company, None), (department, company), (team, department)):
        await _unit(quiet, unit, parent)
    # The company is off on Wednesday 10 March 2027 (its anniversary, say).
    own = await _put(quiet, company, {"holidays": ["2027-03-10"]})
    assert (own["is_default"], own["inherited_from"], own["version"]) == (False, None, 1)

    inherited = await _get(quiet, department)
    assert (inherited["unit_id"], inherited["inherited_from"]) == (department, company)
    assert (inherited["is_default"], inherited["holidays"]) == (False, ["2027-03-10"])
    assert (await _get(quiet, team))["inherited_from"] == company
    # Tuesday 9 March 17:00: 1 hour; Wednesday off; Thursday 9 (10); Friday 9 (19); the
    # last 5 on Monday 15 March, 09:00-14:00.
    ticket = await _open(quiet, other, department, at=local(date(2027, 3, 9), 17))
    assert ticket["sla"]["response_due_local"] == "2027-03-15T14:00:00+08:00"

    # The department's own calendar (no extra holidays) reaches its team over the company's.
    await _put(quiet, department, {})
    assert (await _get(quiet, team))["inherited_from"] == department
    ticket = await _open(quiet, other, team, at=local(date(2027, 3, 9), 17))
    # Tuesday 1, Wednesday 9 (10), Thursday 9 (19), the last 5 on Friday 12 March.
    assert ticket["sla"]["response_due_local"] == "2027-03-12T14:00:00+08:00"
    assert instant(ticket["sla"]["response_due_at"]) == datetime(2027, 3, 12, 6, tzinfo=UTC)


async def test_mistyped_looking_days_are_kept_with_plain_warnings(quiet: Collab) -> None:
    _, product = _units()
    read = await _put(
        quiet,
        product,
        {
            "makeup_days": ["2027-03-10", "2026-10-06"],
            "holidays": ["2027-03-13", "2026-10-10"],
        },
    )
    assert read["makeup_days"] == ["2026-10-06", "2027-03-10"]
    assert read["warnings"] == [
        "2026-10-06 是星期二, 也是法定节假日: 设为调休上班日后, 本单位当天照常上班 "
        "(2026-10-06 is a Tuesday and a public holiday: as a make-up working day, the unit "
        "works that day)",
        "2027-03-10 是星期三, 本来就是工作日: 调休上班日通常是周末, 请确认日期 "
        "(2027-03-10 is a Wednesday, already a working day: make-up working days are usually "
        "weekend days; check the date)",
        "2026-10-10 是星期六, 也是法定调休上班日: 设为节假日后, 本单位当天不上班 "
        "(2026-10-10 is a Saturday and a public make-up working day: as a holiday, the unit "
        "does not work that day)",
        "2027-03-13 是星期六, 本来就不上班: 设为节假日不会改变任何时间, 请确认日期 "
        "(2027-03-13 is a Saturday, already a day off: as a holiday it changes nothing; "
        "check the date)",
    ]
    assert (await _get(quiet, product))["warnings"] == read["warnings"]


async def test_overlapping_working_windows_are_a_422_naming_the_day(quiet: Collab) -> None:
    _, product = _units()
    before = await _get(quiet, product)
    response = await quiet.client.put(
        f"/collab/calendars/{product}",
        json={"week": {"mon": ["09:00-12:00", "11:00-14:00"], "tue": ["09:00-18:00"]}},
        headers=HR,
    )
    assert response.status_code == 422, response.text
    message = (
        "工作时段不能重叠: 09:00-12:00 与 11:00-14:00 "
        "(working windows must not overlap: 09:00-12:00 and 11:00-14:00)"
    )
    assert response.json()["errors"] == [
        {"loc": ["body", "week", "mon"], "msg": message, "type": "value_error"}
    ]
    makeup = await quiet.client.put(
        f"/collab/calendars/{product}",
        json={"makeup_hours": ["13:00-18:00", "09:00-13:30"]},
        headers=HR,
    )
    assert makeup.status_code == 422, makeup.text
    assert makeup.json()["errors"][0]["loc"] == ["body", "makeup_hours"]
    assert await _get(quiet, product) == before  # nothing stored


async def test_a_day_both_holiday_and_make_up_day_is_a_plain_422(quiet: Collab) -> None:
    _, product = _units()
    response = await quiet.client.put(
        f"/collab/calendars/{product}",
        json={
            "holidays": ["2026-10-18", "2026-10-17"],
            "makeup_days": ["2026-10-17", "2026-10-18"],
        },
        headers=HR,
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    message = (
        "同一天不能既是节假日又是调休上班日: 2026-10-17, 2026-10-18 "
        "(a day cannot be both a holiday and a make-up working day: 2026-10-17, 2026-10-18)"
    )
    assert problem["detail"] == message
    assert problem["errors"] == [
        {"loc": ["body", "makeup_days"], "msg": message, "type": "value_error"}
    ]
    unknown = await quiet.client.put(
        f"/collab/calendars/{product}", json={"country": "XX"}, headers=HR
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == ["body", "country"]


async def test_due_and_breach_times_in_utc_and_the_owner_units_zone(quiet: Collab) -> None:
    marketing, product = _units()
    ticket = await _open(quiet, marketing, product, at=local(date(2026, 9, 30), 10))
    response = await quiet.client.get(
        f"/collab/tickets/{ticket['id']}", headers=auth("req-cal", ["member"], [marketing])
    )
    assert response.status_code == 200, response.text
    sla = response.json()["sla"]
    assert sla["response_due_local"] == "2026-10-09T16:00:00+08:00"
    assert instant(sla["response_due_local"]) == instant(sla["response_due_at"])
    assert instant(sla["resolution_due_local"]) == instant(sla["resolution_due_at"])
    assert instant(sla["response_due_at"]).utcoffset() == timedelta(0)

    # Both clocks are long past due on the real clock: the scheduler fires them now.
    await fire_due_deadlines(quiet.db, quiet.app.state.settings)
    steps = await quiet.client.get(
        f"/collab/tickets/{ticket['id']}/steps", headers=auth("req-cal", ["member"], [marketing])
    )
    assert steps.status_code == 200, steps.text
    found = [s for s in steps.json()["items"] if s["kind"] == "sla_breached"]
    breaches = {s["detail"]["clock"]: s for s in found}
    assert (len(found), sorted(breaches)) == (2, ["resolution", "response"])
    assert breaches["response"]["at_local"] == "2026-10-09T16:00:00+08:00"
    assert breaches["response"]["timezone"] == "Asia/Shanghai"
    assert instant(breaches["response"]["at"]) == instant(sla["response_due_at"])
    assert breaches["resolution"]["at_local"] == "2026-10-12T14:00:00+08:00"
    opened = [s for s in steps.json()["items"] if s["kind"] == "opened"]
    assert (opened[0]["timezone"], opened[0]["at_local"]) == (None, None)


async def test_another_zone_gives_its_own_offset(quiet: Collab) -> None:
    marketing, product = _units()
    await _put(quiet, product, {"timezone": "Europe/Berlin", "builtin_holidays": False})
    # Friday 26 March 2027, 17:00 in Berlin (+01:00): 1 hour; Monday 29 March 9 (10), Tuesday
    # 9 (19), the last 5 on Wednesday 31 March, 09:00-14:00, by then in summer time (+02:00).
    ticket = await _open(quiet, marketing, product, at=local(date(2027, 3, 26), 17, zone=BERLIN))
    sla = ticket["sla"]
    assert sla["timezone"] == "Europe/Berlin"
    assert sla["response_due_local"] == "2027-03-31T14:00:00+02:00"
    assert instant(sla["response_due_at"]) == datetime(2027, 3, 31, 12, tzinfo=UTC)
    assert Decimal(sla["response_target_hours"]) == Decimal(24)
