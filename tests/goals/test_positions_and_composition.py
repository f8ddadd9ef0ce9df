"""Issue 17 in goals, through the gateway: positions with versioned job descriptions
(PositionChanged at every create and change, reviews, the overdue list), members holding a
position of their home unit (MemberChanged with position_id and mentor_id, personal data
shown only to HR and the member), and HR's team composition with small groups withheld."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.helpers import auth, post_ok

HR = auth("pc-hr", ["hr"])
_post = functools.partial(post_ok, headers=HR)
System = tuple[httpx.AsyncClient, Callable[[date], None]]
JD = {
    "summary": "Analyses growth data",
    "duties": ["Weekly funnel report"],
    "authority": ["Pause a campaign below the ROI floor"],
    "deliverables": ["Weekly growth report"],
}
NEED = [{"competency": "data_analysis", "level": 3, "name": "数据分析"}]


def _database(client: httpx.AsyncClient) -> Any:
    app = client._transport.app  # type: ignore[attr-defined]
    return app.state.service_apps["goals"].state.database


async def _published(client: httpx.AsyncClient, event_type: str, key: str) -> list[Any]:
    """The data of goals' outbox rows of ``event_type`` keyed ``key``, oldest first."""
    async with _database(client).sessions() as session:
        rows = await session.execute(
            text(
                "SELECT envelope FROM goals.outbox WHERE event_type = :type "
                "AND message_key = :key ORDER BY id"
            ),
            {"type": event_type, "key": key},
        )
        return [envelope["data"] for (envelope,) in rows.all()]


def _loc(response: httpx.Response, loc: list[Any], status: int = 422) -> str:
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [loc], errors
    message: str = errors[0]["msg"]
    return message


async def _unit(
    client: httpx.AsyncClient, name: str, kind: str, parent: str | None, **more: Any
) -> str:
    body = {"name": name, "kind": kind, "parent_id": parent, **more}
    unit_id: str = (await _post(client, "/goals/org-units", body))["id"]
    return unit_id


async def _member(client: httpx.AsyncClient, member_id: str, unit: str, **more: Any) -> Any:
    body = {
        "id": member_id,
        "name": member_id,
        "home_unit_id": unit,
        "layer": "execution",
        "hired_on": "2025-06-02",
        **more,
    }
    return await _post(client, "/goals/members", body)


def _position(unit: str, position_id: str, function: str, **more: Any) -> dict[str, Any]:
    return {
        "id": position_id,
        "unit_id": unit,
        "title": position_id,
        "function": function,
        "layer": "execution",
        "job_description": JD,
        **more,
    }


@pytest.fixture(scope="module")
async def world(system: System) -> dict[str, str]:
    """Company > department > teams T1 (5 present members), T2 (4), a live squad (3 members
    from both teams) and an ended squad; positions in T1 and T2."""
    client, _ = system
    company = await _unit(client, "PC Co", "company", None)
    dept = await _unit(client, "PC Dept", "department", company)
    t1 = await _unit(client, "PC T1", "team", dept)
    t2 = await _unit(client, "PC T2", "team", dept)
    squad = await _unit(
        client, "PC Squad", "squad", dept, starts_on="2026-01-01", ends_on="2026-12-31"
    )
    await _unit(client, "PC Old squad", "squad", dept, starts_on="2025-01-01", ends_on="2025-12-31")
    return {"company": company, "dept": dept, "t1": t1, "t2": t2, "squad": squad}


