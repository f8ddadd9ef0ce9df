"""Performance's part of the management dashboard: a sales department (one director's member
homed in it) with two teams, a quarter of 2026 (today pinned to 31 March), every figure
computed by hand here, the scopes, and the organisation's targets.

The people, hired 2025-05-01 unless said (at the start of 2026: a1-a5, b1-b5, d1 = 11):
  department: d1;  team A: a1-a5, a6 (hired 2026-02-01);  team B: b1-b5
  a1 leaves by choice 2026-02-15; b4 is let go 2026-03-10; b5 will leave by choice 2026-06-30.
Live scores (leads against a plan of 50: a score is 2 x leads):
  a1 120, 120 (Jan, Feb);  a2 110 x3;  a3 80, 100, 120;  b1 98 x3;  b2 88 x3;  b3 60 (Mar)
Training (hours, completed): a2 24 (01-20) + 20 (03-05); a3 16 (02-10); a6 8 (03-12);
  b1 40 (01-15); b2 12 (03-20); d1 6 (02-25); a4 10 (2025-12-10, last year)
Pulse surveys: S1 team A opens 01-20: 5, 4, 2;  S2 department opens 02-20: 4, 3, 5, 4;
  S3 team B opens 03-20: 4, 4, 5.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from performance.api.deps import today as performance_today
from tests.builders import actual, indicator, kpi, kpi_target, leave, org, scorecard
from tests.helpers import auth, post_ok
from tests.system import settled

HR = auth("hr-dash", ["hr"])
_post = functools.partial(post_ok, headers=HR)
MEMBERS = {
    "d1": ("dept", "management", "2025-05-01"),
    **{f"a{i}": ("a", "execution", "2025-05-01") for i in range(1, 6)},
    "a6": ("a", "execution", "2026-02-01"),
    **{f"b{i}": ("b", "execution", "2025-05-01") for i in range(1, 6)},
}
LEADS = {
    "a1": {"2026-01": "60", "2026-02": "60"},
    "a2": {"2026-01": "55", "2026-02": "55", "2026-03": "55"},
    "a3": {"2026-01": "40", "2026-02": "50", "2026-03": "60"},
    "b1": {"2026-01": "49", "2026-02": "49", "2026-03": "49"},
    "b2": {"2026-01": "44", "2026-02": "44", "2026-03": "44"},
    "b3": {"2026-03": "30"},
}
LEAVERS = (("a1", "2026-02-15", "voluntary"), ("b4", "2026-03-10", "involuntary"))
LATER = ("b5", "2026-06-30", "voluntary")
TRAINING = (
    ("b1", "40", "2026-01-15"),
    ("a2", "24", "2026-01-20"),
    ("a3", "16", "2026-02-10"),
    ("d1", "6", "2026-02-25"),
    ("a2", "20", "2026-03-05"),
    ("a6", "8", "2026-03-12"),
    ("b2", "12", "2026-03-20"),
    ("a4", "10", "2025-12-10"),
)
MONTHS = ["2026-01", "2026-02", "2026-03"]
ALL_2026 = ["a1", "a2", "a3", "a4", "a5", "a6", "b1", "b2", "b3", "b4", "b5", "d1"]
AT_START = [m for m in ALL_2026 if m != "a6"]


def figures(part: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in part["figures"]}


def trend(figure: dict[str, Any]) -> list[tuple[str, Decimal | None]]:
    return [
        (p["month"], None if p["actual"] is None else Decimal(p["actual"])) for p in figure["trend"]
    ]


def summary(figure: dict[str, Any]) -> tuple[Decimal | None, str, Decimal]:
    actual = None if figure["actual"] is None else Decimal(figure["actual"])
    return actual, figure["status"], Decimal(figure["target"])


@dataclass
class Dashboard:
    """The department the dashboard reads, and the ids its figures name."""

    client: httpx.AsyncClient
    units: dict[str, str]
    records: list[str]
    surveys: list[str]

    async def part(self, unit: str, headers: dict[str, str], query: str = "&year=2026") -> Any:
        """Performance's part of the dashboard of ``unit`` (a key of ``units``, or an id)."""
        response = await self.client.get(
            f"/performance/dashboard?unit_id={self.units.get(unit, unit)}{query}", headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    @property
    def mgr_a(self) -> dict[str, str]:
        return auth("mgr-a", ["manager"], [self.units["a"]])

    @property
    def director(self) -> dict[str, str]:
        return auth("director", ["manager"], [self.units["dept"]])


async def step_1_a_sales_department_and_its_quarter(
    client: httpx.AsyncClient, pin: Callable[[date], None]
) -> Dashboard:
    """The department, its teams and members, live scores from leads, the leavers, the
    training records and three pulse surveys answered on their days."""
    builder = (
        org(client, headers=HR)
        .unit("dept", "销售部 Sales", kind="department")
        .unit("a", "华东组 East", parent="dept")
        .unit("b", "华南组 South", parent="dept")
    )
    for member, (unit, layer, hired_on) in MEMBERS.items():
        builder.member(member, name=member, unit=unit, layer=layer, hired_on=hired_on)
    units = await builder
    await kpi(client, "leads", name="Leads", unit="count", headers=HR)
    await scorecard(client, "leads-only", "Leads", indicator("leads", "Leads"), headers=HR)
    for member, months in LEADS.items():
        for month, value in months.items():
            await kpi_target(
                client,
                owner=member,
                kpi="leads",
                period=month,
                target="50",
                title="Leads",
                description="Monthly leads plan",
                headers=HR,
            )
            await actual(
                client,
                owner=member,
                kpi="leads",
                day=f"{month}-20",
                value=value,
                key=f"{member}-{month}",
                headers=HR,
            )
    await settled(client)
    for member, on, reason in (*LEAVERS, LATER):
        await leave(client, member, on=on, reason=reason, headers=HR)
    await settled(client)
    records = []
    for member, hours, on in TRAINING:
        record = await _post(
            client,
            "/performance/training-records",
            {"member_id": member, "title": "销售培训", "hours": hours, "completed_on": on},
        )
        records.append(record["id"])
    surveys = await _answer_surveys(client, units, pin)
    pin(date(2026, 3, 31))
    return Dashboard(client, units, records, surveys)


async def _answer_surveys(
    client: httpx.AsyncClient, units: dict[str, str], pin: Callable[[date], None]
) -> list[str]:
    surveys = []
    for unit, opens_on, closes_on, answering_on, answers in (
        ("a", "2026-01-20", "2026-01-31", date(2026, 1, 25), (("a1", 5), ("a2", 4), ("a3", 2))),
        (
            "dept",
            "2026-02-20",
            "2026-02-28",
            date(2026, 2, 25),
            (("d1", 4), ("b1", 3), ("b2", 5), ("a2", 4)),
        ),
        ("b", "2026-03-20", "2026-03-31", date(2026, 3, 25), (("b1", 4), ("b2", 4), ("b3", 5))),
    ):
        survey = await _post(
            client,
            "/performance/pulse-surveys",
            {
                "unit_id": units[unit],
                "question": "这个月你对工作满意吗? How satisfied are you?",
                "opens_on": opens_on,
                "closes_on": closes_on,
            },
        )
        surveys.append(survey["id"])
        pin(answering_on)
        for member, score in answers:
            answered = await client.post(
                f"/performance/pulse-surveys/{survey['id']}/answers",
                json={"score": score},
                headers=auth(member, ["member"], [units[MEMBERS[member][0]]]),
            )
            assert answered.status_code == 204, answered.text
    return surveys


async def step_2_the_department_shows_every_figure(world: Dashboard) -> dict[str, dict[str, Any]]:
    """Returns the department's figures by key."""
    whole = await world.part("dept", HR, "")  # the year defaults to today's: 2026
    assert (whole["service"], whole["unit_id"], whole["year"]) == (
        "performance",
        world.units["dept"],
        2026,
    )
    dept = figures(whole)
    assert list(dept) == [
        "core_retention",
        "voluntary_attrition",
        "training_coverage",
        "training_hours",
        "satisfaction",
        "competency_pass_rate",
        "role_fit",
    ]
    # No position and no assessment in this world: both competency figures have no data
    # (test_competencies has the numbers).
    for key in ("competency_pass_rate", "role_fit"):
        assert summary(dept[key])[:2] == (None, "no_data")
        assert trend(dept[key]) == [(m, None) for m in MONTHS]
    return dept


async def step_3_core_retention(dept: dict[str, dict[str, Any]]) -> None:
    # Core retention, department: 11 at the start, 30% of 11 = 3.3 -> 3 core members.
    # Jan: a1 120, a2 110, b1 98 -> all active on 01-31: 3 / 3.
    # Feb: a1 120, a2 110, b1 98 (a3 90, b2 88) -> a1 gone on 02-15: 2 / 3.
    # Mar: a1 120, a2 110, a3 (80+100+120)/3 = 100 (b1 98) -> a2, a3 active: 2 / 3 = 0.666667,
    # 0.233333 short of 0.90 (margin 0.05): missed.
    core = dept["core_retention"]
    assert (core["label"], core["label_en"], core["unit"], core["direction"]) == (
        "核心成员保留率",
        "Core-member retention",
        "ratio",
        "at_least",
    )
    assert summary(core) == (Decimal("0.666667"), "missed", Decimal("0.9"))
    assert Decimal(core["at_risk_margin"]) == Decimal("0.05")
    assert trend(core) == [
        ("2026-01", Decimal(1)),
        ("2026-02", Decimal("0.666667")),
        ("2026-03", Decimal("0.666667")),
    ]
    assert core["inputs"] == {
        "members_at_start": AT_START,
        "core_members": ["a1", "a2", "a3"],
        "retained_members": ["a2", "a3"],
        "departed_core_members": ["a1"],
        "score_months": MONTHS,
    }
    assert core["explanation"][0].startswith("年初(2026-01-01)在岗 11 人;核心成员 = 按 2026-01 至")
    assert "前 30%" in core["explanation"][0] and "= 3 人" in core["explanation"][0]
    assert core["explanation"][1] == (
        "核心成员平均分 (average scores): a1 120.00、a2 110.00、a3 100.00"
    )
    assert core["explanation"][2].startswith("截至 2026-03-31 仍在岗 2 人,已离开 1 人:a1")
    assert core["explanation"][3] == (
        "保留率 = 仍在岗的核心成员 / 核心成员 = 2 / 3 = 0.666667 "
        "(retention = core members still active / core members)"
    )


async def step_4_voluntary_attrition(dept: dict[str, dict[str, Any]]) -> None:
    # Voluntary attrition: a1 of 11 (b4 was let go; b5 leaves in June, not yet):
    # 1 / 11 = 0.090909, 0.010909 over 0.08 (margin 0.02): at risk.
    attrition = dept["voluntary_attrition"]
    assert summary(attrition) == (Decimal("0.090909"), "at_risk", Decimal("0.08"))
    assert trend(attrition) == [
        ("2026-01", Decimal(0)),
        ("2026-02", Decimal("0.090909")),
        ("2026-03", Decimal("0.090909")),
    ]
    assert attrition["inputs"] == {"members_at_start": AT_START, "voluntary_leavers": ["a1"]}
    assert attrition["explanation"][1].startswith("2026-01-01 至 2026-03-31 主动离职 1 人:a1")
    assert attrition["explanation"][2].startswith(
        "主动离职率 = 主动离职人数 / 年初在岗人数 = 1 / 11 = 0.090909"
    )


async def step_5_training_coverage_and_hours(
    world: Dashboard, dept: dict[str, dict[str, Any]]
) -> None:
    # Training coverage, members active in the period: Jan 11 (a6 not hired), then 12.
    # Jan: b1, a2 = 2 / 11 = 0.181818; Feb: + a3, d1 = 4 / 12 = 0.333333;
    # Mar: + a6, b2 = 6 / 12 = 0.5 (a4's record is of 2025): missed.
    coverage = dept["training_coverage"]
    assert summary(coverage) == (Decimal("0.5"), "missed", Decimal(1))
    assert trend(coverage) == [
        ("2026-01", Decimal("0.181818")),
        ("2026-02", Decimal("0.333333")),
        ("2026-03", Decimal("0.5")),
    ]
    this_year = [world.records[i] for i in range(7)]
    assert coverage["inputs"] == {
        "members": ALL_2026,
        "trained_members": ["a2", "a3", "a6", "b1", "b2", "d1"],
        "untrained_members": ["a1", "a4", "a5", "b3", "b4", "b5"],
        "training_record_ids": this_year,
    }
    assert coverage["explanation"][0].startswith("2026-01-01 至 2026-03-31 期间在岗成员 12 人")
    assert coverage["explanation"][2].startswith(
        "培训覆盖率 = 受训人数 / 在岗人数 = 6 / 12 = 0.500000"
    )

    # Training hours: Jan 40 + 24 = 64 / 11 = 5.818182; Feb + 16 + 6 = 86 / 12 = 7.166667;
    # Mar + 20 + 8 + 12 = 126 / 12 = 10.5; below 40: all but a2 (44) and b1 (40) = 10. Missed.
    hours = dept["training_hours"]
    assert (hours["unit"], summary(hours)) == (
        "hours_per_member",
        (Decimal("10.5"), "missed", Decimal(40)),
    )
    assert trend(hours) == [
        ("2026-01", Decimal("5.818182")),
        ("2026-02", Decimal("7.166667")),
        ("2026-03", Decimal("10.5")),
    ]
    assert hours["inputs"] == {
        "members": ALL_2026,
        "members_below_target": [m for m in ALL_2026 if m not in ("a2", "b1")],
        "training_record_ids": this_year,
    }
    assert hours["explanation"][1].startswith("培训记录 7 条,共 126 学时")
    assert hours["explanation"][2].startswith(
        "人均培训学时 = 总学时 / 在岗人数 = 126 / 12 = 10.500000"
    )
    assert hours["explanation"][3] == "低于 40 学时的成员 10 人 (members below 40 hours: 10)"


async def step_6_satisfaction(world: Dashboard, dept: dict[str, dict[str, Any]]) -> None:
    # Satisfaction, every survey of the subtree to date: Jan S1 2 / 3 = 0.666667;
    # Feb + S2 (4, 5, 4 of 4): 5 / 7 = 0.714286; Mar + S3 (3 of 3): 8 / 10 = 0.8,
    # 0.05 short of 0.85 (margin 0.05): at risk.
    liked = dept["satisfaction"]
    assert summary(liked) == (Decimal("0.8"), "at_risk", Decimal("0.85"))
    assert trend(liked) == [
        ("2026-01", Decimal("0.666667")),
        ("2026-02", Decimal("0.714286")),
        ("2026-03", Decimal("0.8")),
    ]
    assert liked["inputs"] == {"survey_ids": world.surveys}
    assert liked["explanation"][0].startswith(
        "2026-01-01 至 2026-03-31 开启的脉搏调查(本单位及下级单位)3 次,匿名回答 10 份"
    )
    assert liked["explanation"][1].startswith(
        "满意度 = 4 分或 5 分的回答 / 全部回答 = 8 / 10 = 0.800000"
    )


async def step_7_each_team_has_figures_of_its_own(world: Dashboard) -> None:
    # Team A (a1-a5 at the start, a6 from February): core 30% of 5 = 1.5 -> 2: a1, a2;
    # a1 gone in February: 1, 0.5, 0.5. Attrition a1: 1 / 5 = 0.2. Training: a1-a6, trained
    # a2, a3, a6 = 3 / 6 = 0.5; 44 + 16 + 8 = 68 / 6 = 11.333333. Satisfaction: S1 only.
    team_a = figures(await world.part("a", world.mgr_a))
    assert {key: summary(f)[:2] for key, f in team_a.items()} == {
        "core_retention": (Decimal("0.5"), "missed"),
        "voluntary_attrition": (Decimal("0.2"), "missed"),
        "training_coverage": (Decimal("0.5"), "missed"),
        "training_hours": (Decimal("11.333333"), "missed"),
        "satisfaction": (Decimal("0.666667"), "missed"),
        "competency_pass_rate": (None, "no_data"),
        "role_fit": (None, "no_data"),
    }
    assert trend(team_a["core_retention"]) == [
        ("2026-01", Decimal(1)),
        ("2026-02", Decimal("0.5")),
        ("2026-03", Decimal("0.5")),
    ]
    assert team_a["core_retention"]["inputs"]["core_members"] == ["a1", "a2"]
    assert trend(team_a["satisfaction"]) == [(m, Decimal("0.666667")) for m in MONTHS]

    # Team B (b1-b5): core b1, b2, both active: 1, met; no voluntary leaver yet: 0, met;
    # trained b1, b2 = 2 / 5 = 0.4; 52 / 5 = 10.4; satisfaction nothing until S3: 3 / 3.
    team_b = figures(await world.part("b", world.director))
    assert {key: summary(f)[:2] for key, f in team_b.items()} == {
        "core_retention": (Decimal(1), "met"),
        "voluntary_attrition": (Decimal(0), "met"),
        "training_coverage": (Decimal("0.4"), "missed"),
        "training_hours": (Decimal("10.4"), "missed"),
        "satisfaction": (Decimal(1), "met"),
        "competency_pass_rate": (None, "no_data"),
        "role_fit": (None, "no_data"),
    }
    assert trend(team_b["satisfaction"]) == [
        ("2026-01", None),
        ("2026-02", None),
        ("2026-03", Decimal(1)),
    ]


async def step_8_who_reads_which_unit(world: Dashboard) -> None:
    missing = await world.client.get("/performance/dashboard?year=2026", headers=HR)
    assert missing.status_code == 422, missing.text
    assert "unit_id" in missing.text

    # Scope: a team's manager reads their team only; the director the department and its
    # teams; a member nothing; a unit performance never heard of is 404.
    for unit, headers, status in (
        ("b", world.mgr_a, 403),
        ("dept", world.mgr_a, 403),
        ("dept", world.director, 200),
        ("a", world.director, 200),
        ("a", auth("a2", ["member"], [world.units["a"]]), 403),
        ("no-such-unit", HR, 404),
    ):
        response = await world.client.get(
            f"/performance/dashboard?unit_id={world.units.get(unit, unit)}&year=2026",
            headers=headers,
        )
        assert response.status_code == status, (unit, response.text)
        if status != 200:
            assert response.headers["content-type"].startswith("application/problem+json")


async def step_9_past_and_future_years(world: Dashboard) -> None:
    # A past year has all twelve months: in 2025 nobody was there on 1 January (no data),
    # 11 were hired in May and a4 trained in December: coverage 0 from May, 1 / 11 = 0.090909.
    past = figures(await world.part("dept", HR, "&year=2025"))
    assert summary(past["core_retention"])[:2] == (None, "no_data")
    assert summary(past["voluntary_attrition"])[:2] == (None, "no_data")
    assert trend(past["training_coverage"]) == [
        *((f"2025-{m:02d}", None) for m in range(1, 5)),
        *((f"2025-{m:02d}", Decimal(0)) for m in range(5, 12)),
        ("2025-12", Decimal("0.090909")),
    ]
    future = figures(await world.part("dept", HR, "&year=2027"))
    assert {(f["status"], f["actual"], len(f["trend"])) for f in future.values()} == {
        ("no_data", None, 0)
    }


async def step_10_team_health(world: Dashboard) -> None:
    # Team health (the whole year, the subtree): a leaving date in June counts there already,
    # so a1 and b5 of 11 leave by choice: 0.18; retention 2 / 3; satisfaction 8 / 10.
    health = (
        await world.client.get(
            f"/performance/units/{world.units['dept']}/health?year=2026", headers=HR
        )
    ).json()
    assert (
        Decimal(health["satisfaction"]),
        health["answers"],
        health["core_members"],
        Decimal(health["core_retention"]),
        health["headcount_at_start"],
        health["voluntary_leavers"],
        Decimal(health["voluntary_attrition"]),
        Decimal(health["satisfaction_target"]),
    ) == (
        Decimal("0.8"),
        10,
        ["a1", "a2", "a3"],
        Decimal("0.67"),
        11,
        2,
        Decimal("0.18"),
        Decimal("0.85"),
    )


async def step_11_hr_changes_the_organisations_targets(world: Dashboard) -> None:
    # The organisation's targets: the plan's defaults until HR changes one.
    listed = await world.client.get("/performance/dashboard/targets", headers=world.mgr_a)
    assert listed.status_code == 200
    assert [
        (t["key"], Decimal(t["target"]), Decimal(t["at_risk_margin"]), t["version"])
        for t in listed.json()["targets"]
    ] == [
        ("core_retention", Decimal("0.9"), Decimal("0.05"), 0),
        ("voluntary_attrition", Decimal("0.08"), Decimal("0.02"), 0),
        ("training_coverage", Decimal(1), Decimal("0.05"), 0),
        ("training_hours", Decimal(40), Decimal(5), 0),
        ("satisfaction", Decimal("0.85"), Decimal("0.05"), 0),
        ("competency_pass_rate", Decimal("0.9"), Decimal("0.05"), 0),
        ("role_fit", Decimal("0.95"), Decimal("0.03"), 0),
    ]
    body = {"target": "0.100000", "at_risk_margin": "0.020000"}
    refused = await world.client.put(
        "/performance/dashboard/targets/voluntary_attrition", json=body, headers=world.director
    )
    assert refused.status_code == 403, refused.text
    unknown = await world.client.put("/performance/dashboard/targets/nope", json=body, headers=HR)
    assert unknown.status_code == 404, unknown.text
    for key, target in (("voluntary_attrition", "0.100000"), ("satisfaction", "0.800000")):
        changed = await world.client.put(
            f"/performance/dashboard/targets/{key}",
            json={"target": target, "at_risk_margin": "0.020000"},
            headers=HR,
        )
        assert changed.status_code == 200, changed.text
        assert (changed.json()["version"], changed.json()["updated_by"]) == (1, "hr-dash")
    # 0.090909 <= 0.10 and 0.8 >= 0.80: both met now; team health reads the same targets.
    after = figures(await world.part("dept", HR))
    assert summary(after["voluntary_attrition"]) == (Decimal("0.090909"), "met", Decimal("0.1"))
    assert summary(after["satisfaction"]) == (Decimal("0.8"), "met", Decimal("0.8"))
    health = (
        await world.client.get(
            f"/performance/units/{world.units['dept']}/health?year=2026", headers=HR
        )
    ).json()
    assert (health["satisfaction_target"], health["voluntary_attrition_target"]) == (
        "0.800000",
        "0.100000",
    )


async def test_performance_dashboard(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _set_goals_today = system
    app = client._transport.app  # type: ignore[attr-defined]
    pinned = {"day": date(2026, 3, 31)}
    app.state.service_apps["performance"].dependency_overrides[performance_today] = lambda: pinned[
        "day"
    ]

    def pin(day: date) -> None:
        pinned["day"] = day

    world = await step_1_a_sales_department_and_its_quarter(client, pin)
    dept = await step_2_the_department_shows_every_figure(world)
    await step_3_core_retention(dept)
    await step_4_voluntary_attrition(dept)
    await step_5_training_coverage_and_hours(world, dept)
    await step_6_satisfaction(world, dept)
    await step_7_each_team_has_figures_of_its_own(world)
    await step_8_who_reads_which_unit(world)
    await step_9_past_and_future_years(world)
    await step_10_team_health(world)
    await step_11_hr_changes_the_organisations_targets(world)
