"""The management dashboard through the gateway (issue 15): a marketing department with two
teams and a quarter of data (January to March 2026, every service's "today" pinned to
2026-03-31), the eleven figures with every number worked out by hand, who sees which unit,
a service that is down, and the same answer as CSV.

The world, made through the gateway only (goals' events reach the other services):
  company 星火; department 市场部 (director dir); team A 推广组 (lead la; reps a1, a2, a3);
  team B 销售组 (lead lb; reps b1, b2); department 产品部 (asks the teams for things).
  Everyone hired 2025-01-02 but b2 (2025-07-01): 8 members at the start of 2026.
  a3 leaves by choice on 2026-02-20.
Revenue (the 15th of each month) and each rep's monthly revenue goal in 2026:
  a1 100000/100000, 120000/100000, 110000/100000    2025: 80000, 90000, 100000 (+ April)
  a2  80000/100000,  90000/100000, 100000/100000    2025: 70000, 70000, 80000
  a3  90000/ 80000,  96000/ 80000                   2025: 60000, 60000, 70000
  b1 150000/150000, 150000/150000, 200000/150000    2025: 120000, 130000, 150000
  b2  50000/ 50000,  70000/ 50000,  90000/ 50000    (hired in July 2025)
  unit goals: 市场部 2026-Q1 1500000; team A 2026-03 200000; team B 2026-03 300000; not due
  by 2026-03-31: 市场部 2026 (the year), team B 2026-Q2.
Live scores (one indicator, revenue attainment x 100, capped at 120):
  a1 100, 120, 110; a2 80, 90, 100; a3 112.5, 120; b1 100, 100, 120; b2 100, 120, 120.
Training (hours, completed): a1 16 (01-20), b1 40 (01-25), la 8 (02-10), a2 24 (02-15),
  a2 20 (03-05), dir 12 (03-18); a3 10 (2025-12-10, last year).
Pulse surveys: S1 team A opens 01-20: 5, 4, 2; S2 市场部 opens 02-20: 4, 5, 3, 4;
  S3 team B opens 03-20: 5, 4, 5.
Core projects (concluded, Shanghai time): P1 team A succeeded 01-15; P2 team A failed
  02-12; P3 team B succeeded 02-20; P4 市场部 succeeded 03-10; P5 team B succeeded 03-25;
  not counted: P6 team A not core (succeeded 03-01), P7 team B concluded 2025-12-20, P8
  team A still open.
Tickets to the teams (business hours Mon-Fri 09:00-18:00, no holiday on these days), "now"
  Tuesday 2026-03-31 12:00 Shanghai:
  T1 team A Mon 01-12 10:00 -> 13:00 = 3; T2 team B Wed 01-21 14:00 -> Thu 10:00 = 4 + 1 = 5;
  T3 team A Wed 02-04 09:00 -> Thu 12:00 = 9 + 3 = 12; T4 市场部 Tue 03-10 09:30 -> 11:00 =
  1.5; T5 team B Mon 03-16 10:00 -> Wed 03-18 16:00 = 8 + 9 + 7 = 24; T6 team A Mon 03-30
  09:00, no answer yet: 9 + 3 = 12 so far. Not counted: X1 owned by 产品部, X0 of 2025.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from collab.api.deps import now as collab_now
from collab.api.deps import today as collab_today
from deploy.localinfra import free_port
from gateway.main import create_app
from gateway.proxy import HttpUpstream, Upstream
from gateway.settings import GatewayMode, Settings
from goals.api.deps import today as goals_today
from incentives.api.deps import now as incentives_now
from incentives.api.deps import today as incentives_today
from performance.api.deps import today as performance_today
from shared.api import organisation_today
from tests.conftest import create_database
from tests.helpers import auth, post_ok
from tests.system import settled

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH_END = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 12, tzinfo=SHANGHAI)
HR = auth("hr-dash", ["hr"])
PROBLEM = "application/problem+json"
ORDER = [
    "goal_attainment",
    "result_growth",
    "project_success_rate",
    "core_retention",
    "voluntary_attrition",
    "training_coverage",
    "training_hours",
    "satisfaction",
    "role_fit",
    "competency_pass_rate",
    "first_response_hours",
]
MONTHS = ["2026-01", "2026-02", "2026-03"]

# member: (unit, layer, hired on)
MEMBERS = {
    "dir": ("dept", "management", "2025-01-02"),
    "la": ("A", "management", "2025-01-02"),
    "a1": ("A", "execution", "2025-01-02"),
    "a2": ("A", "execution", "2025-01-02"),
    "a3": ("A", "execution", "2025-01-02"),
    "lb": ("B", "management", "2025-01-02"),
    "b1": ("B", "execution", "2025-01-02"),
    "b2": ("B", "execution", "2025-07-01"),
}
REVENUE = {
    "a1": {
        "2026-01": 100000,
        "2026-02": 120000,
        "2026-03": 110000,
        "2025-01": 80000,
        "2025-02": 90000,
        "2025-03": 100000,
        "2025-04": 100000,  # not in this year's months so far
    },
    "a2": {
        "2026-01": 80000,
        "2026-02": 90000,
        "2026-03": 100000,
        "2025-01": 70000,
        "2025-02": 70000,
        "2025-03": 80000,
    },
    "a3": {
        "2026-01": 90000,
        "2026-02": 96000,
        "2025-01": 60000,
        "2025-02": 60000,
        "2025-03": 70000,
    },
    "b1": {
        "2026-01": 150000,
        "2026-02": 150000,
        "2026-03": 200000,
        "2025-01": 120000,
        "2025-02": 130000,
        "2025-03": 150000,
    },
    "b2": {"2026-01": 50000, "2026-02": 70000, "2026-03": 90000},
}
MONTHLY_TARGETS = {
    "a1": {"2026-01": 100000, "2026-02": 100000, "2026-03": 100000},
    "a2": {"2026-01": 100000, "2026-02": 100000, "2026-03": 100000},
    "a3": {"2026-01": 80000, "2026-02": 80000},
    "b1": {"2026-01": 150000, "2026-02": 150000, "2026-03": 150000},
    "b2": {"2026-01": 50000, "2026-02": 50000, "2026-03": 50000},
}
# Unit goals: (name, unit, period, target).
UNIT_GOALS = (
    ("dept-Q1", "dept", "2026-Q1", 1500000),
    ("A-03", "A", "2026-03", 200000),
    ("B-03", "B", "2026-03", 300000),
    ("dept-year", "dept", "2026", 6000000),
    ("B-Q2", "B", "2026-Q2", 400000),
)
TRAINING = (
    ("a1", "16", "2026-01-20"),
    ("b1", "40", "2026-01-25"),
    ("la", "8", "2026-02-10"),
    ("a2", "24", "2026-02-15"),
    ("a2", "20", "2026-03-05"),
    ("dir", "12", "2026-03-18"),
    ("a3", "10", "2025-12-10"),
)
SURVEYS = (
    ("A", "2026-01-20", "2026-01-31", date(2026, 1, 25), (("a1", 5), ("a2", 4), ("a3", 2))),
    (
        "dept",
        "2026-02-20",
        "2026-02-28",
        date(2026, 2, 25),
        (("dir", 4), ("la", 5), ("b1", 3), ("b2", 4)),
    ),
    ("B", "2026-03-20", "2026-03-31", date(2026, 3, 25), (("lb", 5), ("b1", 4), ("b2", 5))),
)
# Projects: (name, unit, core, awarded members, outcome S/F or None, concluded on).
PROJECTS = (
    ("P7", "B", True, ("b1",), "S", "2025-12-20"),
    ("P1", "A", True, ("a1",), "S", "2026-01-15"),
    ("P2", "A", True, ("a2",), "F", "2026-02-12"),
    ("P3", "B", True, ("b1",), "S", "2026-02-20"),
    ("P6", "A", False, ("a1",), "S", "2026-03-01"),
    ("P4", "dept", True, ("a1", "b1"), "S", "2026-03-10"),
    ("P5", "B", True, ("b2",), "S", "2026-03-25"),
    ("P8", "A", True, ("a2",), None, None),
)


def local(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), SHANGHAI)


# Tickets: (name, owner unit, opened, first response or None).
TICKETS = (
    ("X0", "A", local("2025-12-30", 10), local("2025-12-30", 11)),
    ("T1", "A", local("2026-01-12", 10), local("2026-01-12", 13)),
    ("X1", "prd", local("2026-01-13", 10), local("2026-01-13", 11)),
    ("T2", "B", local("2026-01-21", 14), local("2026-01-22", 10)),
    ("T3", "A", local("2026-02-04", 9), local("2026-02-05", 12)),
    ("T4", "dept", local("2026-03-10", 9, 30), local("2026-03-10", 11)),
    ("T5", "B", local("2026-03-16", 10), local("2026-03-18", 16)),
    ("T6", "A", local("2026-03-30", 9), None),
)


@dataclass
class Clocks:
    """The days and instants the services read as "today" and "now"."""

    performance_day: date = MARCH_END
    incentives_at: datetime = NOW
    collab_at: datetime = NOW


@dataclass
class World:
    client: httpx.AsyncClient
    app: FastAPI
    units: dict[str, str] = field(default_factory=dict)
    goals: dict[str, str] = field(default_factory=dict)
    records: list[str] = field(default_factory=list)
    surveys: list[str] = field(default_factory=list)
    projects: dict[str, str] = field(default_factory=dict)
    tickets: dict[str, str] = field(default_factory=dict)

    def director(self) -> dict[str, str]:
        return auth("dir", ["manager"], [self.units["dept"]])

    def lead(self, team: str) -> dict[str, str]:
        return auth(f"l{team.lower()}", ["manager"], [self.units[team]])

    async def dashboard(self, unit: str, headers: dict[str, str]) -> httpx.Response:
        return await self.client.get(
            "/dashboard",
            params={"unit_id": self.units.get(unit, unit), "year": 2026},
            headers=headers,
        )

    async def figures(self, unit: str, headers: dict[str, str]) -> dict[str, Any]:
        response = await self.dashboard(unit, headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert (body["unit_id"], body["year"]) == (self.units[unit], 2026)
        return body


async def _post(
    client: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str] = HR,
    status: int = 201,
) -> Any:
    return await post_ok(client, path, body, headers=headers, status=status)


def _pin(app: FastAPI, clocks: Clocks) -> None:
    """Every service's "today" (and collab's and incentives' "now") pinned to the clocks."""
    services = app.state.service_apps
    services["goals"].dependency_overrides[goals_today] = lambda: MARCH_END
    services["performance"].dependency_overrides[performance_today] = lambda: clocks.performance_day
    services["incentives"].dependency_overrides[incentives_today] = lambda: MARCH_END
    services["incentives"].dependency_overrides[incentives_now] = lambda: clocks.incentives_at
    services["collab"].dependency_overrides[collab_now] = lambda: clocks.collab_at

    def collab_day() -> date:
        return clocks.collab_at.astimezone(SHANGHAI).date()

    services["collab"].dependency_overrides[collab_today] = collab_day
    app.dependency_overrides[organisation_today] = lambda: MARCH_END


