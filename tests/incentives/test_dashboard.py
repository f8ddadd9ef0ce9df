"""The dashboard's core project success rate (issue 15), through incentives' HTTP API on the
real Postgres: a marketing department with two teams and a quarter of projects (Jan-Mar
2026, today pinned to 2026-03-31), the org tree fed by goals' ``OrgUnitChanged``, each
outcome published as ``ProjectConcluded``.

By hand (S succeeded, F failed; every project core unless said; local time Asia/Shanghai):
  team-a: A1 S 01-15, A2 F 02-10, A3 S 03-05; A4 F 03-06 (not core); A5 never concluded;
          A0 S 2025-12-31 23:00 local (last year)
  team-b: B1 S 01-20, B2 S 02-20, B3 F 03-20
  mkt:    D1 S 03-10 (no unit given: the lowest unit of its members a1 and b1 is mkt)
  other:  O1 F 02-01 (another department)
  team-a: Jan 1/1 = 1, Feb 1/2 = 0.5, Mar 2/3 = 0.666667 -> missed (0.85, margin 0.05)
  team-b: Jan 1/1 = 1, Feb 2/2 = 1, Mar 2/3 = 0.666667
  mkt:    Jan 2/2 = 1, Feb 3/4 = 0.75, Mar 5/7 = 0.714286 -> missed
  after HR sets 0.70 (margin 0.05): mkt met, team-a at_risk (0.70 - 0.666667 <= 0.05)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from incentives.api.deps import now, today
from incentives.main import create_app
from incentives.settings import Settings
from shared.errors import OUT_OF_SCOPE, SELF_DECISION
from shared.events import Envelope
from shared.inprocess import InProcessBus
from shared.settings import BusKind
from tests.helpers import auth
from tests.incentives.desk import member_event, refused
from tests.incentives.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNITS = {"co": None, "mkt": "co", "team-a": "mkt", "team-b": "mkt", "other": "co"}
MEMBERS = {
    "a1": ["co", "mkt", "team-a"],
    "a2": ["co", "mkt", "team-a"],
    "lead-a": ["co", "mkt", "team-a"],
    "b1": ["co", "mkt", "team-b"],
    "o1": ["co", "other"],
}
HR = auth("hr-1", ["hr"])
DIRECTOR = auth("dir", ["manager"], ["mkt"])
LEAD_A = auth("lead-a", ["manager"], ["team-a"])
LEAD_B = auth("lead-b", ["manager"], ["team-b"])
FINANCE = auth("fin-1", ["finance"])
MEMBER = auth("a2", ["member"], ["team-a"])


def local(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), SHANGHAI).replace(
        hour=hour
    )


def unit_event(unit_id: str, parent_id: str | None) -> Envelope:
    return Envelope(
        source="goals",
        type="goals.org-unit.changed",
        subject=unit_id,
        correlationid="dashboard",
        data={
            "unit_id": unit_id,
            "name": f"单位 {unit_id}",
            "kind": "team" if parent_id == "mkt" else "department",
            "parent_id": parent_id,
            "version": 1,
        },
    )


@dataclass
class Office:
    client: httpx.AsyncClient
    pinned: dict[str, datetime]

    async def project(
        self, headers: dict[str, str], *members: str, unit_id: str | None = None, core: bool = True
    ) -> str:
        body: dict[str, Any] = {
            "name": f"项目 {'+'.join(members)}",
            "core": core,
            "awards": [
                {"member_id": m, "amount": {"amount": "1000", "currency": "CNY"}} for m in members
            ],
        }
        if unit_id is not None:
            body["unit_id"] = unit_id
        response = await self.client.post("/incentives/projects", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def conclude(
        self, project_id: str, outcome: str, at: datetime, headers: dict[str, str]
    ) -> dict[str, Any]:
        self.pinned["now"] = at
        path = "success" if outcome == "S" else "fail"
        response = await self.client.post(
            f"/incentives/projects/{project_id}/{path}", json={"note": "结项"}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def dashboard(
        self, unit_id: str, headers: dict[str, str] = HR, **query: Any
    ) -> httpx.Response:
        return await self.client.get(
            "/incentives/dashboard", params={"unit_id": unit_id, **query}, headers=headers
        )

    async def figure(self, unit_id: str, headers: dict[str, str] = HR, **query: Any) -> Any:
        response = await self.dashboard(unit_id, headers, **query)
        assert response.status_code == 200, response.text
        part = response.json()
        assert (part["service"], part["unit_id"]) == ("incentives", unit_id)
        [only] = part["figures"]
        return only


@pytest.fixture
async def office(world: World) -> AsyncIterator[Office]:
    app = create_app(Settings(database_url=world.url, bus=BusKind.inprocess), bus=InProcessBus())
    pinned = {"now": datetime(2026, 3, 31, 2, tzinfo=UTC)}
    app.dependency_overrides[now] = lambda: pinned["now"]
    app.dependency_overrides[today] = lambda: date(2026, 3, 31)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://incentives", timeout=60
        ) as client,
    ):
        await world.apply(*(unit_event(u, parent) for u, parent in UNITS.items()))
        await world.apply(
            *(member_event(m, path, name=m, layer="execution") for m, path in MEMBERS.items())
        )
        yield Office(client, pinned)


async def quarter(office: Office) -> dict[str, str]:
    ids = {
        "A0": await office.project(LEAD_A, "a1", unit_id="team-a"),
        "A1": await office.project(LEAD_A, "a1", unit_id="team-a"),
        "A2": await office.project(LEAD_A, "a2", unit_id="team-a"),
        "A3": await office.project(LEAD_A, "a1", "a2"),  # the lowest common unit: team-a
        "A4": await office.project(LEAD_A, "a1", unit_id="team-a", core=False),
        "A5": await office.project(LEAD_A, "a2", unit_id="team-a"),
        "B1": await office.project(LEAD_B, "b1", unit_id="team-b"),
        "B2": await office.project(LEAD_B, "b1", unit_id="team-b"),
        "B3": await office.project(LEAD_B, "b1", unit_id="team-b"),
        "D1": await office.project(DIRECTOR, "a1", "b1"),
        "O1": await office.project(HR, "o1", unit_id="other"),
    }
    for key, outcome, at, headers in (
        ("A0", "S", local("2025-12-31", 23), LEAD_A),
        ("A1", "S", local("2026-01-15"), LEAD_A),
        ("A2", "F", local("2026-02-10"), LEAD_A),
        ("A3", "S", local("2026-03-05"), LEAD_A),
        ("A4", "F", local("2026-03-06"), LEAD_A),
        ("B1", "S", local("2026-01-20"), LEAD_B),
        ("B2", "S", local("2026-02-20"), LEAD_B),
        ("B3", "F", local("2026-03-20"), LEAD_B),
        ("D1", "S", local("2026-03-10"), DIRECTOR),
        ("O1", "F", local("2026-02-01"), HR),
    ):
        await office.conclude(ids[key], outcome, at, headers)
    return ids


def trend(*points: str | None) -> list[dict[str, Any]]:
    return [{"month": f"2026-{i + 1:02d}", "actual": p} for i, p in enumerate(points)]


async def test_success_rate_of_two_teams_and_their_department(office: Office, world: World) -> None:
    ids = await quarter(office)

    team_a = await office.figure("team-a")
    assert (team_a["key"], team_a["unit"], team_a["direction"]) == (
        "project_success_rate",
        "ratio",
        "at_least",
    )
    assert team_a["label"] == "核心项目成功率"
    # 2 of team-a's 3 core projects concluded in 2026 succeeded (A4 is not core, A5 open,
    # A0 concluded on 2025-12-31 local time).
    assert (team_a["actual"], team_a["target"], team_a["at_risk_margin"]) == (
        "0.666667",
        "0.850000",
        "0.050000",
    )
    assert team_a["status"] == "missed"
    assert team_a["trend"] == trend("1.000000", "0.500000", "0.666667")
    assert team_a["inputs"] == {
        "succeeded_project_ids": [ids["A1"], ids["A3"]],
        "failed_project_ids": [ids["A2"]],
        "unit_ids": ["team-a"],
    }
    assert "结项 3 个: 成功 2 个, 失败 1 个" in team_a["explanation"][1]
    assert "成功率 = 成功 / 结项 = 2 / 3 = 0.666667" in team_a["explanation"][2]

    team_b = await office.figure("team-b", LEAD_B)
    assert (team_b["actual"], team_b["status"]) == ("0.666667", "missed")
    assert team_b["trend"] == trend("1.000000", "1.000000", "0.666667")
    assert team_b["inputs"]["succeeded_project_ids"] == [ids["B1"], ids["B2"]]
    assert team_b["inputs"]["failed_project_ids"] == [ids["B3"]]

    # The department: its own project D1 and both teams' (not the other department's O1).
    mkt = await office.figure("mkt", DIRECTOR)
    assert (mkt["actual"], mkt["status"]) == ("0.714286", "missed")
    assert mkt["trend"] == trend("1.000000", "0.750000", "0.714286")
    assert mkt["inputs"] == {
        "succeeded_project_ids": [ids["A1"], ids["B1"], ids["B2"], ids["A3"], ids["D1"]],
        "failed_project_ids": [ids["A2"], ids["B3"]],
        "unit_ids": ["mkt", "team-a", "team-b"],
    }
    assert "2026-01-01 至 2026-03-31" in mkt["explanation"][0]
    assert "5 / 7 = 0.714286" in mkt["explanation"][2]

    # Last year: twelve months, only December has a concluded project.
    last_year = await office.figure("team-a", year=2025)
    assert (last_year["actual"], last_year["status"]) == ("1.000000", "met")
    assert last_year["trend"] == [
        {"month": f"2025-{m:02d}", "actual": "1.000000" if m == 12 else None} for m in range(1, 13)
    ]
    # A unit with nothing concluded: no data, never a zero.
    empty = await office.figure("team-b", year=2025)
    assert (empty["actual"], empty["status"]) == (None, "no_data")
    assert empty["trend"] == [{"month": f"2025-{m:02d}", "actual": None} for m in range(1, 13)]

    # Each outcome was published once, in the same transaction as the change.
    published = await world.scalar(
        "SELECT json_agg(envelope -> 'data' ORDER BY id) FROM incentives.outbox "
        "WHERE event_type = 'incentives.project.concluded'"
    )
    assert len(published) == 10
    a2 = next(e for e in published if e["project_id"] == ids["A2"])
    assert a2 == {
        "project_id": ids["A2"],
        "name": "项目 a2",
        "unit_id": "team-a",
        "core": True,
        "outcome": "failed",
        "concluded_by": "lead-a",
        "concluded_at": "2026-02-10T02:00:00Z",
        "note": "结项",
    }
    d1 = next(e for e in published if e["project_id"] == ids["D1"])
    assert (d1["unit_id"], d1["outcome"], d1["concluded_by"]) == ("mkt", "succeeded", "dir")


async def test_who_reads_a_units_rate_and_who_sets_its_target(office: Office) -> None:
    await quarter(office)
    # A team's manager reads their team only; the director the department and its teams.
    assert (await office.dashboard("team-a", LEAD_A)).status_code == 200
    for unit_id in ("team-b", "mkt", "other"):
        response = await office.dashboard(unit_id, LEAD_A)
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    for unit_id in ("mkt", "team-a", "team-b"):
        assert (await office.dashboard(unit_id, DIRECTOR)).status_code == 200
    assert (await office.dashboard("other", DIRECTOR)).status_code == 403
    for headers in (MEMBER, FINANCE):
        assert (await office.dashboard("team-a", headers)).status_code == 403
    assert (await office.dashboard("other", HR)).status_code == 200
    assert (await office.dashboard("nowhere", HR)).status_code == 404

    # HR sets the organisation's target; the status computed next follows it.
    body = {"target": "0.70", "at_risk_margin": "0.05"}
    refused_put = await office.client.put(
        "/incentives/dashboard/targets/project_success_rate", json=body, headers=DIRECTOR
    )
    assert refused_put.status_code == 403, refused_put.text
    unknown = await office.client.put(
        "/incentives/dashboard/targets/no_such_figure", json=body, headers=HR
    )
    assert unknown.status_code == 404, unknown.text
    put = await office.client.put(
        "/incentives/dashboard/targets/project_success_rate", json=body, headers=HR
    )
    assert put.status_code == 200, put.text
    assert (put.json()["target"], put.json()["version"]) == ("0.700000", 1)
    mkt = await office.figure("mkt")
    assert (mkt["actual"], mkt["target"], mkt["status"]) == ("0.714286", "0.700000", "met")
    team_a = await office.figure("team-a")
    assert (team_a["target"], team_a["status"]) == ("0.700000", "at_risk")
    listed = await office.client.get("/incentives/dashboard/targets", headers=MEMBER)
    assert listed.status_code == 200, listed.text
    [listed_target] = listed.json()["targets"]
    assert (listed_target["key"], listed_target["target"], listed_target["version"]) == (
        "project_success_rate",
        "0.700000",
        1,
    )


async def test_a_project_concludes_once_by_those_who_may_mark_it(office: Office) -> None:
    pays_lead = await office.project(HR, "lead-a", unit_id="team-a")
    response = await office.client.post(
        f"/incentives/projects/{pays_lead}/fail", json={"note": "x"}, headers=LEAD_A
    )
    refused(response, SELF_DECISION, "mark-project-failed")
    team_b = await office.project(LEAD_B, "b1", unit_id="team-b")
    response = await office.client.post(
        f"/incentives/projects/{team_b}/fail", json={"note": "x"}, headers=LEAD_A
    )
    refused(response, OUT_OF_SCOPE, "mark-project-failed")
    failed = await office.conclude(team_b, "F", local("2026-03-02"), LEAD_B)
    assert (failed["state"], failed["outcome"], failed["failure_note"]) == (
        "failed",
        "failed",
        "结项",
    )
    assert (failed["unit_id"], failed["core"], failed["concluded_by"]) == ("team-b", True, "lead-b")
    for path in ("success", "fail"):
        again = await office.client.post(
            f"/incentives/projects/{team_b}/{path}", json={"note": "x"}, headers=HR
        )
        assert again.status_code == 409, again.text
    # A failed project's bonuses are never approved.
    approve = await office.client.post(f"/incentives/projects/{team_b}/approve", headers=FINANCE)
    assert approve.status_code == 409, approve.text

    # The owner unit: a manager's own or below (403), one incentives knows (422 naming it).
    outside = await office.client.post(
        "/incentives/projects",
        json={
            "name": "x",
            "unit_id": "team-b",
            "awards": [{"member_id": "a1", "amount": {"amount": "1", "currency": "CNY"}}],
        },
        headers=LEAD_A,
    )
    refused(outside, OUT_OF_SCOPE, "create-project-bonus")
    unknown = await office.client.post(
        "/incentives/projects",
        json={
            "name": "x",
            "unit_id": "nowhere",
            "awards": [{"member_id": "a1", "amount": {"amount": "1", "currency": "CNY"}}],
        },
        headers=HR,
    )
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["errors"][0]["loc"] == ["body", "unit_id"]