async def test_positions_versions_reviews_and_the_overdue_list(
    system: System, world: dict[str, str]
) -> None:
    client, _ = system
    t1, t2, dept = world["t1"], world["t2"], world["dept"]
    body = _position(
        t1,
        "pc-analyst",
        "analytics",
        core=True,
        required_competencies=NEED,
        review_due_on="2026-01-31",
    )
    # Refusals name the field.
    assert "does not exist" in _loc(
        await client.post("/goals/positions", json={**body, "unit_id": "nope"}, headers=HR),
        ["body", "unit_id"],
    )
    twice = [*NEED, {"competency": "data_analysis", "level": 4}]
    assert "listed twice" in _loc(
        await client.post(
            "/goals/positions", json={**body, "required_competencies": twice}, headers=HR
        ),
        ["body", "required_competencies", 1, "competency"],
    )
    high = [{"competency": "data_analysis", "level": 6}]
    _loc(
        await client.post(
            "/goals/positions", json={**body, "required_competencies": high}, headers=HR
        ),
        ["body", "required_competencies", 0, "level"],
    )
    bad = [{"competency": "Data-Analysis", "level": 3}]
    _loc(
        await client.post(
            "/goals/positions", json={**body, "required_competencies": bad}, headers=HR
        ),
        ["body", "required_competencies", 0, "competency"],
    )
    member = auth("pc-someone", ["member"])
    refused = await client.post("/goals/positions", json=body, headers=member)
    assert refused.status_code == 403, refused.text

    created = await client.post("/goals/positions", json=body, headers=HR)
    assert created.status_code == 201, created.text
    analyst = created.json()
    assert (analyst["jd_version"], analyst["version"], analyst["review_due_on"]) == (
        1,
        1,
        "2026-01-31",
    )
    assert created.headers["ETag"] == '"pc-analyst.1"'
    marketer = await _post(client, "/goals/positions", _position(t1, "pc-marketer", "marketing"))
    assert marketer["review_due_on"] == "2027-03-31"  # today + 12 months
    await _post(client, "/goals/positions", _position(t2, "pc-designer", "design"))

    path = "/goals/positions/pc-analyst"
    assert (await client.patch(path, json={"title": "x"}, headers=HR)).status_code == 428
    changed = await client.patch(
        path,
        json={
            "job_description": {"duties": ["Weekly funnel report", "Attribution model"]},
            "required_competencies": [*NEED, {"competency": "sql", "level": 2}],
            "reason": "attribution moved here",
        },
        headers={**HR, "If-Match": '"pc-analyst.1"'},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["jd_version"], changed.json()["version"]) == (2, 2)
    assert changed.json()["job_description"] == {
        **JD,
        "duties": ["Weekly funnel report", "Attribution model"],
    }
    stale = await client.patch(
        path, json={"title": "y"}, headers={**HR, "If-Match": '"pc-analyst.1"'}
    )
    assert stale.status_code == 412, stale.text
    renamed = await client.patch(
        path, json={"title": "Growth analyst"}, headers={**HR, "If-Match": '"pc-analyst.2"'}
    )
    assert (renamed.json()["jd_version"], renamed.json()["version"]) == (2, 3)
    versions = (await client.get(f"{path}/versions", headers=member)).json()["items"]
    assert [(v["jd_version"], v["title"], v["reason"]) for v in versions] == [
        (1, "pc-analyst", None),
        (2, "pc-analyst", "attribution moved here"),
    ]
    assert versions[0]["job_description"] == JD
    assert versions[0]["required_competencies"] == NEED
    assert (await client.get(path, headers=member)).json()["title"] == "Growth analyst"

    async def overdue() -> list[str]:
        listed = await client.get(
            "/goals/positions", params={"unit_id": dept, "review_overdue": "true"}, headers=HR
        )
        assert listed.status_code == 200, listed.text
        return [p["id"] for p in listed.json()["items"]]

    assert await overdue() == ["pc-analyst"]
    core = await client.get(
        "/goals/positions", params={"unit_id": dept, "core": "true"}, headers=HR
    )
    assert [p["id"] for p in core.json()["items"]] == ["pc-analyst"]
    in_t2 = await client.get("/goals/positions", params={"unit_id": t2}, headers=HR)
    assert [p["id"] for p in in_t2.json()["items"]] == ["pc-designer"]

    # Reviews: HR or the unit's manager; a member may not; the next one a cycle later.
    review = {"note": "still right"}
    assert (await client.post(f"{path}/reviews", json=review, headers=member)).status_code == 403
    other_manager = auth("pc-t2-lead", ["manager"], [t2])
    assert (
        await client.post(f"{path}/reviews", json=review, headers=other_manager)
    ).status_code == 403
    lead = auth("pc-t1-lead", ["manager"], [t1])
    reviewed = await client.post(f"{path}/reviews", json=review, headers=lead)
    assert reviewed.status_code == 201, reviewed.text
    assert {
        k: reviewed.json()[k] for k in ("reviewed_on", "reviewed_by", "jd_version", "next_due_on")
    } == {
        "reviewed_on": "2026-03-31",
        "reviewed_by": "pc-t1-lead",
        "jd_version": 2,
        "next_due_on": "2027-03-31",
    }
    assert await overdue() == []
    reviews = (await client.get(f"{path}/reviews", headers=member)).json()["items"]
    assert [(r["reviewed_by"], r["note"], r["next_due_on"]) for r in reviews] == [
        ("pc-t1-lead", "still right", "2027-03-31")
    ]
    after = (await client.get(path, headers=member)).json()
    assert (after["reviewed_on"], after["review_due_on"], after["version"]) == (
        "2026-03-31",
        "2027-03-31",
        4,
    )
    events = await _published(client, "goals.position.changed", "pc-analyst")
    assert [(e["version"], e["jd_version"], e["review_due_on"]) for e in events] == [
        (1, 1, "2026-01-31"),
        (2, 2, "2026-01-31"),
        (3, 2, "2026-01-31"),
        (4, 2, "2027-03-31"),
    ]
    assert events[1] == {
        "position_id": "pc-analyst",
        "unit_id": t1,
        "title": "pc-analyst",
        "function": "analytics",
        "layer": "execution",
        "core": True,
        "jd_version": 2,
        "required_competencies": [*NEED, {"competency": "sql", "level": 2, "name": None}],
        "review_due_on": "2026-01-31",
        "active": True,
        "version": 2,
    }