async def _organisation(world: World) -> None:
    client, units = world.client, world.units
    units["company"] = (
        await _post(client, "/goals/org-units", {"name": "星火", "kind": "company"})
    )["id"]
    for key, name in (("dept", "市场部 Marketing"), ("prd", "产品部 Product")):
        units[key] = (
            await _post(
                client,
                "/goals/org-units",
                {"name": name, "kind": "department", "parent_id": units["company"]},
            )
        )["id"]
    for key, name in (("A", "推广组 Team A"), ("B", "销售组 Team B")):
        units[key] = (
            await _post(
                client,
                "/goals/org-units",
                {"name": name, "kind": "team", "parent_id": units["dept"]},
            )
        )["id"]
    for member, (unit, layer, hired_on) in MEMBERS.items():
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": member,
                "home_unit_id": units[unit],
                "layer": layer,
                "hired_on": hired_on,
            },
        )
    await _post(
        client,
        "/goals/kpi-definitions",
        {"code": "revenue", "name": "销售额 Revenue", "unit": "CNY"},
    )
    await _post(
        client,
        "/performance/scorecard-templates",
        {
            "key": "revenue-only",
            "name": "销售额 Revenue",
            "indicators": [
                {
                    "code": "revenue",
                    "name": "销售额达成 Revenue attainment",
                    "category": "result",
                    "source": "kpi:revenue",
                    "weight": "1",
                }
            ],
        },
    )
    await settled(client)


