"""Competency assessments, pass rate and role fit on a constructed unit, every number
computed by hand here, fed with goals' events the way the bus applies them.

Units: u-dept, with u-team below it; u-other elsewhere. Everyone is homed in u-team (path
u-dept, u-team), hired 2025-06-01. Today is pinned to 2026-03-31.
Positions (goals' ``PositionChanged``):
  pos-a core, jd 2: data_analysis 3, communication 2
  pos-b core, jd 1: campaign_planning 3 (version 2; a late version 1 asking 5 is ignored)
  pos-c not core:   writing 2
Holders: h1, h2, h5 pos-a (h5 leaves 2026-02-10); h3, h4 pos-b; n1 pos-c; lead none.
Assessments, by the team's manager (+ passed, - not):
  0  h4 campaign_planning 4  2025-12-01 +   (last year: not in 2026's pass rate)
  1  h1 data_analysis 4      2026-01-10 +
  2  h1 communication 2      2026-01-10 +
  3  h2 data_analysis 2      2026-01-15 -
  4  h3 campaign_planning 3  2026-02-05 +
  5  h2 data_analysis 3      2026-02-20 +   (a re-assessment: counts again)
  6  h2 communication 3      2026-02-20 +
  7  h1 communication 3      2026-03-05 +
  8  h4 campaign_planning 2  2026-03-10 -
  9  n1 writing 3            2026-03-12 +   (not core: in the pass rate, not the role fit)
Pass rate, the year to each month's end: Jan 1-3: 2 / 3 = 0.666667; Feb 1-6: 5 / 6 =
  0.833333; Mar 1-9: 7 / 9 = 0.777778.
Role fit on each month's end (holders of core positions active that day):
  Jan 31: h1 h2 h3 h4 h5; fit h1 (4>=3, 2>=2), h4 (4>=3, last year's counts); h2 (2<3, no
    communication), h3 (not assessed), h5 (not assessed) do not: 2 / 5 = 0.4
  Feb 28: h1 h2 h3 h4 (h5 gone); all fit: 4 / 4 = 1
  Mar 31: h4's latest is 2 < 3: 3 / 4 = 0.75
With the plan's targets: pass rate 0.777778 is 0.122222 short of 0.90 (margin 0.05):
missed; role fit 0.75 is 0.2 short of 0.95 (margin 0.03): missed. With targets 0.80/0.05
and 0.75/0.03: at risk (0.022222 short) and met.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from performance.api.deps import today as performance_today
from performance.main import create_app
from performance.models import outbox
from performance.settings import Settings
from shared.events import Envelope
from shared.inbox import InboxProcessor, Outcome
from shared.inprocess import InProcessBus
from shared.settings import BusKind
from tests.conftest import create_database
from tests.helpers import auth

TODAY = date(2026, 3, 31)
HR = auth("hr-comp", ["hr"])
LEAD = auth("lead", ["manager"], ["u-team"])
OTHER_MANAGER = auth("mgr-other", ["manager"], ["u-other"])
PATH = ["u-dept", "u-team"]
POSITIONS: dict[str, dict[str, Any]] = {
    "pos-a": {
        "core": True,
        "jd_version": 2,
        "required_competencies": [
            {"competency": "data_analysis", "level": 3, "name": "数据分析"},
            {"competency": "communication", "level": 2},
        ],
    },
    "pos-b": {
        "core": True,
        "jd_version": 1,
        "required_competencies": [{"competency": "campaign_planning", "level": 3}],
    },
    "pos-c": {
        "core": False,
        "jd_version": 1,
        "required_competencies": [{"competency": "writing", "level": 2}],
    },
}
MEMBERS: dict[str, tuple[str | None, str | None]] = {
    "lead": (None, None),
    "h1": ("pos-a", None),
    "h2": ("pos-a", None),
    "h5": ("pos-a", "2026-02-10"),
    "h3": ("pos-b", None),
    "h4": ("pos-b", None),
    "n1": ("pos-c", None),
}
ASSESSMENTS = [
    ("h4", "campaign_planning", 4, "2025-12-01"),
    ("h1", "data_analysis", 4, "2026-01-10"),
    ("h1", "communication", 2, "2026-01-10"),
    ("h2", "data_analysis", 2, "2026-01-15"),
    ("h3", "campaign_planning", 3, "2026-02-05"),
    ("h2", "data_analysis", 3, "2026-02-20"),
    ("h2", "communication", 3, "2026-02-20"),
    ("h1", "communication", 3, "2026-03-05"),
    ("h4", "campaign_planning", 2, "2026-03-10"),
    ("n1", "writing", 3, "2026-03-12"),
]


def _event(event_type: str, data: dict[str, Any]) -> bytes:
    return (
        Envelope(
            source="goals",
            type=event_type,
            subject=str(data.get("member_id") or data.get("position_id") or data.get("unit_id")),
            correlationid="test",
            time=datetime(2026, 1, 1, tzinfo=UTC),
            data=data,
        )
        .model_dump_json()
        .encode()
    )


def _position(position_id: str, version: int, **changes: Any) -> bytes:
    return _event(
        "goals.position.changed",
        {
            "position_id": position_id,
            "unit_id": "u-team",
            "title": f"{position_id} 岗位",
            "function": "analytics",
            "layer": "execution",
            "review_due_on": "2027-06-30",
            "active": True,
            "version": version,
            **POSITIONS[position_id],
            **changes,
        },
    )


def _member(member_id: str, position_id: str | None, left_on: str | None) -> bytes:
    return _event(
        "goals.member.changed",
        {
            "member_id": member_id,
            "name": member_id,
            "home_unit_id": "u-team",
            "unit_path": PATH,
            "layer": "management" if member_id == "lead" else "execution",
            "tier": "backbone",
            "manager_id": None if member_id == "lead" else "lead",
            "hired_on": "2025-06-01",
            "left_on": left_on,
            "leave_reason": "voluntary" if left_on else None,
            "position_id": position_id,
            "mentor_id": None if member_id in ("lead", "h1") else "h1",
            "version": 1,
        },
    )


@pytest.fixture(scope="module")
async def world(database_url: str) -> AsyncIterator[dict[str, Any]]:
    url = await create_database(database_url, f"perf_{uuid.uuid4().hex[:8]}")
    app = create_app(Settings(database_url=url, bus=BusKind.inprocess), bus=InProcessBus())
    app.dependency_overrides[performance_today] = lambda: TODAY
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p") as client,
    ):
        processor: InboxProcessor = app.state.runtime.processors[0]
        for unit, parent in (("u-dept", None), ("u-team", "u-dept"), ("u-other", None)):
            await processor.handle(
                _event(
                    "goals.org-unit.changed",
                    {
                        "unit_id": unit,
                        "name": unit,
                        "kind": "team",
                        "parent_id": parent,
                        "version": 1,
                    },
                )
            )
        # pos-b arrives as version 2; a late version 1 asking for level 5 changes nothing.
        for position_id in POSITIONS:
            assert await processor.handle(_position(position_id, 2)) == Outcome.applied
        late = _position(
            "pos-b", 1, required_competencies=[{"competency": "campaign_planning", "level": 5}]
        )
        assert await processor.handle(late) == Outcome.applied
        for member_id, (held, left_on) in MEMBERS.items():
            assert await processor.handle(_member(member_id, held, left_on)) == (Outcome.applied)
        made = []
        for member_id, competency, level, on in ASSESSMENTS:
            response = await client.post(
                "/performance/competency-assessments",
                headers=LEAD,
                json={
                    "member_id": member_id,
                    "competency": competency,
                    "level": level,
                    "assessed_on": on,
                },
            )
            assert response.status_code == 201, response.text
            made.append(response.json())
        yield {"client": client, "app": app, "assessments": made}


def _figures(part: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in part["figures"]}


def _summary(figure: dict[str, Any]) -> tuple[Any, ...]:
    return (
        figure["actual"],
        figure["status"],
        Decimal(figure["target"]),
        Decimal(figure["at_risk_margin"]),
        [(p["month"], p["actual"]) for p in figure["trend"]],
    )


async def test_assessments_are_recorded_with_the_required_level_and_published(
    world: dict[str, Any],
) -> None:
    made, app = world["assessments"], world["app"]
    first, h4_last = made[1], made[8]
    assert {k: first[k] for k in first if k not in ("id", "created_at")} == {
        "member_id": "h1",
        "position_id": "pos-a",
        "jd_version": 2,
        "competency": "data_analysis",
        "required_level": 3,
        "level": 4,
        "passed": True,
        "assessed_by": "lead",
        "assessed_on": "2026-01-10",
        "note": None,
    }
    # pos-b's level is version 2's 3, not the late version 1's 5.
    assert (h4_last["required_level"], h4_last["level"], h4_last["passed"]) == (3, 2, False)
    assert [i for i, a in enumerate(made) if not a["passed"]] == [3, 8]

    async with app.state.runtime.db.transaction() as session:
        rows = list(
            await session.scalars(
                select(outbox.c.envelope).where(
                    outbox.c.event_type == "performance.competency.assessed"
                )
            )
        )
    assert sorted(r["data"]["assessment_id"] for r in rows) == sorted(a["id"] for a in made)
    published = next(r for r in rows if r["data"]["assessment_id"] == h4_last["id"])
    assert published["subject"] == "h4"
    assert published["data"] == {
        "assessment_id": h4_last["id"],
        "member_id": "h4",
        "position_id": "pos-b",
        "jd_version": 1,
        "competency": "campaign_planning",
        "required_level": 3,
        "level": 2,
        "passed": False,
        "assessed_by": "lead",
        "assessed_on": "2026-03-10",
    }


async def test_member_copies_show_position_and_mentor(world: dict[str, Any]) -> None:
    client: httpx.AsyncClient = world["client"]
    read = await client.get("/performance/members/h2", headers=LEAD)
    assert read.status_code == 200, read.text
    assert {k: read.json()[k] for k in ("position_id", "mentor_id", "source_version")} == {
        "position_id": "pos-a",
        "mentor_id": "h1",
        "source_version": 1,
    }
    lead = (await client.get("/performance/members/lead", headers=HR)).json()
    assert (lead["position_id"], lead["mentor_id"]) == (None, None)
    for member, headers in (("h2", auth("h1", ["member"])), ("h2", OTHER_MANAGER), ("x", HR)):
        hidden = await client.get(f"/performance/members/{member}", headers=headers)
        assert hidden.status_code == 404, hidden.text


async def test_nobody_assesses_themself_and_bad_input_names_the_field(
    world: dict[str, Any],
) -> None:
    client: httpx.AsyncClient = world["client"]

    async def post(headers: dict[str, str], **changes: Any) -> httpx.Response:
        body = {"member_id": "h1", "competency": "data_analysis", "level": 3}
        return await client.post(
            "/performance/competency-assessments",
            headers=headers,
            json={**body, "assessed_on": "2026-03-20", **changes},
        )

    for headers, member in ((auth("h1", ["hr"]), "h1"), (LEAD, "lead")):
        refused = await post(headers, member_id=member)
        assert refused.status_code == 403, refused.text
        assert refused.json()["rule"] == "self-decision"
    assert (await post(OTHER_MANAGER)).status_code == 403
    assert (await post(auth("h2", ["member"], ["u-team"]))).status_code == 403

    for changes, field, says in (
        ({"member_id": "ghost"}, "member_id", "ghost is not a member known to performance"),
        ({"member_id": "lead"}, "position_id", "lead holds no position"),
        ({"position_id": "pos-x"}, "position_id", "pos-x is not a position known"),
        (
            {"competency": "writing"},
            "competency",
            "writing is not required by position pos-a (it requires: data_analysis 3, "
            "communication 2)",
        ),
        ({"level": 6}, "level", "less than or equal to 5"),
        ({"level": 0}, "level", "greater than or equal to 1"),
        ({"assessed_on": "2026-04-01"}, "assessed_on", "2026-04-01 is in the future"),
        ({"assessed_on": "2025-05-31"}, "assessed_on", "before h1 was hired (2025-06-01)"),
    ):
        response = await post(HR, **changes)
        assert response.status_code == 422, (changes, response.text)
        errors = response.json()["errors"]
        assert [e["loc"] for e in errors] == [["body", field]], errors
        assert says in errors[0]["msg"], errors
    # Another position can be named: h1 assessed against pos-c's writing.
    named = await post(HR, competency="writing", position_id="pos-c", assessed_on="2025-06-01")
    assert named.status_code == 201, named.text
    assert (named.json()["position_id"], named.json()["required_level"]) == ("pos-c", 2)
    world["assessments"].append(named.json())  # 2025: outside 2026's figures


async def test_reads_are_scoped(world: dict[str, Any]) -> None:
    client, made = world["client"], world["assessments"]

    async def listed(headers: dict[str, str], query: str = "") -> list[str]:
        response = await client.get(f"/performance/competency-assessments{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [a["id"] for a in response.json()["items"]]

    by_day = sorted(made, key=lambda a: (a["assessed_on"], a["created_at"]))
    h1_own = [a["id"] for a in by_day if a["member_id"] == "h1"]
    assert len(h1_own) == 4
    assert await listed(auth("h1", ["member"], ["u-team"])) == h1_own
    assert await listed(auth("h1", ["member"], ["u-team"]), "?member_id=h2") == []
    assert await listed(OTHER_MANAGER) == []
    assert await listed(LEAD, "?member_id=h1") == h1_own
    assert await listed(HR, "?unit_id=u-team") == [a["id"] for a in by_day]
    assert await listed(HR, "?unit_id=u-other") == []
    page = await client.get("/performance/competency-assessments?limit=4", headers=HR)
    assert len(page.json()["items"]) == 4 and page.json()["next_cursor"] is not None

    h2s = made[3]["id"]
    for headers, status in (
        (auth("h2", ["member"]), 200),
        (auth("h1", ["member"]), 404),
        (OTHER_MANAGER, 404),
        (LEAD, 200),
    ):
        one = await client.get(f"/performance/competency-assessments/{h2s}", headers=headers)
        assert one.status_code == status, one.text


async def test_unit_pass_rate_and_role_fit_explained(world: dict[str, Any]) -> None:
    client = world["client"]
    response = await client.get("/performance/units/u-dept/competencies", headers=HR)
    assert response.status_code == 200, response.text
    unit = response.json()
    assert {k: unit[k] for k in unit if k not in ("explanation", "holder_fits")} == {
        "unit_id": "u-dept",
        "as_of": "2026-03-31",
        "period_start": "2026-01-01",
        "assessments": 9,
        "passed": 7,
        "pass_rate": "0.777778",
        "holders": 4,
        "fitting": 3,
        "role_fit": "0.750000",
    }
    assert [(h["member_id"], h["fits"]) for h in unit["holder_fits"]] == [
        ("h1", True),
        ("h2", True),
        ("h3", True),
        ("h4", False),
    ]
    assert unit["holder_fits"][3]["competencies"] == [
        {
            "competency": "campaign_planning",
            "required_level": 3,
            "level": 2,
            "assessed_on": "2026-03-10",
            "fits": False,
            "reason": "2026-03-10 测评 2 < 要求 3 (assessed 2 on 2026-03-10, < required 3)",
        }
    ]
    assert unit["explanation"][1] == (
        "通过率 = 通过的测评 / 全部测评 = 7 / 9 = 0.777778 "
        "(pass rate = passed assessments / assessments)"
    )
    assert unit["explanation"][3] == (
        "专业匹配度 = 匹配的任职者 / 任职者 = 3 / 4 = 0.750000 "
        "(role fit = fitting holders / holders)"
    )

    january = await client.get(
        "/performance/units/u-team/competencies?as_of=2026-01-31", headers=LEAD
    )
    assert january.status_code == 200, january.text
    jan = january.json()
    assert (jan["assessments"], jan["passed"], jan["pass_rate"]) == (3, 2, "0.666667")
    assert (jan["holders"], jan["fitting"], jan["role_fit"]) == (5, 2, "0.400000")
    h5 = next(h for h in jan["holder_fits"] if h["member_id"] == "h5")
    assert [(c["competency"], c["level"], c["fits"], c["reason"]) for c in h5["competencies"]] == [
        ("data_analysis", None, False, "截至 2026-01-31 未测评 (not assessed by 2026-01-31)"),
        ("communication", None, False, "截至 2026-01-31 未测评 (not assessed by 2026-01-31)"),
    ]

    for path, headers, status in (
        ("u-dept", LEAD, 403),
        ("u-team", OTHER_MANAGER, 403),
        ("u-team", auth("h1", ["member"], ["u-team"]), 403),
        ("nowhere", HR, 404),
    ):
        refused = await client.get(f"/performance/units/{path}/competencies", headers=headers)
        assert refused.status_code == status, refused.text
    future = await client.get("/performance/units/u-team/competencies?as_of=2026-04-01", headers=HR)
    assert future.status_code == 422
    assert future.json()["errors"][0]["loc"] == ["query", "as_of"]


async def test_both_figures_on_the_dashboard_against_their_targets(
    world: dict[str, Any],
) -> None:
    client = world["client"]

    async def figures() -> dict[str, dict[str, Any]]:
        response = await client.get("/performance/dashboard?unit_id=u-dept", headers=HR)
        assert response.status_code == 200, response.text
        return _figures(response.json())

    shown = await figures()
    assert list(shown)[-2:] == ["competency_pass_rate", "role_fit"]
    rate, fit = shown["competency_pass_rate"], shown["role_fit"]
    assert (rate["label"], rate["label_en"], rate["unit"], rate["direction"]) == (
        "能力测评通过率",
        "Competency assessment pass rate",
        "ratio",
        "at_least",
    )
    assert (fit["label"], fit["label_en"]) == ("核心岗位专业匹配度", "Role fit of core positions")
    assert _summary(rate) == (
        "0.777778",
        "missed",
        Decimal("0.9"),
        Decimal("0.05"),
        [("2026-01", "0.666667"), ("2026-02", "0.833333"), ("2026-03", "0.777778")],
    )
    assert _summary(fit) == (
        "0.750000",
        "missed",
        Decimal("0.95"),
        Decimal("0.03"),
        [("2026-01", "0.400000"), ("2026-02", "1.000000"), ("2026-03", "0.750000")],
    )
    made = world["assessments"]
    assert rate["inputs"] == {
        "assessment_ids": [made[i]["id"] for i in range(1, 10)],
        "failed_assessment_ids": [made[3]["id"], made[8]["id"]],
    }
    assert fit["inputs"] == {
        "holders": ["h1", "h2", "h3", "h4"],
        "fitting_holders": ["h1", "h2", "h3"],
        "not_fitting_holders": ["h4"],
    }
    assert rate["explanation"][0].startswith(
        "2026-01-01 至 2026-03-31 本单位及下级单位成员的能力测评 9 次,达到岗位要求等级 7 次"
    )
    assert fit["explanation"][0].startswith("2026-03-31 在岗的核心岗位任职者 4 人")
    # Only the holders who do not fit are named on the dashboard.
    assert len(fit["explanation"]) == 4
    assert fit["explanation"][2] == (
        "h4(pos-b 岗位)不匹配 (does not fit):campaign_planning: 2026-03-10 测评 2 < 要求 3 "
        "(assessed 2 on 2026-03-10, < required 3)"
    )

    for key, target, margin in (
        ("competency_pass_rate", "0.80", "0.05"),
        ("role_fit", "0.75", "0.03"),
    ):
        put = await client.put(
            f"/performance/dashboard/targets/{key}",
            headers=HR,
            json={"target": target, "at_risk_margin": margin},
        )
        assert put.status_code == 200, put.text
    changed = await figures()
    assert _summary(changed["competency_pass_rate"])[:3] == ("0.777778", "at_risk", Decimal("0.8"))
    assert _summary(changed["role_fit"])[:3] == ("0.750000", "met", Decimal("0.75"))