async def test_members_hold_a_position_of_their_home_unit(
    system: System, world: dict[str, str]
) -> None:
    client, _ = system
    t1 = world["t1"]
    await _post(client, "/goals/positions", _position(t1, "pc-retired", "sales"))
    retire = await client.patch(
        "/goals/positions/pc-retired",
        json={"active": False},
        headers={**HR, "If-Match": '"pc-retired.1"'},
    )
    assert retire.status_code == 200, retire.text
    for position, why in (
        ("pc-nope", "does not exist"),
        ("pc-retired", "is retired"),
        ("pc-designer", "not to the member's home unit"),
    ):
        refused = await client.post(
            "/goals/members",
            json={
                "id": "pc-x",
                "name": "x",
                "home_unit_id": t1,
                "layer": "execution",
                "hired_on": "2025-06-02",
                "position_id": position,
            },
            headers=HR,
        )
        assert why in _loc(refused, ["body", "position_id"])

    mentor = await _member(client, "pc-mentor", t1, tier="backbone", position_id="pc-marketer")
    newcomer = await _member(
        client,
        "pc-newcomer",
        t1,
        position_id="pc-analyst",
        gender="female",
        birth_date="2001-05-02",
    )
    assert (newcomer["position_id"], newcomer["gender"], newcomer["birth_date"]) == (
        "pc-analyst",
        "female",
        "2001-05-02",
    )
    # Moving to another team while holding a T1 position is refused.
    moved = await client.patch(
        "/goals/members/pc-newcomer",
        json={"home_unit_id": world["t2"]},
        headers={**HR, "If-Match": '"pc-newcomer.1"'},
    )
    _loc(moved, ["body", "position_id"])
    # Personal data: HR and the member see it, their manager does not.
    lead = auth("pc-t1-lead", ["manager"], [t1])
    self_ = auth("pc-newcomer", ["member"])
    for headers, shown in ((HR, True), (self_, True), (lead, False)):
        read = (await client.get("/goals/members/pc-newcomer", headers=headers)).json()
        expected = ("female", "2001-05-02") if shown else (None, None)
        assert (read["gender"], read["birth_date"]) == expected
    listed = await client.get("/goals/members", params={"unit_id": t1}, headers=lead)
    assert {m["id"]: m["gender"] for m in listed.json()["items"]}["pc-newcomer"] is None

    await _post(
        client,
        "/goals/mentorships",
        {"mentor_id": "pc-mentor", "mentee_id": "pc-newcomer", "starts_on": "2026-03-01"},
    )
    events = await _published(client, "goals.member.changed", "pc-newcomer")
    assert [(e["version"], e["position_id"], e["mentor_id"]) for e in events] == [
        (1, "pc-analyst", None),
        (2, "pc-analyst", "pc-mentor"),
    ]
    assert not {"gender", "birth_date"} & set(events[0])
    assert [
        (e["position_id"], e["mentor_id"])
        for e in await _published(client, "goals.member.changed", "pc-mentor")
    ] == [("pc-marketer", None)]
    assert mentor["version"] == 1


