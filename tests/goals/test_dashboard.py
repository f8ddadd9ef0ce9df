"""Goals' part of the management dashboard through the gateway: a department with two teams,
a quarter of actuals (January to March 2026) and some of 2025, goal attainment and
per-member result growth with every number worked out by hand, who may read which unit, and
the organisation's targets for them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.helpers import auth, post_ok

HR = auth("hr-dash", ["hr"])
_post = functools.partial(post_ok, headers=HR)
System = tuple[httpx.AsyncClient, Callable[[date], None]]
World = tuple[dict[str, str], dict[str, str]]

# Revenue by member and month (the 15th). da3 joins on 2026-02-01; db3 leaves on 2025-02-28.
REVENUE = {
    "da1": {
        "2026-01": 100000,
        "2026-02": 120000,
        "2026-03": 150000,
        "2025-01": 90000,
        "2025-02": 100000,
        "2025-03": 110000,
        "2025-04": 500000,  # not in the same months as this year's quarter
    },
    "da2": {
        "2026-01": 80000,
        "2026-02": 90000,
        "2026-03": 100000,
        "2025-01": 70000,
        "2025-03": 80000,
    },
    "da3": {"2026-03": 60000},
    "db1": {
        "2026-01": 200000,
        "2026-02": 150000,
        "2026-03": 250000,
        "2025-01": 150000,
        "2025-02": 150000,
        "2025-03": 200000,
    },
    "db2": {"2026-01": 50000, "2026-03": 70000, "2025-02": 40000},
    "db3": {"2025-01": 60000, "2025-02": 30000},
}
HIRED = {"da1": "2024-06-01", "da2": "2024-06-01", "da3": "2026-02-01"}
HIRED |= {"db1": "2024-06-01", "db2": "2024-06-01", "db3": "2024-06-01"}


def D(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def _world(client: httpx.AsyncClient) -> dict[str, str]:
    ids: dict[str, str] = {}
    ids["company"] = (await _post(client, "/goals/org-units", {"name": "星火", "kind": "company"}))[
        "id"
    ]
    ids["dept"] = (
        await _post(
            client,
            "/goals/org-units",
            {"name": "市场部 Marketing", "kind": "department", "parent_id": ids["company"]},
        )
    )["id"]
    for team, name in (("A", "推广组 Team A"), ("B", "销售组 Team B")):
        ids[team] = (
            await _post(
                client, "/goals/org-units", {"name": name, "kind": "team", "parent_id": ids["dept"]}
            )
        )["id"]
    for member, hired in HIRED.items():
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": member,
                "home_unit_id": ids[member[1].upper()],
                "layer": "management" if member.endswith("1") else "execution",
                "hired_on": hired,
            },
        )
    for body in (
        {"code": "revenue", "name": "销售额 Revenue", "unit": "CNY"},
        {"code": "cost", "name": "获客成本 Cost", "unit": "CNY", "direction": "lower_is_better"},
    ):
        await _post(client, "/goals/kpi-definitions", body)
    return ids


async def _goal(
    client: httpx.AsyncClient, owner_type: str, owner_id: str, period: str, target: int, kpi: str
) -> str:
    goal = await _post(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": f"{kpi} {period}",
            "description": f"{kpi} target for {period}, the plan's number",
            "owner_type": owner_type,
            "owner_id": owner_id,
            "period": period,
            "kpi": kpi,
            "target_value": str(target),
        },
    )
    goal_id: str = goal["id"]
    return goal_id


async def _goals(client: httpx.AsyncClient, ids: dict[str, str]) -> dict[str, str]:
    g: dict[str, str] = {}
    for name, owner_type, owner, period, target, kpi in (
        ("G1", "unit", ids["dept"], "2026-Q1", 1500000, "revenue"),
        ("G2", "unit", ids["A"], "2026-03", 300000, "revenue"),
        ("G3", "unit", ids["B"], "2026-03", 300000, "revenue"),
        ("G4", "member", "da1", "2026-01", 100000, "revenue"),
        ("G5", "member", "da1", "2026-02", 100000, "revenue"),
        ("G6", "member", "da1", "2026-03", 160000, "revenue"),
        ("G7", "member", "db1", "2026-01", 250000, "revenue"),
        ("G8", "member", "db2", "2026-02", 1000, "cost"),
        ("G9", "member", "da3", "2026-02", 50000, "revenue"),
        ("G10", "member", "db2", "2026-03", 70000, "revenue"),
        # Not due in the 2026 year to date, or not in the department's subtree:
        ("X1", "unit", ids["dept"], "2026", 6000000, "revenue"),
        ("X2", "unit", ids["A"], "2026-Q2", 400000, "revenue"),
        ("X3", "member", "da1", "2025-12", 100000, "revenue"),
        ("X4", "company", ids["company"], "2026-01", 2000000, "revenue"),
    ):
        g[name] = await _goal(client, owner_type, owner, period, target, kpi)
    return g


async def _actuals(client: httpx.AsyncClient) -> None:
    items = [
        {
            "owner_id": member,
            "kpi": "revenue",
            "date": f"{month}-15",
            "value": str(value),
            "idempotency_key": f"dash-{member}-{month}",
        }
        for member, months in REVENUE.items()
        for month, value in months.items()
    ]
    items.append(
        {
            "owner_id": "db2",
            "kpi": "cost",
            "date": "2026-02-10",
            "value": "800",
            "idempotency_key": "dash-db2-cost",
        }
    )
    report = await _post(client, "/goals/actuals/bulk", {"items": items}, status=200)
    assert (report["accepted"], report["rejected"]) == (len(items), 0), report
    # db3 leaves on 2025-02-28 (after the actuals are in).
    read = await client.get("/goals/members/db3", headers=HR)
    left = await client.patch(
        "/goals/members/db3",
        headers={**HR, "If-Match": read.headers["etag"]},
        json={"left_on": "2025-02-28", "leave_reason": "voluntary"},
    )
    assert left.status_code == 200, left.text


async def _part(
    client: httpx.AsyncClient, unit_id: str, headers: dict[str, str] = HR, year: int | None = None
) -> dict[str, dict[str, Any]]:
    query = f"unit_id={unit_id}" + (f"&year={year}" if year else "")
    response = await client.get(f"/goals/dashboard?{query}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["service"] == "goals" and body["unit_id"] == unit_id
    assert body["year"] == (year or 2026)
    return {f["key"]: f for f in body["figures"]}


def _trend(figure: dict[str, Any]) -> list[tuple[str, Decimal | None]]:
    return [(p["month"], D(p["actual"])) for p in figure["trend"]]


@pytest.fixture(scope="module")
async def world(system: System) -> World:
    """The department, its two teams, their goals and actuals: (unit ids, goal ids)."""
    client, _set_today = system
    ids = await _world(client)
    goals = await _goals(client, ids)
    await _actuals(client)
    return ids, goals


async def test_goals_dashboard_for_a_department_and_its_teams(system: System, world: World) -> None:
    client, set_today = system
    ids, g = world

    part = await _part(client, ids["dept"])
    assert list(part) == ["goal_attainment", "result_growth"]

    # Goal attainment, department, due by 2026-03-31 (each goal's actual / target):
    #   Jan: G4 da1 100000/100000 = 1 yes; G7 db1 200000/250000 = 0.8 no          -> 1/2 = 0.5
    #   Feb: + G5 da1 120000/100000 = 1.2 yes; G8 db2 cost (lower is better) 1000/800 = 1.25
    #        yes; G9 da3 no actual, no                                            -> 3/5 = 0.6
    #   Mar: + G1 dept Q1 (370000+270000+60000+600000+120000 =) 1420000/1500000 = 0.946667 no;
    #        G2 team A March (150000+100000+60000 =) 310000/300000 = 1.033333 yes;
    #        G3 team B March (250000+70000 =) 320000/300000 = 1.066667 yes;
    #        G6 da1 150000/160000 = 0.9375 no; G10 db2 70000/70000 = 1 yes     -> 6/10 = 0.6
    # X1 (the year), X2 (Q2) are not due, X3 (2025) is last year's, X4 is the company's.
    attainment = part["goal_attainment"]
    assert (attainment["label"], attainment["label_en"]) == ("目标达成率", "Goal attainment")
    assert (attainment["unit"], attainment["direction"]) == ("ratio", "at_least")
    assert D(attainment["actual"]) == Decimal("0.6")
    assert (D(attainment["target"]), D(attainment["at_risk_margin"])) == (
        Decimal("0.9"),
        Decimal("0.05"),
    )
    assert attainment["status"] == "missed"  # 0.9 - 0.6 = 0.3 > 0.05
    assert _trend(attainment) == [
        ("2026-01", Decimal("0.5")),
        ("2026-02", Decimal("0.6")),
        ("2026-03", Decimal("0.6")),
    ]
    due = {g[n] for n in ("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9", "G10")}
    inputs = attainment["inputs"]
    assert len(inputs["goal_ids"]) == 10 and set(inputs["goal_ids"]) == due
    assert set(inputs["attained_goal_ids"]) == {g[n] for n in ("G2", "G3", "G4", "G5", "G8", "G10")}
    assert len(inputs["attained_goal_ids"]) == 6
    assert inputs["figure_ids"] == sorted(
        [
            f"unit:{ids['dept']}:revenue:2026-Q1",
            f"unit:{ids['A']}:revenue:2026-03",
            f"unit:{ids['B']}:revenue:2026-03",
            "member:da1:revenue:2026-01",
            "member:da1:revenue:2026-02",
            "member:da1:revenue:2026-03",
            "member:db1:revenue:2026-01",
            "member:db2:cost:2026-02",
            "member:da3:revenue:2026-02",
            "member:db2:revenue:2026-03",
        ]
    )
    lines = attainment["explanation"]
    assert lines[0].startswith("目标达成率 = 已达成的目标数 / 到期的目标数")
    assert "截至 2026-03-31: 目标达成率 = 6 / 10 = 0.600000" in lines[-2]
    assert (
        "member db2 2026-02 cost: 目标 / 实际 (target / actual, lower is better) = "
        "1000.00 / 800.00 = 1.250000 → 达成 attained"
    ) in lines
    assert "member da3 2026-02 revenue: 无实际值, 未达成 (no actual: not attained)" in lines
    assert (
        f"unit {ids['dept']} 2026-Q1 revenue: 实际 / 目标 (actual / target) = "
        "1420000.00 / 1500000.00 = 0.946667 → 未达成 not attained"
    ) in lines
    assert len(lines) == 14  # what it is, which goals, one line per goal, the count, the trend

    # Per-member result growth, department, at 2026-03-31:
    #   this year Jan-Mar: 1420000 over da1, da2, da3 (joined 02-01), db1, db2 = 5 members;
    #   2025 Jan-Mar: da1 300000 + da2 150000 + db1 500000 + db2 40000 + db3 90000 = 1080000
    #   over 5 (db3 worked until 2025-02-28; da3 was not hired); da1's April is left out.
    #   growth = (1420000 / 5) / (1080000 / 5) - 1 = 1.3148148.. - 1 = 0.314815
    # Trend: Jan (100000+80000+200000+50000 = 430000 / 4) / (90000+70000+150000+60000 =
    #   370000 / 5) - 1 = 107500 / 74000 - 1 = 0.452703; Feb (790000 / 5) / (690000 / 5) - 1 =
    #   0.144928.
    growth = part["result_growth"]
    assert (growth["label"], growth["label_en"]) == ("人均业绩增长", "Per-member result growth")
    assert D(growth["actual"]) == Decimal("0.314815")
    assert (D(growth["target"]), D(growth["at_risk_margin"])) == (Decimal("0.3"), Decimal("0.05"))
    assert growth["status"] == "met"
    assert _trend(growth) == [
        ("2026-01", Decimal("0.452703")),
        ("2026-02", Decimal("0.144928")),
        ("2026-03", Decimal("0.314815")),
    ]
    assert growth["inputs"]["kpi"] == "revenue"
    assert growth["inputs"]["member_ids"] == ["da1", "da2", "da3", "db1", "db2"]
    assert growth["inputs"]["last_year_member_ids"] == ["da1", "da2", "db1", "db2", "db3"]
    assert growth["inputs"]["figure_ids"] == sorted(
        f"member:{m}:revenue:{month}"
        for m, months in REVENUE.items()
        for month in months
        if month.startswith("2026")
    )
    assert len(growth["inputs"]["figure_ids"]) == 12
    assert growth["inputs"]["last_year_figure_ids"] == sorted(
        f"member:{m}:revenue:{month}"
        for m, months in REVENUE.items()
        for month in months
        if month in ("2025-01", "2025-02", "2025-03")
    )
    assert len(growth["inputs"]["last_year_figure_ids"]) == 11
    lines = growth["explanation"]
    assert lines[2].startswith(
        "今年 2026-01 至 2026-03: 结果 1420000.00 (12 个成员月度数值), 人数 5, 人均 284000.00"
    )
    assert lines[3].startswith(
        "去年同期 2025-01 至 2025-03: 结果 1080000.00 (11 个成员月度数值), 人数 5, 人均 216000.00"
    )
    assert lines[4].startswith("增长 = (1420000 / 5) / (1080000 / 5) - 1 = 0.314815")

    # Team A (G2, G4, G5, G6, G9): Jan 1/1; Feb G4, G5 yes, G9 no = 2/3; Mar + G2 yes, G6 no
    # = 3/5. Growth: Jan (100000+80000) / 2 vs (90000+70000) / 2 -> 0.125; Feb (390000 / 3) /
    # (260000 / 2) - 1 = 0; Mar (700000 / 3) / (450000 / 2) - 1 = 1400000 / 1350000 - 1.
    team_a = await _part(client, ids["A"])
    assert _trend(team_a["goal_attainment"]) == [
        ("2026-01", Decimal(1)),
        ("2026-02", Decimal("0.666667")),
        ("2026-03", Decimal("0.6")),
    ]
    assert set(team_a["goal_attainment"]["inputs"]["goal_ids"]) == {
        g[n] for n in ("G2", "G4", "G5", "G6", "G9")
    }
    assert _trend(team_a["result_growth"]) == [
        ("2026-01", Decimal("0.125")),
        ("2026-02", Decimal(0)),
        ("2026-03", Decimal("0.037037")),
    ]
    assert team_a["result_growth"]["status"] == "missed"
    assert team_a["result_growth"]["inputs"]["last_year_member_ids"] == ["da1", "da2"]
    # Team B (G3, G7, G8, G10): Jan 0/1; Feb G8 yes = 1/2; Mar + G3, G10 yes = 3/4. Growth at
    # March: (720000 / 2) / (630000 / 3) - 1 = 2160000 / 1260000 - 1 = 0.714286.
    team_b = await _part(client, ids["B"])
    assert _trend(team_b["goal_attainment"]) == [
        ("2026-01", Decimal(0)),
        ("2026-02", Decimal("0.5")),
        ("2026-03", Decimal("0.75")),
    ]
    assert team_b["goal_attainment"]["status"] == "missed"
    assert D(team_b["result_growth"]["actual"]) == Decimal("0.714286")
    assert team_b["result_growth"]["inputs"]["member_ids"] == ["db1", "db2"]

    # In the middle of March the March and Q1 goals are not due yet: team B stays at 1/2.
    set_today(date(2026, 3, 15))
    try:
        mid_march = await _part(client, ids["B"])
        assert _trend(mid_march["goal_attainment"])[-1] == ("2026-03", Decimal("0.5"))
        assert (
            "截至 2026-03-15: 目标达成率 = 1 / 2 = 0.500000"
            in (mid_march["goal_attainment"]["explanation"][-2])
        )
    finally:
        set_today(date(2026, 3, 31))

    # 2025: only X3 (da1, 2025-12) is a goal of the year, with no actual: 0 at December and
    # nothing before; growth has no 2024 results to compare with.
    past = await _part(client, ids["dept"], year=2025)
    assert _trend(past["goal_attainment"]) == [
        *((f"2025-{m:02d}", None) for m in range(1, 12)),
        ("2025-12", Decimal(0)),
    ]
    assert past["goal_attainment"]["inputs"]["goal_ids"] == [g["X3"]]
    assert past["result_growth"]["actual"] is None
    assert past["result_growth"]["status"] == "no_data"
    assert _trend(past["result_growth"]) == [(f"2025-{m:02d}", None) for m in range(1, 13)]
    future = await _part(client, ids["dept"], year=2027)
    assert future["goal_attainment"]["trend"] == [] and future["goal_attainment"]["actual"] is None
    assert future["goal_attainment"]["status"] == "no_data"
    bad_year = await client.get(f"/goals/dashboard?unit_id={ids['dept']}&year=1800", headers=HR)
    assert bad_year.status_code == 422


async def test_who_reads_which_unit_and_the_targets(system: System, world: World) -> None:
    client, _set_today = system
    ids, _goals = world
    lead_a = auth("da1", ["manager"], [ids["A"]])
    director = auth("dir", ["manager"], [ids["dept"]])
    rep = auth("da2", ["member"], [ids["A"]])

    assert (await _part(client, ids["A"], lead_a))["goal_attainment"]["actual"] is not None
    for unit in ("B", "dept", "company"):
        refused = await client.get(f"/goals/dashboard?unit_id={ids[unit]}", headers=lead_a)
        assert refused.status_code == 403, unit
        assert refused.headers["content-type"] == "application/problem+json"
    for unit in ("dept", "A", "B"):
        await _part(client, ids[unit], director)
        await _part(client, ids[unit], HR)
    assert (
        await client.get(f"/goals/dashboard?unit_id={ids['A']}", headers=rep)
    ).status_code == 403
    missing = await client.get("/goals/dashboard?unit_id=no-such-unit", headers=HR)
    assert missing.status_code == 404

    # The organisation's targets: the plan's defaults until HR sets one.
    listed = await client.get("/goals/dashboard/targets", headers=rep)
    assert listed.status_code == 200, listed.text
    assert [(t["key"], D(t["target"]), t["version"]) for t in listed.json()["targets"]] == [
        ("goal_attainment", Decimal("0.9"), 0),
        ("result_growth", Decimal("0.3"), 0),
    ]
    body = {"target": "0.620000", "at_risk_margin": "0.050000"}
    refused = await client.put(
        "/goals/dashboard/targets/goal_attainment", headers=lead_a, json=body
    )
    assert refused.status_code == 403
    unknown = await client.put("/goals/dashboard/targets/no_such_figure", headers=HR, json=body)
    assert unknown.status_code == 404
    put = await client.put("/goals/dashboard/targets/goal_attainment", headers=HR, json=body)
    assert put.status_code == 200, put.text
    assert (put.json()["version"], put.json()["updated_by"]) == (1, "hr-dash")
    # The department's 0.6 is now 0.02 short of 0.62, within the margin of 0.05: at risk.
    attainment = (await _part(client, ids["dept"], director))["goal_attainment"]
    assert (D(attainment["target"]), attainment["status"]) == (Decimal("0.62"), "at_risk")
    put = await client.put(
        "/goals/dashboard/targets/goal_attainment",
        headers=HR,
        json={"target": "0.600000", "at_risk_margin": "0.010000"},
    )
    assert put.json()["version"] == 2
    assert (await _part(client, ids["dept"]))["goal_attainment"]["status"] == "met"
    growth_target = {"target": "0.350000", "at_risk_margin": "0.050000"}
    await client.put("/goals/dashboard/targets/result_growth", headers=HR, json=growth_target)
    growth = (await _part(client, ids["dept"]))["result_growth"]
    assert growth["status"] == "at_risk"  # 0.35 - 0.314815 = 0.035185 <= 0.05

    # Back to the plan's numbers, so the figures read as in the first test again.
    for key, value in (("goal_attainment", "0.900000"), ("result_growth", "0.300000")):
        restored = await client.put(
            f"/goals/dashboard/targets/{key}",
            headers=HR,
            json={"target": value, "at_risk_margin": "0.050000"},
        )
        assert restored.status_code == 200