async def _goal(world: World, owner_type: str, owner_id: str, period: str, target: int) -> str:
    goal = await _post(
        world.client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": f"销售额 {period}",
            "description": f"revenue target of {owner_id} for {period}",
            "owner_type": owner_type,
            "owner_id": owner_id,
            "period": period,
            "kpi": "revenue",
            "target_value": str(target),
        },
    )
    return str(goal["id"])


async def _goals_and_actuals(world: World) -> None:
    for member, months in MONTHLY_TARGETS.items():
        for month, target in months.items():
            world.goals[f"{member}-{month}"] = await _goal(world, "member", member, month, target)
    for name, unit, period, target in UNIT_GOALS:
        world.goals[name] = await _goal(world, "unit", world.units[unit], period, target)
    items = [
        {
            "owner_id": member,
            "kpi": "revenue",
            "date": f"{month}-15",
            "value": str(value),
            "idempotency_key": f"gw-dash-{member}-{month}",
        }
        for member, months in REVENUE.items()
        for month, value in months.items()
    ]
    report = await _post(world.client, "/goals/actuals/bulk", {"items": items}, status=200)
    assert (report["accepted"], report["rejected"]) == (len(items), 0), report
    await settled(world.client)
    read = await world.client.get("/goals/members/a3", headers=HR)
    left = await world.client.patch(
        "/goals/members/a3",
        headers={**HR, "If-Match": read.headers["etag"]},
        json={"left_on": "2026-02-20", "leave_reason": "voluntary"},
    )
    assert left.status_code == 200, left.text
    await settled(world.client)


