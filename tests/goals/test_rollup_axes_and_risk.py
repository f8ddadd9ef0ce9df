"""Issue 16, items 1 and 2 through the gateway: a goal's progress rolls up along time and
along the org, each with its own number, weights and children, never averaged together;
risk alerts use exactly the progress the goal shows (rolled up, measured, checked in) and
publish GoalAtRisk / GoalOffTrack / GoalBackOnTrack once per change of state."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from goals.service import risk
from tests.builders import kpi, org
from tests.helpers import auth, post_ok
from tests.system import settled

ADMIN = auth("axes-admin", ["admin"])
RISK_TYPES = ("goals.goal.at-risk", "goals.goal.off-track", "goals.goal.back-on-track")

_post = functools.partial(post_ok, headers=ADMIN)
System = tuple[httpx.AsyncClient, Callable[[date], None]]
D = Decimal


async def _risk_events(client: httpx.AsyncClient) -> list[tuple[str, dict[str, Any]]]:
    """Every risk event in goals' outbox, oldest first: (type, data)."""
    app = client._transport.app  # type: ignore[attr-defined]
    async with app.state.service_apps["goals"].state.database.sessions() as session:
        rows = await session.execute(
            text(
                "SELECT envelope->>'type' AS type, envelope->'data' AS data, "
                "envelope->>'subject' AS subject FROM goals.outbox "
                "WHERE envelope->>'type' = ANY(:types) ORDER BY id"
            ),
            {"types": list(RISK_TYPES)},
        )
        found = []
        for row in rows:
            assert row.subject == row.data["goal_id"]
            found.append((row.type, row.data))
        return found


async def _actuals(client: httpx.AsyncClient, *items: tuple[str, str, str, str]) -> None:
    body = {
        "items": [
            {"owner_id": owner, "kpi": kpi, "date": day, "value": value, "idempotency_key": key}
            for owner, kpi, day, value in items
            for key in [f"{owner}-{kpi}-{day}-{value}"]
        ]
    }
    await _post(client, "/goals/actuals/bulk", body, status=200)