async def test_composition_withholds_small_groups(system: System, world: dict[str, str]) -> None:
    client, _ = system
    t1, t2, squad = world["t1"], world["t2"], world["squad"]
    # T1 now has pc-mentor (backbone, marketer) and pc-newcomer (analyst, 24 on 2026-03-31).
    await _member(
        client, "pc-a3", t1, position_id="pc-analyst", gender="male", birth_date="2001-03-31"
    )
    await _member(client, "pc-a4", t1, gender="other", birth_date="1971-03-31")
    await _member(
        client,
        "pc-a5",
        t1,
        layer="management",
        position_id="pc-marketer",
        gender="female",
        birth_date="1991-04-01",
    )
    gone = await _member(client, "pc-gone", t1, gender="male", birth_date="1990-01-01")
    leave = await client.patch(
        "/goals/members/pc-gone",
        json={"left_on": "2026-02-28", "leave_reason": "voluntary"},
        headers={**HR, "If-Match": f'"pc-gone.{gone["version"]}"'},
    )
    assert leave.status_code == 200, leave.text
    await _member(client, "pc-later", t1, hired_on="2026-04-15", gender="male")
    for member_id in ("pc-b1", "pc-b2", "pc-b3", "pc-b4"):
        await _member(client, member_id, t2, position_id="pc-designer", gender="female")
    for member_id in ("pc-newcomer", "pc-a3", "pc-b1"):
        await _post(
            client, f"/goals/org-units/{squad}/members", {"member_id": member_id, "role": "x"}
        )

    manager = auth("pc-dept-lead", ["manager"], [world["dept"]])
    path = f"/goals/units/{world['dept']}/composition"
    assert (await client.get(path, headers=manager)).status_code == 403
    answer = await client.get(path, headers=HR)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert (found["as_of"], found["min_group_size"]) == ("2026-03-31", 5)
    groups = {g["name"]: g for g in found["groups"]}
    assert [g["name"] for g in found["groups"]] == ["PC Dept", "PC Squad", "PC T1", "PC T2"]
    layers = {"management": 1, "execution": 4, "support": 0}
    assert groups["PC T1"] == {
        "unit_id": t1,
        "name": "PC T1",
        "kind": "team",
        "counted_by": "home_unit_subtree",
        "headcount": 5,
        "functions": {"analytics": 2, "marketing": 2, "unassigned": 1},
        "layers": layers,
        "withheld": False,
        "age_bands": {
            "under_25": 1,
            "age_25_34": 2,
            "age_35_44": 0,
            "age_45_54": 0,
            "age_55_plus": 1,
            "unrecorded": 1,
        },
        "genders": {"female": 2, "male": 1, "other": 1, "unrecorded": 1},
    }
    assert groups["PC T2"] == {
        "unit_id": t2,
        "name": "PC T2",
        "kind": "team",
        "counted_by": "home_unit_subtree",
        "headcount": 4,
        "functions": {"design": 4},
        "layers": {"management": 0, "execution": 4, "support": 0},
        "withheld": True,
        "withheld_reason": "4 人,少于 5 人,不显示年龄与性别 "
        "(4 members, fewer than 5: age and gender are not shown)",
    }
    assert groups["PC Squad"]["counted_by"] == "squad_membership"
    assert (groups["PC Squad"]["headcount"], groups["PC Squad"]["withheld"]) == (3, True)
    assert "age_bands" not in groups["PC Squad"] and "genders" not in groups["PC Squad"]
    # The department has T1's five and T2's four: shown, its genders minus T1's would be T2's
    # (all four women), so it is withheld as well.
    dept = groups["PC Dept"]
    assert (dept["headcount"], dept["withheld"]) == (9, True)
    assert "age_bands" not in dept and "genders" not in dept
    assert "only 4 members are outside its shown sub-units" in dept["withheld_reason"]
    assert "pc-" not in answer.text.replace("PC ", "")  # no member ids anywhere