async def _training_and_surveys(world: World, clocks: Clocks) -> None:
    for member, hours, on in TRAINING:
        record = await _post(
            world.client,
            "/performance/training-records",
            {
                "member_id": member,
                "title": "销售培训 Sales training",
                "hours": hours,
                "completed_on": on,
            },
        )
        world.records.append(str(record["id"]))
    for unit, opens_on, closes_on, answering_on, answers in SURVEYS:
        survey = await _post(
            world.client,
            "/performance/pulse-surveys",
            {
                "unit_id": world.units[unit],
                "question": "这个月你对工作满意吗? How satisfied are you?",
                "opens_on": opens_on,
                "closes_on": closes_on,
            },
        )
        world.surveys.append(str(survey["id"]))
        clocks.performance_day = answering_on
        for member, score in answers:
            home = world.units[MEMBERS[member][0]]
            answered = await world.client.post(
                f"/performance/pulse-surveys/{survey['id']}/answers",
                json={"score": score},
                headers=auth(member, ["member"], [home]),
            )
            assert answered.status_code == 204, answered.text
    clocks.performance_day = MARCH_END


async def _projects(world: World, clocks: Clocks) -> None:
    for name, unit, core, members, outcome, on in PROJECTS:
        project = await _post(
            world.client,
            "/incentives/projects",
            {
                "name": f"项目 {name}",
                "core": core,
                "unit_id": world.units[unit],
                "awards": [
                    {"member_id": m, "amount": {"amount": "1000", "currency": "CNY"}}
                    for m in members
                ],
            },
        )
        world.projects[name] = str(project["id"])
        if outcome is None or on is None:
            continue
        clocks.incentives_at = local(on, 10)
        path = "success" if outcome == "S" else "fail"
        await _post(
            world.client,
            f"/incentives/projects/{project['id']}/{path}",
            {"note": "结项 concluded"},
            status=200,
        )
    clocks.incentives_at = NOW


async def _tickets(world: World, clocks: Clocks) -> None:
    for name, owner, opened, answered in TICKETS:
        requester = "A" if owner == "prd" else "prd"
        clocks.collab_at = opened
        ticket = await _post(
            world.client,
            "/collab/tickets",
            {
                "title": "新品资料 product facts",
                "description": "请提供新品卖点 (the new product's selling points, please)",
                "category": "product_info",
                "requester_unit_id": world.units[requester],
                "owner_unit_id": world.units[owner],
            },
            headers=auth("req-1", ["member"], [world.units[requester]]),
        )
        world.tickets[name] = str(ticket["id"])
        if answered is not None:
            clocks.collab_at = answered
            await _post(
                world.client,
                f"/collab/tickets/{ticket['id']}/comments",
                {"body": "收到 (on it)"},
                headers=auth("resp-1", ["member"], [world.units[owner]]),
            )
    clocks.collab_at = NOW


@pytest.fixture(scope="module")
async def world(database_url: str) -> AsyncIterator[World]:
    """The whole system behind the gateway on a database of its own, with collab's deadline
    scheduler off (it runs on the real clock, long past these tickets' due times), and the
    quarter's data in place."""
    url = await create_database(database_url, f"dash_{uuid.uuid4().hex[:8]}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPEARHEAD_DATABASE_URL", url)
        app = create_app(Settings(mode=GatewayMode.embedded))
    runtime = app.state.service_apps["collab"].state.runtime
    runtime.definition = dataclasses.replace(runtime.definition, jobs=[])
    clocks = Clocks()
    _pin(app, clocks)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway", timeout=60
        ) as client,
    ):
        built = World(client, app)
        await _organisation(built)
        await _goals_and_actuals(built)
        await _training_and_surveys(built, clocks)
        await _projects(built, clocks)
        await _tickets(built, clocks)
        await settled(client)
        yield built


