"""Issue 17 through the gateway: role fit and the competency pass rate on a constructed
department equal the values worked out by hand, in performance's unit read and on the plan's
dashboard; HR's team composition shows a group's age and gender only when it is large
enough, and when they cannot be had by subtracting shown groups, and never to anyone else.

The department "mkt" has two teams. Positions (goals), each published to performance:
- growth: ``an`` core analyst (data_analysis 3, sql 2), ``lead`` core lead (leadership 3);
- brand: ``brand`` core marketer (campaign_design 3), ``design`` a designer, not core (visual 2).
Members, hired 2025 (ages on goals' 2026-03-31):
- growth: g1 an (male, 41), g2 an (female, 26), g3 lead (male, 55), g4 an (nothing recorded),
  g5 without a position (female, 37; hired 2026-03-01);
- brand: b1 brand (female, 35), b2 design (male, 23), b3 design (female, 29),
  b4 no position (no gender, 46), b5 brand (female, no birth date).
Assessments by the department's director, level against the required one:
  Feb 10: g1 data_analysis 4 (pass), g1 sql 2 (pass), g2 data_analysis 2 (fail), g2 sql 3 (pass)
  Mar 05: g4 data_analysis 3 (pass), g3 leadership 3 (pass), b1 campaign_design 2 (fail),
          b5 campaign_design 5 (pass), b2 visual 1 (fail)
  May 10: g2 data_analysis 3 (pass)
Core holders: g1, g2, g4, g3, b1, b5 = 6 (b2, b3 hold a non-core position, b4 none).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from tests.helpers import auth, post_ok
from tests.system import settled

HR = auth("m-hr", ["hr"])
_post = functools.partial(post_ok, headers=HR)

POSITIONS: dict[str, tuple[str, str, str, bool, list[tuple[str, int]]]] = {
    # id: (team, function, layer, core, required competencies)
    "an": ("growth", "analytics", "execution", True, [("data_analysis", 3), ("sql", 2)]),
    "lead": ("growth", "marketing", "management", True, [("leadership", 3)]),
    "brand": ("brand", "marketing", "execution", True, [("campaign_design", 3)]),
    "design": ("brand", "design", "execution", False, [("visual", 2)]),
}
# member: (team, position, gender, birth date)
MEMBERS: dict[str, tuple[str, str | None, str | None, str | None]] = {
    "g1": ("growth", "an", "male", "1985-03-01"),
    "g2": ("growth", "an", "female", "1999-12-31"),
    "g3": ("growth", "lead", "male", "1970-06-15"),
    "g4": ("growth", "an", None, None),
    "g5": ("growth", None, "female", "1988-08-08"),
    "b1": ("brand", "brand", "female", "1990-05-01"),
    "b2": ("brand", "design", "male", "2003-01-10"),
    "b3": ("brand", "design", "female", "1996-07-01"),
    "b4": ("brand", None, None, "1980-02-02"),
    "b5": ("brand", "brand", "female", None),
}
ASSESSMENTS = [
    ("g1", "data_analysis", 4, "2026-02-10"),
    ("g1", "sql", 2, "2026-02-10"),
    ("g2", "data_analysis", 2, "2026-02-10"),
    ("g2", "sql", 3, "2026-02-10"),
    ("g4", "data_analysis", 3, "2026-03-05"),
    ("g3", "leadership", 3, "2026-03-05"),
    ("b1", "campaign_design", 2, "2026-03-05"),
    ("b5", "campaign_design", 5, "2026-03-05"),
    ("b2", "visual", 1, "2026-03-05"),
    ("g2", "data_analysis", 3, "2026-05-10"),
]

System = tuple[httpx.AsyncClient, Callable[[date], None]]


@pytest.fixture(scope="module")
async def department(system: System) -> dict[str, str]:
    client, _ = system
    company = (await _post(client, "/goals/org-units", {"name": "Co", "kind": "company"}))["id"]
    units = {"co": company}
    units["mkt"] = (
        await _post(
            client,
            "/goals/org-units",
            {"name": "市场部", "kind": "department", "parent_id": company},
        )
    )["id"]
    for team in ("growth", "brand"):
        units[team] = (
            await _post(
                client,
                "/goals/org-units",
                {"name": team, "kind": "team", "parent_id": units["mkt"]},
            )
        )["id"]
    units["launch"] = (
        await _post(
            client,
            "/goals/org-units",
            {"name": "618 launch", "kind": "squad", "parent_id": units["mkt"]},
        )
    )["id"]
    for position, (team, function, layer, core, required) in POSITIONS.items():
        await _post(
            client,
            "/goals/positions",
            {
                "id": position,
                "unit_id": units[team],
                "title": f"{position} 岗位",
                "function": function,
                "layer": layer,
                "core": core,
                "job_description": {"summary": f"The {position} role", "duties": ["Do it"]},
                "required_competencies": [{"competency": c, "level": n} for c, n in required],
            },
        )
    for member, (team, held, gender, born) in MEMBERS.items():
        body: dict[str, Any] = {
            "id": member,
            "name": f"Name of {member}",
            "home_unit_id": units[team],
            "layer": POSITIONS[held][2] if held else "execution",
            "hired_on": "2026-03-01" if member == "g5" else "2025-01-02",
            "position_id": held,
            "gender": gender,
            "birth_date": born,
        }
        await _post(client, "/goals/members", body)
    for member in ("g1", "b1", "b2", "b3"):
        await _post(
            client,
            f"/goals/org-units/{units['launch']}/members",
            {"member_id": member, "role": "core"},
        )
    await settled(client)
    director = auth("dir", ["manager"], [units["mkt"]])
    for member, competency, level, on in ASSESSMENTS:
        await post_ok(
            client,
            "/performance/competency-assessments",
            {"member_id": member, "competency": competency, "level": level, "assessed_on": on},
            headers=director,
        )
    await settled(client)
    return units


async def _get(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_role_fit_and_pass_rate_by_hand(system: System, department: dict[str, str]) -> None:
    client, _ = system
    # On March 31, growth: g1 fits; g2's data_analysis is 2 (fails 3); g3 fits; g4 has no
    # sql yet: 2 of 4 = 0.5. Its assessments so far: g1 x2, g2 x2 (one failed), g4, g3 = 5 / 6.
    march = await _get(
        client, f"/performance/units/{department['growth']}/competencies", HR, as_of="2026-03-31"
    )
    assert (march["holders"], march["fitting"], march["role_fit"]) == (4, 2, "0.500000")
    assert (march["assessments"], march["passed"], march["pass_rate"]) == (6, 5, "0.833333")
    # Later g2 passes data_analysis at 3: growth 3 of 4; all seven growth assessments, one failed.
    later = await _get(
        client, f"/performance/units/{department['growth']}/competencies", HR, as_of="2026-06-30"
    )
    assert (later["holders"], later["fitting"], later["role_fit"]) == (4, 3, "0.750000")
    assert (later["assessments"], later["passed"], later["pass_rate"]) == (7, 6, "0.857143")
    # The department: fits g1, g2, g3, b5 of 6 core holders; 7 of 10 assessments passed.
    mkt = await _get(
        client, f"/performance/units/{department['mkt']}/competencies", HR, as_of="2026-06-30"
    )
    assert (mkt["holders"], mkt["fitting"], mkt["role_fit"]) == (6, 4, "0.666667")
    assert (mkt["assessments"], mkt["passed"], mkt["pass_rate"]) == (10, 7, "0.700000")


async def test_both_figures_on_the_dashboard(system: System, department: dict[str, str]) -> None:
    client, _ = system
    body = await _get(client, "/dashboard", HR, unit_id=department["mkt"], year=2026)
    figures = {f["key"]: f for f in body["figures"]}
    fit, passes = figures["role_fit"], figures["competency_pass_rate"]
    # 4 / 6 against 0.95 (0.03 margin) and 7 / 10 against 0.90 (0.05 margin): both missed.
    assert (fit["service"], fit["actual"], fit["target"], fit["status"]) == (
        "performance",
        "0.666667",
        "0.950000",
        "missed",
    )
    assert (passes["actual"], passes["target"], passes["status"]) == (
        "0.700000",
        "0.900000",
        "missed",
    )
    trend = {p["month"]: p["actual"] for p in fit["trend"]}
    # Month ends: January nobody assessed (0 of 6); February g1 (1 / 6); March + g3, b5 (3 / 6);
    # May + g2 (4 / 6).
    assert [trend[m] for m in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")] == [
        "0.000000",
        "0.166667",
        "0.500000",
        "0.500000",
        "0.666667",
    ]
    rates = {p["month"]: p["actual"] for p in passes["trend"]}
    # Year to each month's end: none; 3 / 4; 6 / 9; 6 / 9; 7 / 10.
    assert [rates[m] for m in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")] == [
        None,
        "0.750000",
        "0.666667",
        "0.666667",
        "0.700000",
    ]
    # The growth team alone: 3 / 4 missed; 6 / 7 = 0.857143, 0.042857 short of 0.90: at risk.
    growth = await _get(client, "/dashboard", HR, unit_id=department["growth"], year=2026)
    by_key = {f["key"]: f for f in growth["figures"]}
    assert (by_key["role_fit"]["actual"], by_key["role_fit"]["status"]) == ("0.750000", "missed")
    assert (
        by_key["competency_pass_rate"]["actual"],
        by_key["competency_pass_rate"]["status"],
    ) == ("0.857143", "at_risk")


async def test_composition_withholds_small_groups(
    system: System, department: dict[str, str]
) -> None:
    client, _ = system
    body = await _get(client, f"/goals/units/{department['mkt']}/composition", HR)
    assert (body["as_of"], body["min_group_size"]) == ("2026-03-31", 5)
    groups = {g["name"]: g for g in body["groups"]}
    assert [g["name"] for g in body["groups"]] == ["市场部", "618 launch", "brand", "growth"]
    dept = groups["市场部"]
    assert (dept["headcount"], dept["withheld"]) == (10, False)
    assert dept["functions"] == {"analytics": 3, "marketing": 3, "design": 2, "unassigned": 2}
    assert dept["genders"] == {"female": 5, "male": 3, "other": 0, "unrecorded": 2}
    assert dept["age_bands"] == {
        "under_25": 1,  # b2
        "age_25_34": 2,  # b3, g2
        "age_35_44": 3,  # b1, g1, g5
        "age_45_54": 1,  # b4
        "age_55_plus": 1,  # g3
        "unrecorded": 2,  # b5, g4
    }
    growth = groups["growth"]
    assert (growth["headcount"], growth["withheld"]) == (5, False)
    assert growth["functions"] == {"analytics": 3, "marketing": 1, "unassigned": 1}
    assert growth["layers"] == {"management": 1, "execution": 4, "support": 0}
    assert growth["genders"] == {"female": 2, "male": 2, "other": 0, "unrecorded": 1}
    assert growth["age_bands"] == {
        "under_25": 0,
        "age_25_34": 1,
        "age_35_44": 2,
        "age_45_54": 0,
        "age_55_plus": 1,
        "unrecorded": 1,
    }
    brand = groups["brand"]
    assert (brand["headcount"], brand["withheld"]) == (5, False)
    assert brand["genders"] == {"female": 3, "male": 1, "other": 0, "unrecorded": 1}
    assert brand["age_bands"] == {
        "under_25": 1,
        "age_25_34": 1,
        "age_35_44": 1,
        "age_45_54": 1,
        "age_55_plus": 0,
        "unrecorded": 1,
    }
    # Four in the squad: its mix of functions is shown, its ages and genders not.
    squad = groups["618 launch"]
    assert (squad["counted_by"], squad["headcount"], squad["withheld"]) == (
        "squad_membership",
        4,
        True,
    )
    assert squad["functions"] == {"analytics": 1, "marketing": 1, "design": 2}
    assert "age_bands" not in squad and "genders" not in squad
    assert "fewer than 5" in squad["withheld_reason"]
    # Before g5 joined, growth had four: withheld; and the department too, or its numbers
    # minus brand's would be growth's.
    february = await _get(
        client, f"/goals/units/{department['mkt']}/composition", HR, as_of="2026-02-15"
    )
    earlier = {g["name"]: g for g in february["groups"]}
    assert [(g["headcount"], g["withheld"]) for g in february["groups"]] == [
        (9, True),
        (4, True),
        (5, False),
        (4, True),
    ]
    assert "outside its shown sub-units" in earlier["市场部"]["withheld_reason"]
    assert "genders" not in earlier["市场部"] and "age_bands" not in earlier["growth"]
    # Nobody's id or name is in the answer.
    text = str(body)
    assert not any(f"'{member}'" in text or f"Name of {member}" in text for member in MEMBERS)
    # Only HR and admins read it: the department's director and a member are refused.
    for headers in (auth("dir", ["manager"], [department["mkt"]]), auth("g1", ["member"])):
        response = await client.get(
            f"/goals/units/{department['mkt']}/composition", headers=headers
        )
        assert response.status_code == 403, response.text