async def _alerts(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/goals/risk-alerts", params={"limit": "100"}, headers=headers)
    assert response.status_code == 200, response.text
    return {a["goal_id"]: a for a in response.json()["items"]}


async def _world(client: httpx.AsyncClient) -> dict[str, str]:
    builder = (
        org(client, headers=ADMIN)
        .unit("company", "Axes Co", kind="company")
        .unit("team", "销售组 Sales", parent="company")
    )
    for member in ("ax-m1", "ax-m2"):
        builder.member(member, name=member, unit="team", tier="backbone", hired_on="2025-01-06")
    units = await builder
    for code in ("ax_deals", "ax_demos"):
        await kpi(client, code, unit="count", headers=ADMIN)
    return units


@pytest.fixture(scope="module")
async def world(system: System) -> dict[str, str]:
    """A team of two members; deals and demos (counts); m1 closed 60 deals on 10 February,
    m2 70 on 5 March."""
    client, set_today = system
    set_today(date(2026, 3, 31))
    ids = await _world(client)
    await _actuals(
        client, ("ax-m1", "ax_deals", "2026-02-10", "60"), ("ax-m2", "ax_deals", "2026-03-05", "70")
    )
    return ids


@dataclass
class YearGoals:
    """The team's deals of 2026, its quarters, and m1's and m2's shares of the year."""

    year: dict[str, Any]
    quarters: list[dict[str, Any]]
    m1_goal: dict[str, Any]
    m2_goal: dict[str, Any]


async def step_1_the_teams_year_cascades_to_quarters_and_members(
    client: httpx.AsyncClient, ids: dict[str, str]
) -> YearGoals:
    year = await _post(
        client,
        "/goals/goals",
        {
            "kind": "kpi_target",
            "title": "Team deals 2026",
            "description": "Close 400 deals in 2026",
            "owner_type": "unit",
            "owner_id": ids["team"],
            "period": "2026",
            "kpi": "ax_deals",
            "target_value": "400",
        },
    )
    quarters = await _post(client, f"/goals/goals/{year['id']}/cascade", {"by_period": True})
    assert [(q["period"], D(q["target_value"])) for q in quarters] == [
        ("2026-Q1", D(100)),
        ("2026-Q2", D(100)),
        ("2026-Q3", D(100)),
        ("2026-Q4", D(100)),
    ]
    members = await _post(
        client,
        f"/goals/goals/{year['id']}/cascade",
        {
            "mode": "weights",
            "children": [
                {"owner_type": "member", "owner_id": "ax-m1", "weight": "3"},
                {"owner_type": "member", "owner_id": "ax-m2", "weight": "1"},
            ],
        },
    )
    assert [(m["owner_id"], D(m["target_value"])) for m in members] == [
        ("ax-m1", D(300)),
        ("ax-m2", D(100)),
    ]
    m1_goal, m2_goal = members
    # m2's result counts twice as much as cascaded: weights are the parent's to set.
    read = await client.get(f"/goals/goals/{m2_goal['id']}", headers=ADMIN)
    patched = await client.patch(
        f"/goals/goals/{m2_goal['id']}",
        json={"weight": "2"},
        headers={**ADMIN, "If-Match": read.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text
    return YearGoals(year, quarters, m1_goal, m2_goal)


async def step_2_own_attainment_and_the_time_axis(
    client: httpx.AsyncClient, ids: dict[str, str], goals: YearGoals
) -> dict[str, Any]:
    """Returns the progress the year shows."""
    shown = (await client.get(f"/goals/goals/{goals.year['id']}/progress", headers=ADMIN)).json()
    # Own attainment: the team's 130 deals of 400.
    assert (D(shown["actual"]), D(shown["attainment"])) == (D(130), D("0.325"))
    # Time: Q1 130/100 = 1.3, Q2-Q4 no data (0), weight 1 each: 1.3 / 4.
    time_axis = shown["time_axis"]
    assert (time_axis["axis"], time_axis["progress"], time_axis["total_weight"]) == (
        "time",
        "0.325000",
        "4.000000",
    )
    assert [
        (c["goal_id"], c["owner_id"], c["period"], c["weight"], c["progress"], c["progress_source"])
        for c in time_axis["children"]
    ] == [
        (goals.quarters[0]["id"], ids["team"], "2026-Q1", "1.000000", "1.300000", "measured"),
        (goals.quarters[1]["id"], ids["team"], "2026-Q2", "1.000000", None, "none"),
        (goals.quarters[2]["id"], ids["team"], "2026-Q3", "1.000000", None, "none"),
        (goals.quarters[3]["id"], ids["team"], "2026-Q4", "1.000000", None, "none"),
    ]
    return dict(shown)


async def step_3_the_org_axis_is_the_headline(shown: dict[str, Any], goals: YearGoals) -> None:
    # Org: m1 60/300 = 0.2 (weight 3), m2 70/100 = 0.7 (weight 2): (0.6 + 1.4) / 5.
    org_axis = shown["org_axis"]
    assert (org_axis["axis"], org_axis["progress"], org_axis["total_weight"]) == (
        "org",
        "0.400000",
        "5.000000",
    )
    assert sorted(
        (c["goal_id"], c["owner_id"], c["period"], c["weight"], c["progress"], c["attainment"])
        for c in org_axis["children"]
    ) == sorted(
        [
            (goals.m1_goal["id"], "ax-m1", "2026", "3.000000", "0.200000", "0.200000"),
            (goals.m2_goal["id"], "ax-m2", "2026", "2.000000", "0.700000", "0.700000"),
        ]
    )
    # The headline is the org axis (the owners' results), never the mixed 3.3 / 9 = 0.366667.
    assert (
        shown["progress"],
        shown["progress_source"],
        shown["progress_axis"],
        shown["rolled_up_progress"],
        shown["key_results_axis"],
    ) == ("0.400000", "rolled_up", "org", "0.400000", None)
    assert sorted((c["axis"], c["period"]) for c in shown["children"]) == [
        ("org", "2026"),
        ("org", "2026"),
        ("time", "2026-Q1"),
        ("time", "2026-Q2"),
        ("time", "2026-Q3"),
        ("time", "2026-Q4"),
    ]
    assert any("(progress = the org roll-up" in line for line in shown["explanation"])


async def step_4_a_quarter_shows_its_measure_and_the_year_is_on_track(
    client: httpx.AsyncClient, set_today: Callable[[date], None], goals: YearGoals
) -> None:
    # A quarter with no children shows its measured attainment; one without data, nothing.
    q1 = (
        await client.get(f"/goals/goals/{goals.quarters[0]['id']}/progress", headers=ADMIN)
    ).json()
    assert (q1["progress"], q1["progress_source"], q1["time_axis"], q1["org_axis"]) == (
        "1.300000",
        "measured",
        None,
        None,
    )
    # The team's yearly goal is on track on 15 March (elapsed 74/365 = 0.202740 < 0.4).
    set_today(date(2026, 3, 15))
    assert goals.year["id"] not in await _alerts(client, ADMIN)


async def test_a_yearly_goal_rolls_up_along_time_and_org_separately(
    system: System, world: dict[str, str]
) -> None:
    client, set_today = system
    set_today(date(2026, 3, 31))
    goals = await step_1_the_teams_year_cascades_to_quarters_and_members(client, world)
    shown = await step_2_own_attainment_and_the_time_axis(client, world, goals)
    await step_3_the_org_axis_is_the_headline(shown, goals)
    await step_4_a_quarter_shows_its_measure_and_the_year_is_on_track(client, set_today, goals)


@dataclass
class RiskGoals:
    """m1's objective with two key results, and m2's objective that m2 checks in."""

    objective: dict[str, Any]
    key_results: list[dict[str, Any]]
    checked: dict[str, Any]
    m2: dict[str, str]


Events = list[tuple[str, dict[str, Any]]]


async def step_1_objectives_and_key_results_in_q1(
    client: httpx.AsyncClient, ids: dict[str, str]
) -> RiskGoals:
    """m1's objective with key results on deals and demos; m2's objective, checked in."""
    objective = await _post(
        client,
        "/goals/goals",
        {
            "kind": "objective",
            "title": "拿下华东 Win the east",
            "description": "Become the first supplier in the east region",
            "owner_type": "member",
            "owner_id": "ax-m1",
            "period": "2026-Q1",
        },
    )
    key_results = [
        await _post(
            client,
            "/goals/goals",
            {
                "kind": "key_result",
                "title": title,
                "description": f"{title} in Q1 for the east region",
                "owner_type": "member",
                "owner_id": "ax-m1",
                "period": "2026-Q1",
                "kpi": kpi,
                "target_value": target,
                "parent_id": objective["id"],
            },
        )
        for title, kpi, target in (("Deals", "ax_deals", "120"), ("Demos", "ax_demos", "125"))
    ]
    checked = await _post(
        client,
        "/goals/goals",
        {
            "kind": "objective",
            "title": "Open the west",
            "description": "First three partners in the west region",
            "owner_type": "member",
            "owner_id": "ax-m2",
            "period": "2026-Q1",
        },
    )
    m2 = auth("ax-m2", ["member"], [ids["team"]])
    return RiskGoals(objective, key_results, checked, m2)


async def step_2_a_check_in_is_evaluated_at_once(
    client: httpx.AsyncClient, goals: RiskGoals
) -> Events:
    """Returns the risk events published before the check-in."""
    before = await _risk_events(client)
    await _post(
        client,
        f"/goals/goals/{goals.checked['id']}/check-ins",
        {"month": "2026-03", "progress": "0.60", "confidence": "medium"},
        headers=goals.m2,
    )
    # The check-in is evaluated at once: 0.822222 - 0.6 = 0.222222, at risk.
    [(kind, at_risk)] = (await _risk_events(client))[len(before) :]
    assert (kind, at_risk["goal_id"], at_risk["previous_status"], at_risk["progress"]) == (
        "goals.goal.at-risk",
        goals.checked["id"],
        "on_track",
        "0.600000",
    )
    assert (at_risk["progress_source"], at_risk["gap"], at_risk["threshold"]) == (
        "checked_in",
        "0.222222",
        "0.100000",
    )
    return before


async def step_3_the_objective_rolls_up_its_key_results(
    client: httpx.AsyncClient, goals: RiskGoals
) -> None:
    # m1 has 60 deals in Q1 (the world's); 57 demos of 125.
    await _actuals(client, ("ax-m1", "ax_demos", "2026-03-02", "57"))

    # The objective: (60/120 + 57/125) / 2 = (0.5 + 0.456) / 2 = 0.478, rolled up.
    shown = (
        await client.get(f"/goals/goals/{goals.objective['id']}/progress", headers=ADMIN)
    ).json()
    assert (
        shown["progress"],
        shown["progress_source"],
        shown["progress_axis"],
        shown["attainment"],
    ) == ("0.478000", "rolled_up", "key_results", None)
    assert {
        c["goal_id"]: (c["progress"], c["weight"], c["progress_source"])
        for c in shown["key_results_axis"]["children"]
    } == {
        goals.key_results[0]["id"]: ("0.500000", "1.000000", "measured"),
        goals.key_results[1]["id"]: ("0.456000", "1.000000", "measured"),
    }


async def step_4_alerts_use_the_progress_each_goal_shows(
    client: httpx.AsyncClient, goals: RiskGoals
) -> dict[str, Any]:
    """Returns the objective's alert."""
    alerts = await _alerts(client, ADMIN)
    # Q1 on 15 March: 74 of 90 days = 0.822222 expected.
    alert = alerts[goals.objective["id"]]
    assert {k: alert[k] for k in alert if k not in ("title", "suggested_correction")} == {
        "goal_id": goals.objective["id"],
        "owner_type": "member",
        "owner_id": "ax-m1",
        "period": "2026-Q1",
        "status": "off_track",
        "progress": "0.478000",
        "progress_source": "rolled_up",
        "progress_axis": "key_results",
        "expected": "0.822222",
        "gap": "0.344222",
        "threshold": "0.250000",
    }
    assert alert["suggested_correction"] == (
        "2 个下级目标沿关键结果汇总进度 0.478, 应达 0.822222; 最落后: ax-m1 "
        "2026-Q1 为 0.456; 与负责人重新规划: 增加资源、把任务调到重要且紧急象限, 或说明原因调整"
        "目标 (progress rolled up along the key_results axis from 2 children is 0.478 against "
        "0.822222 expected; furthest behind: ax-m1 2026-Q1 at 0.456; re-plan with the owner: "
        "add resources, re-order tasks to the do-first quadrant, or adjust the target with a "
        "reason)"
    )
    assert "no measured progress" not in alert["suggested_correction"]
    # The checked-in objective uses its check-in.
    check_in_alert = alerts[goals.checked["id"]]
    assert (
        check_in_alert["status"],
        check_in_alert["progress"],
        check_in_alert["progress_source"],
        check_in_alert["gap"],
        check_in_alert["threshold"],
    ) == ("at_risk", "0.600000", "checked_in", "0.222222", "0.100000")
    assert check_in_alert["suggested_correction"].startswith(
        "2026-03 签到进度 0.6, 应达 0.822222; 在下次签到时复盘障碍"
    )
    # The key results, measured: deals 0.5 and demos 0.456, both off track.
    assert [
        (alerts[k["id"]]["progress"], alerts[k["id"]]["progress_source"], alerts[k["id"]]["status"])
        for k in goals.key_results
    ] == [("0.500000", "measured", "off_track"), ("0.456000", "measured", "off_track")]
    # Exactly these four goals are alerted (the yearly goals are on track).
    assert set(alerts) == {
        goals.objective["id"],
        goals.checked["id"],
        goals.key_results[0]["id"],
        goals.key_results[1]["id"],
    }
    return dict(alert)


async def step_5_reading_publishes_each_new_state_once(
    client: httpx.AsyncClient, goals: RiskGoals, before: Events, alert: dict[str, Any]
) -> None:
    # Reading the alerts published the three new states; the check-in's was already out.
    first = (await _risk_events(client))[len(before) + 1 :]
    assert [(t, d["goal_id"], d["previous_status"]) for t, d in first] == [
        ("goals.goal.off-track", goals.objective["id"], "on_track"),
        ("goals.goal.off-track", goals.key_results[0]["id"], "on_track"),
        ("goals.goal.off-track", goals.key_results[1]["id"], "on_track"),
    ]
    off = next(d for t, d in first if d["goal_id"] == goals.objective["id"])
    assert {k: off[k] for k in off if k != "suggested_correction"} == {
        "goal_id": goals.objective["id"],
        "title": "拿下华东 Win the east",
        "owner_type": "member",
        "owner_id": "ax-m1",
        "period": "2026-Q1",
        "status": "off_track",
        "previous_status": "on_track",
        "progress": "0.478000",
        "progress_source": "rolled_up",
        "progress_axis": "key_results",
        "expected": "0.822222",
        "gap": "0.344222",
        "threshold": "0.250000",
        "evaluated_on": "2026-03-15",
    }
    assert off["suggested_correction"] == alert["suggested_correction"]


async def step_6_reading_again_changes_nothing(
    client: httpx.AsyncClient, goals: RiskGoals, before: Events
) -> None:
    # Reading again, and a scheduler's evaluation, change nothing: no event.
    await _alerts(client, ADMIN)
    evaluation = await _post(client, "/goals/risk-alerts/evaluate", {}, status=200)
    assert (evaluation["changed"], evaluation["at_risk"], evaluation["off_track"]) == (0, 1, 3)
    assert len(await _risk_events(client)) == len(before) + 4
    refused = await client.post("/goals/risk-alerts/evaluate", headers=goals.m2)
    assert refused.status_code == 403, refused.text


async def step_7_more_actuals_bring_the_goals_back_on_track(
    client: httpx.AsyncClient, goals: RiskGoals, before: Events
) -> None:
    # 40 more deals and 43 more demos: (100/120 + 100/125) / 2 = 0.816667, gap 0.005555.
    await _actuals(
        client, ("ax-m1", "ax_deals", "2026-03-14", "40"), ("ax-m1", "ax_demos", "2026-03-14", "43")
    )
    evaluation = await _post(client, "/goals/risk-alerts/evaluate", {}, status=200)
    assert (evaluation["changed"], evaluation["at_risk"], evaluation["off_track"]) == (3, 1, 0)
    back = (await _risk_events(client))[len(before) + 4 :]
    assert sorted(
        (t, d["goal_id"], d["previous_status"], d["progress"]) for t, d in back
    ) == sorted(
        [
            ("goals.goal.back-on-track", goals.key_results[0]["id"], "off_track", "0.833333"),
            ("goals.goal.back-on-track", goals.key_results[1]["id"], "off_track", "0.800000"),
            ("goals.goal.back-on-track", goals.objective["id"], "off_track", "0.816667"),
        ]
    )
    assert goals.objective["id"] not in await _alerts(client, ADMIN)


async def step_8_the_periodic_pass_sees_the_end_of_the_quarter(
    client: httpx.AsyncClient, set_today: Callable[[date], None], goals: RiskGoals, before: Events
) -> None:
    # At the end of March the whole quarter's share is expected: 1 - 0.816667 = 0.183333.
    # The service's own periodic pass sees that first, with nobody reading: four changes.
    goals_app = client._transport.app.state.service_apps["goals"]  # type: ignore[attr-defined]
    changed = await risk.evaluate_on_timer(
        goals_app.state.database, goals_app.state.settings, today=date(2026, 3, 31)
    )
    assert changed == 4
    assert len(await _risk_events(client)) == len(before) + 11
    set_today(date(2026, 3, 31))
    alerts = await _alerts(client, ADMIN)
    assert (alerts[goals.objective["id"]]["status"], alerts[goals.objective["id"]]["gap"]) == (
        "at_risk",
        "0.183333",
    )
    # The check-in objective: 1 - 0.6 = 0.4, off track now.
    assert alerts[goals.checked["id"]]["status"] == "off_track"
    latest = (await _risk_events(client))[len(before) + 7 :]
    assert sorted((t, d["goal_id"], d["previous_status"]) for t, d in latest) == sorted(
        [
            ("goals.goal.at-risk", goals.key_results[0]["id"], "on_track"),
            ("goals.goal.at-risk", goals.key_results[1]["id"], "on_track"),
            ("goals.goal.at-risk", goals.objective["id"], "on_track"),
            ("goals.goal.off-track", goals.checked["id"], "at_risk"),
        ]
    )
    await _alerts(client, ADMIN)
    assert len(await _risk_events(client)) == len(before) + 11
    await settled(client)


async def test_alerts_follow_the_progress_shown_and_publish_each_change_once(
    system: System, world: dict[str, str]
) -> None:
    client, set_today = system
    set_today(date(2026, 3, 15))
    goals = await step_1_objectives_and_key_results_in_q1(client, world)
    before = await step_2_a_check_in_is_evaluated_at_once(client, goals)
    await step_3_the_objective_rolls_up_its_key_results(client, goals)
    alert = await step_4_alerts_use_the_progress_each_goal_shows(client, goals)
    await step_5_reading_publishes_each_new_state_once(client, goals, before, alert)
    await step_6_reading_again_changes_nothing(client, goals, before)
    await step_7_more_actuals_bring_the_goals_back_on_track(client, goals, before)
    await step_8_the_periodic_pass_sees_the_end_of_the_quarter(client, set_today, goals, before)


async def test_the_risk_events_are_in_the_asyncapi_document(system: System) -> None:
    client, _ = system
    document = (await client.get("/asyncapi.json")).json()
    messages = document["components"]["messages"]
    for name, event_type in (
        ("GoalAtRiskV1", "goals.goal.at-risk"),
        ("GoalOffTrackV1", "goals.goal.off-track"),
        ("GoalBackOnTrackV1", "goals.goal.back-on-track"),
    ):
        assert messages[name]["x-event-type"] == event_type
        schema = document["components"]["schemas"][name]
        assert set(schema["required"]) >= {
            "goal_id",
            "previous_status",
            "progress_source",
            "expected",
            "threshold",
        }
    assert "goals.goal" in document["channels"]