def _points(*values: str | None) -> list[dict[str, str | None]]:
    return [{"month": m, "actual": v} for m, v in zip(MONTHS, values, strict=True)]


# The department by hand, at 2026-03-31: (service, actual, status, target, trend Jan-Mar).
DEPARTMENT: dict[str, tuple[str, str | None, str, str, list[dict[str, str | None]]]] = {
    # Goals due by each month's end, attained = actual / target >= 1:
    #   Jan: a1 1.0 yes, a2 0.8 no, a3 1.125 yes, b1 1.0 yes, b2 1.0 yes       -> 4 / 5 = 0.8
    #   Feb: + a1 1.2 yes, a2 0.9 no, a3 1.2 yes, b1 1.0 yes, b2 1.4 yes       -> 8 / 10 = 0.8
    #   Mar: + a1 1.1, a2 1.0, b1 1.333333, b2 1.8 all yes; 市场部 Q1 (330000 + 270000 +
    #        186000 + 500000 + 210000 =) 1496000 / 1500000 = 0.997333 no; team A March
    #        (110000 + 100000 =) 210000 / 200000 = 1.05 yes; team B March (200000 + 90000 =)
    #        290000 / 300000 = 0.966667 no                                      -> 13 / 17
    #   = 0.764706: 0.135294 short of 0.90 (margin 0.05), missed.
    "goal_attainment": (
        "goals",
        "0.764706",
        "missed",
        "0.900000",
        _points("0.800000", "0.800000", "0.764706"),
    ),
    # Per-member result growth: this year 1496000 over 8 members (all employed in 2026,
    # a3 too); Jan-Mar 2025 (80000 + 90000 + 100000) + (70000 + 70000 + 80000) + (60000 +
    # 60000 + 70000) + (120000 + 130000 + 150000) = 1080000 over 7 (b2 came in July; a1's
    # April left out): (1496000 / 8) / (1080000 / 7) - 1 = 10472000 / 8640000 - 1 = 0.212037,
    # 0.087963 short of 0.30: missed.
    # Jan: (470000 / 8) / (330000 / 7) - 1 = 3290000 / 2640000 - 1 = 0.246212;
    # Feb: (996000 / 8) / (680000 / 7) - 1 = 6972000 / 5440000 - 1 = 0.281618.
    "result_growth": (
        "goals",
        "0.212037",
        "missed",
        "0.300000",
        _points("0.246212", "0.281618", "0.212037"),
    ),
    # Core projects concluded in 2026: Jan P1 S = 1 / 1; Feb + P2 F, P3 S = 2 / 3; Mar + P4 S,
    # P5 S = 4 / 5 = 0.8: 0.05 short of 0.85, within the margin 0.05: at risk.
    "project_success_rate": (
        "incentives",
        "0.800000",
        "at_risk",
        "0.850000",
        _points("1.000000", "0.666667", "0.800000"),
    ),
    # 8 at the start; core = round(8 x 0.3 = 2.4) = 2 by average score to each month:
    #   Jan: a3 112.5, then a1 = b1 = b2 = 100 (a1, the lower id): a3, a1 both active = 1;
    #   Feb: a3 116.25, a1 110 = b2 110 (a1): a3 gone on 02-20 -> 1 / 2;
    #   Mar: a3 116.25, b2 113.33 (a1 110, b1 106.67, a2 90): b2 stays -> 1 / 2 = 0.5. Missed.
    "core_retention": (
        "performance",
        "0.500000",
        "missed",
        "0.900000",
        _points("1.000000", "0.500000", "0.500000"),
    ),
    # a3 of 8: 1 / 8 = 0.125, 0.045 over 0.08 (margin 0.02): missed.
    "voluntary_attrition": (
        "performance",
        "0.125000",
        "missed",
        "0.080000",
        _points("0.000000", "0.125000", "0.125000"),
    ),
    # 8 members in the period; trained: Jan a1, b1 = 2 / 8; Feb + la, a2 = 4 / 8; Mar + dir =
    # 5 / 8 = 0.625 (a3's record is of 2025). Missed.
    "training_coverage": (
        "performance",
        "0.625000",
        "missed",
        "1.000000",
        _points("0.250000", "0.500000", "0.625000"),
    ),
    # Hours: Jan 16 + 40 = 56 / 8 = 7; Feb + 8 + 24 = 88 / 8 = 11; Mar + 20 + 12 = 120 / 8 = 15.
    "training_hours": (
        "performance",
        "15.000000",
        "missed",
        "40.000000",
        _points("7.000000", "11.000000", "15.000000"),
    ),
    # Answers of 4 or 5: Jan S1 2 / 3; Feb + S2 3 of 4 = 5 / 7 = 0.714286; Mar + S3 3 of 3 =
    # 8 / 10 = 0.8: 0.05 short of 0.85, within the margin: at risk.
    "satisfaction": (
        "performance",
        "0.800000",
        "at_risk",
        "0.850000",
        _points("0.666667", "0.714286", "0.800000"),
    ),
    # No position in this world is held and nobody was assessed: nothing to compute from.
    "role_fit": ("performance", None, "no_data", "0.950000", _points(None, None, None)),
    "competency_pass_rate": (
        "performance",
        None,
        "no_data",
        "0.900000",
        _points(None, None, None),
    ),
    # (3 + 5 + 12 + 1.5 + 24 + 12) / 6 = 57.5 / 6 = 9.583333 hours, under 24: met.
    # Jan (3 + 5) / 2 = 4; Feb (3 + 5 + 12) / 3 = 6.666667.
    "first_response_hours": (
        "collab",
        "9.583333",
        "met",
        "24.000000",
        _points("4.000000", "6.666667", "9.583333"),
    ),
}


def _summary(
    figure: dict[str, Any],
) -> tuple[str, str | None, str, str | None, list[dict[str, str | None]]]:
    return (
        figure["service"],
        figure["actual"],
        figure["status"],
        figure["target"],
        figure["trend"],
    )


def _explained(figure: dict[str, Any], text: str) -> bool:
    return any(text in line for line in figure["explanation"])


async def test_the_director_sees_the_departments_eleven_figures(world: World) -> None:
    body = await world.figures("dept", world.director())
    assert body["services"] == {
        name: {"status": "ok", "detail": None}
        for name in ("collab", "goals", "incentives", "performance")
    }
    assert [f["key"] for f in body["figures"]] == ORDER
    figures = {f["key"]: f for f in body["figures"]}
    for key, expected in DEPARTMENT.items():
        assert _summary(figures[key]) == expected, key
    assert (figures["goal_attainment"]["label"], figures["goal_attainment"]["unit"]) == (
        "目标达成率",
        "ratio",
    )
    assert figures["first_response_hours"]["direction"] == "at_most"
    assert figures["training_hours"]["unit"] == "hours_per_member"

    g, ids = world.goals, world.units
    attainment = figures["goal_attainment"]
    assert _explained(attainment, "截至 2026-03-31: 目标达成率 = 13 / 17 = 0.764706")
    assert _explained(
        attainment,
        f"unit {ids['dept']} 2026-Q1 revenue: 实际 / 目标 (actual / target) = "
        "1496000.00 / 1500000.00 = 0.997333 → 未达成 not attained",
    )
    assert _explained(
        attainment,
        "member a2 2026-01 revenue: 实际 / 目标 (actual / target) = "
        "80000.00 / 100000.00 = 0.800000 → 未达成 not attained",
    )
    member_goals = [f"{m}-{month}" for m, months in MONTHLY_TARGETS.items() for month in months]
    due = {g[name] for name in (*member_goals, "dept-Q1", "A-03", "B-03")}
    inputs = attainment["inputs"]
    assert len(inputs["goal_ids"]) == 17 and set(inputs["goal_ids"]) == due
    missed = {g[name] for name in ("a2-2026-01", "a2-2026-02", "dept-Q1", "B-03")}
    assert len(inputs["attained_goal_ids"]) == 13
    assert set(inputs["attained_goal_ids"]) == due - missed
    assert len(inputs["figure_ids"]) == 17

    growth = figures["result_growth"]
    assert _explained(growth, "增长 = (1496000 / 8) / (1080000 / 7) - 1 = 0.212037")
    assert growth["inputs"]["member_ids"] == ["a1", "a2", "a3", "b1", "b2", "dir", "la", "lb"]
    assert growth["inputs"]["last_year_member_ids"] == ["a1", "a2", "a3", "b1", "dir", "la", "lb"]
    assert growth["inputs"]["figure_ids"] == sorted(
        f"member:{m}:revenue:{month}"
        for m, months in REVENUE.items()
        for month in months
        if month.startswith("2026")
    )
    assert len(growth["inputs"]["last_year_figure_ids"]) == 12  # a1's April is not among them

    p = world.projects
    projects = figures["project_success_rate"]
    assert projects["inputs"]["succeeded_project_ids"] == [p["P1"], p["P3"], p["P4"], p["P5"]]
    assert projects["inputs"]["failed_project_ids"] == [p["P2"]]
    assert sorted(projects["inputs"]["unit_ids"]) == sorted([ids["dept"], ids["A"], ids["B"]])
    assert _explained(projects, "结项 5 个: 成功 4 个, 失败 1 个")
    assert _explained(projects, "成功率 = 成功 / 结项 = 4 / 5 = 0.800000")

    core = figures["core_retention"]
    assert core["inputs"] == {
        "members_at_start": ["a1", "a2", "a3", "b1", "b2", "dir", "la", "lb"],
        "core_members": ["a3", "b2"],
        "retained_members": ["b2"],
        "departed_core_members": ["a3"],
        "score_months": MONTHS,
    }
    assert "核心成员平均分 (average scores): a3 116.25、b2 113.33" in core["explanation"]
    assert _explained(core, "保留率 = 仍在岗的核心成员 / 核心成员 = 1 / 2 = 0.500000")

    attrition = figures["voluntary_attrition"]
    assert attrition["inputs"]["voluntary_leavers"] == ["a3"]
    assert _explained(attrition, "主动离职率 = 主动离职人数 / 年初在岗人数 = 1 / 8 = 0.125000")

    this_year = world.records[:6]  # the seventh is of 2025
    coverage = figures["training_coverage"]
    assert coverage["inputs"]["trained_members"] == ["a1", "a2", "b1", "dir", "la"]
    assert coverage["inputs"]["untrained_members"] == ["a3", "b2", "lb"]
    assert coverage["inputs"]["training_record_ids"] == this_year
    assert _explained(coverage, "培训覆盖率 = 受训人数 / 在岗人数 = 5 / 8 = 0.625000")
    hours = figures["training_hours"]
    assert hours["inputs"]["training_record_ids"] == this_year
    # Below 40 hours: all but a2 (24 + 20 = 44) and b1 (40).
    assert hours["inputs"]["members_below_target"] == ["a1", "a3", "b2", "dir", "la", "lb"]
    assert _explained(hours, "人均培训学时 = 总学时 / 在岗人数 = 120 / 8 = 15.000000")

    liked = figures["satisfaction"]
    assert liked["inputs"] == {"survey_ids": world.surveys}
    assert _explained(liked, "满意度 = 4 分或 5 分的回答 / 全部回答 = 8 / 10 = 0.800000")

    t = world.tickets
    response = figures["first_response_hours"]
    assert response["inputs"]["ticket_ids"] == [t[n] for n in ("T1", "T2", "T3", "T4", "T5", "T6")]
    assert response["inputs"]["unanswered_ticket_ids"] == [t["T6"]]
    assert _explained(response, "= 57.5000 / 6 = 9.583333 小时")


async def test_a_team_lead_sees_their_own_team_only(world: World) -> None:
    body = await world.figures("A", world.lead("A"))
    assert set(body["services"]) == {"collab", "goals", "incentives", "performance"}
    assert {s["status"] for s in body["services"].values()} == {"ok"}
    figures = {f["key"]: f for f in body["figures"]}
    assert list(figures) == ORDER
    team_a = {key: (f["actual"], f["status"]) for key, f in figures.items()}
    assert team_a == {
        # a1 x3, a2 x3, a3 x2, team A March: Jan 2 / 3, Feb 4 / 6, Mar 7 / 9 = 0.777778.
        "goal_attainment": ("0.777778", "missed"),
        # (330000 + 270000 + 186000 = 786000) / 4 vs (270000 + 220000 + 190000 = 680000) / 4.
        "result_growth": ("0.155882", "missed"),
        # P1 succeeded, P2 failed (P6 is not core, P8 open): 1 / 2.
        "project_success_rate": ("0.500000", "missed"),
        # 4 at the start (la, a1, a2, a3): core round(1.2) = 1: a3, gone.
        "core_retention": ("0.000000", "missed"),
        "voluntary_attrition": ("0.250000", "missed"),
        # a1, la, a2 of 4; 16 + 8 + 24 + 20 = 68 / 4 = 17 hours.
        "training_coverage": ("0.750000", "missed"),
        "training_hours": ("17.000000", "missed"),
        # S1 only (the department's S2 is not the team's): 2 / 3.
        "satisfaction": ("0.666667", "missed"),
        "role_fit": (None, "no_data"),
        "competency_pass_rate": (None, "no_data"),
        # T1 3, T3 12, T6 12 so far: 27 / 3 = 9.
        "first_response_hours": ("9.000000", "met"),
    }
    assert figures["goal_attainment"]["trend"] == _points("0.666667", "0.666667", "0.777778")
    assert figures["core_retention"]["trend"] == _points("1.000000", "0.000000", "0.000000")
    assert figures["first_response_hours"]["trend"] == _points("3.000000", "7.500000", "9.000000")
    assert figures["first_response_hours"]["inputs"]["ticket_ids"] == [
        world.tickets[n] for n in ("T1", "T3", "T6")
    ]
    # Team B, by its lead: b1, b2 goals all attained, team B March not: 6 / 7; growth
    # (710000 / 3) / (400000 / 2) - 1 = 1420000 / 1200000 - 1; T2 5, T5 24: 14.5 hours.
    team_b = {f["key"]: f for f in (await world.figures("B", world.lead("B")))["figures"]}
    assert team_b["goal_attainment"]["actual"] == "0.857143"
    assert team_b["result_growth"]["actual"] == "0.183333"
    assert team_b["project_success_rate"]["trend"] == _points(None, "1.000000", "1.000000")
    assert team_b["first_response_hours"]["actual"] == "14.500000"

    for unit, headers in (
        ("B", world.lead("A")),
        ("dept", world.lead("A")),
        ("A", world.lead("B")),
        ("A", auth("a1", ["member"], [world.units["A"]])),
    ):
        refused = await world.dashboard(unit, headers)
        assert refused.status_code == 403, (unit, refused.text)
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert refused.json()["status"] == 403
    missing = await world.dashboard("no-such-unit", HR)
    assert missing.status_code == 404, missing.text
    assert missing.headers["content-type"].startswith(PROBLEM)


async def test_a_service_that_is_down_shows_as_unavailable(world: World) -> None:
    upstreams: dict[str, Upstream] = world.app.state.upstreams
    kept = upstreams["collab"]
    dead = HttpUpstream("collab", f"http://127.0.0.1:{free_port()}", timeout_s=1)
    upstreams["collab"] = dead
    try:
        body = await world.figures("dept", world.director())
    finally:
        upstreams["collab"] = kept
        await dead.close()
    assert body["services"]["collab"]["status"] == "unavailable"
    assert "collab" in body["services"]["collab"]["detail"]
    assert {body["services"][n]["status"] for n in ("goals", "incentives", "performance")} == {"ok"}
    figures = {f["key"]: f for f in body["figures"]}
    assert list(figures) == ORDER
    down = figures["first_response_hours"]
    assert (down["service"], down["status"], down["actual"], down["target"], down["trend"]) == (
        "collab",
        "unavailable",
        None,
        None,
        [],
    )
    assert down["label"] == "跨部门首次响应时长"
    assert down["explanation"][0].startswith("暂不可用 (unavailable)")
    for key, expected in DEPARTMENT.items():
        if key != "first_response_hours":
            assert _summary(figures[key]) == expected, key
    # And back again once it answers.
    again = await world.figures("dept", world.director())
    assert again["services"]["collab"]["status"] == "ok"


async def test_the_dashboard_as_csv(world: World) -> None:
    response = await world.client.get(
        "/dashboard.csv",
        params={"unit_id": world.units["dept"], "year": 2026},
        headers=world.director(),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    assert f"dashboard-{world.units['dept']}-2026.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, *lines = rows
    assert header == [
        "key",
        "指标 (figure)",
        "figure",
        "service",
        "unit",
        "direction",
        "actual",
        "target",
        "status",
        *MONTHS,
        "说明 (explanation)",
    ]
    assert [line[0] for line in lines] == ORDER
    for line in lines:
        service, actual, status, target, trend = DEPARTMENT[line[0]]
        columns = dict(zip(header, line, strict=True))
        assert (columns["service"], columns["actual"], columns["target"], columns["status"]) == (
            service,
            actual or "",
            target,
            status,
        )
        assert [columns[m] for m in MONTHS] == [p["actual"] or "" for p in trend]
    assert dict(zip(header, lines[0], strict=True))["指标 (figure)"] == "目标达成率"
    # The year defaults to the organisation's today: 2026.
    default = await world.client.get(
        "/dashboard.csv", params={"unit_id": world.units["dept"]}, headers=world.director()
    )
    assert default.status_code == 200
    assert default.content == response.content
