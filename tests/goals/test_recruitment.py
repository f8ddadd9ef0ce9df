"""Issue 17's recruitment in goals, through the gateway: requisitions proposed by a unit's
manager and approved by someone else (never oneself, even as HR); a core-role candidate
through every stage, the background check included, to a hire that creates the member
with a mentor (MemberChanged with position and mentor, one CandidateHired); the background
check of a core role neither skipped nor configured out; an offer declined; candidates
unreadable to members and to managers not hiring; the erasure of a not-hired candidate's
personal data after the retention period, on record, the hired one untouched; the
invariant checker's hold on both."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.helpers import auth, post_ok
from tests.system import settled, verified

ADMIN = auth("rc-admin", ["admin"])
HR = auth("rc-hr", ["hr"])
HR2 = auth("rc-hr2", ["hr"])
_post = functools.partial(post_ok, headers=ADMIN)
System = tuple[httpx.AsyncClient, Callable[[date], None]]
CLOSING_DAY = date(2026, 3, 31)  # the system fixture's pinned day
EVERY_STAGE = [
    "screened",
    "phone_screen",
    "interview_1",
    "interview_2",
    "competency_test",
    "case_exercise",
    "background_check",
    "offer",
]


def _database(client: httpx.AsyncClient) -> Any:
    app = client._transport.app  # type: ignore[attr-defined]
    return app.state.service_apps["goals"].state.database


async def _events(client: httpx.AsyncClient, event_type: str, key: str) -> list[dict[str, Any]]:
    async with _database(client).sessions() as session:
        rows = await session.execute(
            text(
                "SELECT envelope FROM goals.outbox WHERE event_type = :type "
                "AND message_key = :key ORDER BY id"
            ),
            {"type": event_type, "key": key},
        )
        return [envelope["data"] for (envelope,) in rows.all()]


def _problem(response: httpx.Response, loc: list[Any], status: int = 422) -> str:
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [loc], errors
    message: str = errors[0]["msg"]
    return message


@pytest.fixture(scope="module")
async def world(system: System) -> dict[str, Any]:
    """Company > department rc-d (headed by rc-head) > teams rc-t (led by rc-lead) and rc-o
    (led by rc-other). Members: the lead, the head, the other lead, a backbone mentor, a
    member, and HR's rc-hr. Positions in rc-t: a core analyst (data_analysis 3,
    communication 2) and a non-core writer (copywriting 2)."""
    client, _ = system
    ids: dict[str, Any] = {}
    ids["company"] = (await _post(client, "/goals/org-units", {"name": "RC", "kind": "company"}))[
        "id"
    ]
    ids["dept"] = (
        await _post(
            client,
            "/goals/org-units",
            {"name": "RC dept", "kind": "department", "parent_id": ids["company"]},
        )
    )["id"]
    for name in ("team", "other"):
        ids[name] = (
            await _post(
                client,
                "/goals/org-units",
                {"name": f"RC {name}", "kind": "team", "parent_id": ids["dept"]},
            )
        )["id"]
    for member, unit, layer, tier in (
        ("rc-head", "dept", "management", "backbone"),
        ("rc-lead", "team", "management", "backbone"),
        ("rc-other", "other", "management", "backbone"),
        ("rc-mentor", "team", "execution", "backbone"),
        ("rc-member", "team", "execution", "newcomer"),
        ("rc-hr", "dept", "support", "backbone"),
    ):
        await _post(
            client,
            "/goals/members",
            {
                "id": member,
                "name": member.upper(),
                "home_unit_id": ids[unit],
                "layer": layer,
                "tier": tier,
                "hired_on": "2025-01-06",
            },
        )
    for position, title, core, required in (
        (
            "pos-rc-analyst",
            "增长分析师 Growth analyst",
            True,
            [
                {"competency": "data_analysis", "level": 3},
                {"competency": "communication", "level": 2},
            ],
        ),
        ("pos-rc-writer", "文案 Copywriter", False, [{"competency": "copywriting", "level": 2}]),
    ):
        await _post(
            client,
            "/goals/positions",
            {
                "id": position,
                "unit_id": ids["team"],
                "title": title,
                "function": "analytics",
                "layer": "execution",
                "core": core,
                "job_description": {"summary": f"{title}: the work"},
                "required_competencies": required,
            },
        )
    ids["LEAD"] = auth("rc-lead", ["manager"], [ids["team"]])
    ids["HEAD"] = auth("rc-head", ["manager"], [ids["dept"]])
    ids["OTHER"] = auth("rc-other", ["manager"], [ids["other"]])
    ids["MEMBER"] = auth("rc-member", ["member"], [ids["team"]])
    return ids


def _requisition(world: dict[str, Any], position: str, **extra: Any) -> dict[str, Any]:
    return {
        "unit_id": world["team"],
        "position_id": position,
        "period": "2026-Q2",
        "headcount": 1,
        "channels": ["campus", "referral"],
        "reason": "新品上市需要分析 Analysis for the launch",
        **extra,
    }


async def _approved(client: httpx.AsyncClient, world: dict[str, Any], position: str) -> str:
    """A requisition proposed by the team's lead and approved by the department's head."""
    made = await post_ok(
        client, "/goals/requisitions", _requisition(world, position), headers=world["LEAD"]
    )
    await post_ok(
        client,
        f"/goals/requisitions/{made['id']}/approve",
        {},
        headers=world["HEAD"],
        status=200,
    )
    return str(made["id"])


async def _candidate(client: httpx.AsyncClient, requisition: str, name: str) -> str:
    made = await post_ok(
        client,
        f"/goals/requisitions/{requisition}/candidates",
        {
            "name": name,
            "email": f"{name.lower()}@example.com",
            "phone": "+86 138 0000 0000",
            "channel": "campus",
            "resume_note": "MSc statistics",
        },
        headers=HR,
    )
    return str(made["id"])


async def _step(
    client: httpx.AsyncClient, candidate: str, stage: str, headers: dict[str, str], **extra: Any
) -> httpx.Response:
    return await client.post(
        f"/goals/candidates/{candidate}/steps",
        json={"stage": stage, "outcome": "passed", "note": f"{stage} ok", **extra},
        headers=headers,
    )


async def test_requisitions_are_proposed_by_a_units_manager_and_decided_by_someone_else(
    system: System, world: dict[str, Any]
) -> None:
    client, _ = system
    body = _requisition(world, "pos-rc-writer")
    refused = await client.post("/goals/requisitions", json=body, headers=world["MEMBER"])
    assert refused.status_code == 403, refused.text
    other = await client.post("/goals/requisitions", json=body, headers=world["OTHER"])
    assert other.status_code == 403, other.text
    made = await post_ok(client, "/goals/requisitions", body, headers=world["LEAD"])
    assert (made["status"], made["proposed_by"], made["hiring_manager_id"]) == (
        "proposed",
        "rc-lead",
        "rc-lead",
    )
    assert made["stages"] == ["applied", *EVERY_STAGE]
    approve = f"/goals/requisitions/{made['id']}/approve"
    own = await client.post(approve, json={}, headers=world["LEAD"])
    assert own.status_code == 403, own.text
    assert own.json()["type"].endswith("/self-decision")
    # A manager of another team is no one to decide it, nor to read it.
    assert (await client.post(approve, json={}, headers=world["OTHER"])).status_code == 404
    assert (
        await client.get(f"/goals/requisitions/{made['id']}", headers=world["MEMBER"])
    ).status_code == 404
    no_candidates = await client.post(
        f"/goals/requisitions/{made['id']}/candidates",
        json={"name": "Early", "channel": "campus"},
        headers=HR,
    )
    assert no_candidates.status_code == 409, no_candidates.text
    approved = await post_ok(client, approve, {}, headers=world["HEAD"], status=200)
    assert (approved["status"], approved["decided_by"]) == ("approved", "rc-head")
    published = await _events(client, "goals.requisition.approved", made["id"])
    assert published == [
        {
            "requisition_id": made["id"],
            "unit_id": world["team"],
            "position_id": "pos-rc-writer",
            "period": "2026-Q2",
            "headcount": 1,
            "channels": ["campus", "referral"],
            "proposed_by": "rc-lead",
            "approved_by": "rc-head",
            "approved_at": published[0]["approved_at"],
        }
    ]
    # HR proposing may not approve its own requisition either; another HR may.
    by_hr = await post_ok(client, "/goals/requisitions", body, headers=HR)
    hr_own = await client.post(f"/goals/requisitions/{by_hr['id']}/approve", json={}, headers=HR)
    assert hr_own.status_code == 403, hr_own.text
    assert hr_own.json()["type"].endswith("/self-decision")
    rejected = await post_ok(
        client,
        f"/goals/requisitions/{by_hr['id']}/reject",
        {"reason": "本季度冻结 Freeze"},
        headers=HR2,
        status=200,
    )
    assert (rejected["status"], rejected["decision_reason"]) == ("rejected", "本季度冻结 Freeze")
    # Stopping an approved requisition keeps the approval as it was and says who closed it.
    spare = await post_ok(client, "/goals/requisitions", body, headers=world["LEAD"])
    await post_ok(
        client,
        f"/goals/requisitions/{spare['id']}/approve",
        {"reason": "In budget"},
        headers=HR,
        status=200,
    )
    closed = await post_ok(
        client,
        f"/goals/requisitions/{spare['id']}/close",
        {"reason": "预算削减 Budget cut"},
        headers=world["LEAD"],
        status=200,
    )
    assert {k: closed[k] for k in ("status", "decided_by", "decision_reason")} == {
        "status": "closed",
        "decided_by": "rc-hr",
        "decision_reason": "In budget",
    }
    assert (closed["closed_by"], closed["close_reason"]) == ("rc-lead", "预算削减 Budget cut")
    assert closed["closed_at"] is not None
    listed = await client.get("/goals/requisitions", headers=world["MEMBER"])
    assert listed.json()["items"] == []


async def test_a_core_role_candidate_goes_through_every_stage_to_a_hire(
    system: System, world: dict[str, Any]
) -> None:
    client, _ = system
    requisition = await _approved(client, world, "pos-rc-analyst")
    first = await _candidate(client, requisition, "Li")
    second = await _candidate(client, requisition, "Han")
    # The hiring manager and HR both record steps; scores name the position's competencies.
    for index, stage in enumerate(EVERY_STAGE):
        scores = [{"competency": "data_analysis", "level": 4}] if "interview" in stage else []
        response = await _step(
            client, first, stage, world["LEAD"] if index % 2 else HR, scores=scores
        )
        assert response.status_code == 201, response.text
    wrong = await _step(client, second, "screened", HR, scores=[{"competency": "sql", "level": 3}])
    _problem(wrong, ["body", "scores", 0, "competency"])
    for stage in ("screened", "interview_1", "competency_test", "background_check", "offer"):
        assert (await _step(client, second, stage, HR)).status_code == 201
    for candidate in (first, second):
        await post_ok(
            client,
            f"/goals/candidates/{candidate}/offer-answer",
            {"accepted": True},
            headers=world["LEAD"],
            status=200,
        )
    shown = (await client.get(f"/goals/candidates/{first}", headers=world["LEAD"])).json()
    assert [(s["stage"], s["outcome"]) for s in shown["steps"]] == [
        *((stage, "passed") for stage in EVERY_STAGE),
        ("accepted", "final"),
    ]
    assert [s["recorded_by"] for s in shown["steps"][:2]] == ["rc-hr", "rc-lead"]
    assert shown["steps"][2]["scores"] == [
        {"competency": "data_analysis", "level": 4, "note": None}
    ]
    hire = {
        "member_id": "rc-new-analyst",
        "hired_on": "2026-04-01",
        "manager_id": "rc-lead",
        "mentor_id": "rc-mentor",
    }
    by_lead = await client.post(f"/goals/candidates/{first}/hire", json=hire, headers=world["LEAD"])
    assert by_lead.status_code == 403, by_lead.text
    hired = await post_ok(client, f"/goals/candidates/{first}/hire", hire, headers=HR, status=200)
    assert (hired["status"], hired["member_id"]) == ("hired", "rc-new-analyst")
    member = (await client.get("/goals/members/rc-new-analyst", headers=HR)).json()
    assert {k: member[k] for k in member if k not in ("created_at", "updated_at")} == {
        "id": "rc-new-analyst",
        "name": "Li",
        "email": "li@example.com",
        "home_unit_id": world["team"],
        "layer": "execution",
        "title": "增长分析师 Growth analyst",
        "manager_id": "rc-lead",
        "tier": "newcomer",
        "tier_reason": None,
        "hired_on": "2026-04-01",
        "left_on": None,
        "leave_reason": None,
        "leave_note": None,
        "position_id": "pos-rc-analyst",
        "gender": None,
        "birth_date": None,
        "version": member["version"],
    }
    mentorships = (
        await client.get("/goals/members/rc-new-analyst/mentorships", headers=HR)
    ).json()["items"]
    assert [(m["mentor_id"], m["starts_on"], m["ends_on"]) for m in mentorships] == [
        ("rc-mentor", "2026-04-01", "2026-07-01")
    ]
    changed = await _events(client, "goals.member.changed", "rc-new-analyst")
    assert [(c["position_id"], c["mentor_id"]) for c in changed] == [
        ("pos-rc-analyst", "rc-mentor")
    ]
    assert await _events(client, "goals.candidate.hired", "rc-new-analyst") == [
        {
            "candidate_id": first,
            "requisition_id": requisition,
            "position_id": "pos-rc-analyst",
            "unit_id": world["team"],
            "member_id": "rc-new-analyst",
            "hired_on": "2026-04-01",
            "mentor_id": "rc-mentor",
            "core": True,
        }
    ]
    filled = (await client.get(f"/goals/requisitions/{requisition}", headers=HR)).json()
    assert (filled["status"], filled["hires"]) == ("filled", 1)
    past = await client.post(
        f"/goals/candidates/{second}/hire", json={**hire, "member_id": "rc-extra"}, headers=HR
    )
    assert past.status_code == 409, past.text
    world["hired"], world["hired_requisition"] = first, requisition
    # Performance's and incentives' copies of the new member hold the position and mentor.
    await settled(client)
    for service in ("performance", "incentives"):
        copy = await client.get(f"/{service}/members/rc-new-analyst", headers=HR)
        assert copy.status_code == 200, copy.text
        assert (copy.json()["position_id"], copy.json()["mentor_id"]) == (
            "pos-rc-analyst",
            "rc-mentor",
        ), service


async def test_a_core_roles_background_check_is_neither_skipped_nor_configured_out(
    system: System, world: dict[str, Any]
) -> None:
    client, _ = system
    configured_out = await client.post(
        "/goals/requisitions",
        json=_requisition(
            world,
            "pos-rc-analyst",
            stages=["applied", "screened", "interview_1", "competency_test", "offer"],
        ),
        headers=world["LEAD"],
    )
    assert "background check" in _problem(configured_out, ["body", "stages"])
    requisition = await _approved(client, world, "pos-rc-analyst")
    candidate = await _candidate(client, requisition, "Skipper")
    for stage in ("screened", "interview_1", "competency_test"):
        assert (await _step(client, candidate, stage, HR)).status_code == 201
    skipped = await _step(client, candidate, "offer", HR)
    assert "background check" in _problem(skipped, ["body", "stage"])
    # Optional stages are skipped on the way and recorded as such.
    assert (await _step(client, candidate, "background_check", HR)).status_code == 201
    shown = (await client.get(f"/goals/candidates/{candidate}", headers=HR)).json()
    assert [(s["stage"], s["outcome"]) for s in shown["steps"]][-2:] == [
        ("case_exercise", "skipped"),
        ("background_check", "passed"),
    ]


async def test_an_offer_declined_and_a_failed_step_close_the_candidate(
    system: System, world: dict[str, Any]
) -> None:
    client, _ = system
    requisition = await _approved(client, world, "pos-rc-writer")
    declining = await _candidate(client, requisition, "Decliner")
    failing = await _candidate(client, requisition, "Failer")
    for stage in ("screened", "interview_1", "competency_test", "offer"):
        assert (await _step(client, declining, stage, world["LEAD"])).status_code == 201
    declined = await post_ok(
        client,
        f"/goals/candidates/{declining}/offer-answer",
        {"accepted": False, "note": "took another offer"},
        headers=world["LEAD"],
        status=200,
    )
    assert (declined["status"], declined["closed_on"]) == ("declined", CLOSING_DAY.isoformat())
    no_reason = await client.post(
        f"/goals/candidates/{failing}/steps",
        json={"stage": "screened", "outcome": "failed"},
        headers=HR,
    )
    _problem(no_reason, ["body", "note"])
    failed = await _step(client, failing, "screened", HR, outcome="failed", note="no SQL")
    assert (failed.json()["status"], failed.json()["close_note"]) == ("rejected", "no SQL")
    after = await _step(client, failing, "interview_1", HR)
    assert after.status_code == 409, after.text
    # Withdrawn by the candidate, rejected by the hiring manager: each closes with its reason.
    closing = {}
    for action, status in (("withdraw", "withdrawn"), ("reject", "rejected")):
        candidate = await _candidate(client, requisition, f"To {action}")
        ended = await post_ok(
            client,
            f"/goals/candidates/{candidate}/{action}",
            {"reason": f"{action} 的原因 reason"},
            headers=world["LEAD"],
            status=200,
        )
        assert (ended["status"], ended["close_note"], ended["closed_on"]) == (
            status,
            f"{action} 的原因 reason",
            CLOSING_DAY.isoformat(),
        )
        closing[status] = candidate
    world["declined"], world["failed"] = declining, failing
    world["withdrawn"], world["rejected"] = closing["withdrawn"], closing["rejected"]


async def test_a_member_and_a_manager_not_hiring_cannot_read_a_candidate(
    system: System, world: dict[str, Any]
) -> None:
    client, _ = system
    candidate = world["hired"]
    for headers in (world["MEMBER"], world["OTHER"], world["HEAD"]):
        response = await client.get(f"/goals/candidates/{candidate}", headers=headers)
        assert response.status_code == 404, response.text
        assert "not yours to see" in response.json()["detail"]
    listed = f"/goals/requisitions/{world['hired_requisition']}/candidates"
    for headers in (world["MEMBER"], world["OTHER"]):
        assert (await client.get(listed, headers=headers)).status_code == 404
    assert [c["name"] for c in (await client.get(listed, headers=HR)).json()["items"]] == [
        "Li",
        "Han",
    ]
    for headers in (HR, world["LEAD"]):
        read = await client.get(f"/goals/candidates/{candidate}", headers=headers)
        assert read.json()["name"] == "Li"


async def test_personal_data_of_candidates_not_hired_is_erased_after_the_retention_period(
    system: System, world: dict[str, Any]
) -> None:
    client, set_today = system
    erase = "/goals/candidates/erase-expired"
    assert (await client.post(erase, headers=world["LEAD"])).status_code == 403
    try:
        set_today(CLOSING_DAY + timedelta(days=180))
        early = await post_ok(client, erase, {}, headers=HR, status=200)
        assert early["erased"] == 0
        set_today(CLOSING_DAY + timedelta(days=181))
        run = await post_ok(client, erase, {}, headers=HR, status=200)
    finally:
        set_today(CLOSING_DAY)
    not_hired = [world[k] for k in ("declined", "failed", "withdrawn", "rejected")]
    assert sorted(run["candidate_ids"]) == sorted(not_hired)
    for candidate in not_hired:
        shown = (await client.get(f"/goals/candidates/{candidate}", headers=HR)).json()
        assert [shown[k] for k in ("name", "email", "phone", "resume_note", "close_note")] == [
            None
        ] * 5
        assert shown["erased_at"] is not None
        assert all(step["note"] is None for step in shown["steps"])
        assert shown["status"] in ("declined", "rejected", "withdrawn")
        assert shown["channel"] == "campus"
    failed = (await client.get(f"/goals/candidates/{world['failed']}", headers=HR)).json()
    assert [(s["stage"], s["outcome"]) for s in failed["steps"]] == [("screened", "failed")]
    records = (await client.get("/goals/candidate-erasures", headers=HR)).json()["items"]
    assert sorted(
        (r["candidate_id"], r["closed_on"], r["retention_days"], r["erased_by"], r["fields"])
        for r in records
    ) == sorted(
        (
            c,
            CLOSING_DAY.isoformat(),
            180,
            "rc-hr",
            ["name", "email", "phone", "resume_note", "close_note", "step_notes"],
        )
        for c in not_hired
    )
    hired = (await client.get(f"/goals/candidates/{world['hired']}", headers=HR)).json()
    assert (hired["name"], hired["erased_at"]) == ("Li", None)
    assert (await client.get("/goals/candidate-erasures", headers=world["LEAD"])).status_code == 403


async def test_the_invariant_checker_holds_hires_and_erasures(
    system: System, world: dict[str, Any]
) -> None:
    client, _ = system
    kinds = ("requisition-hires", "candidate-erasure")
    report = await verified(client)
    assert [d for d in report.drift if d.kind in kinds] == []
    async with _database(client).transaction() as session:
        await session.execute(
            text("UPDATE goals.requisitions SET hires = 2 WHERE id = :id"),
            {"id": world["hired_requisition"]},
        )
        await session.execute(
            text("UPDATE goals.candidates SET phone = '110' WHERE id = :id"),
            {"id": world["failed"]},
        )
    try:
        report = await verified(client, settle_s=0)
        assert sorted(
            (d.kind, d.key, d.stored, d.expected) for d in report.drift if d.kind in kinds
        ) == [
            ("candidate-erasure", world["failed"], "personal data", None),
            ("requisition-hires", world["hired_requisition"], "2", "1"),
        ]
    finally:
        async with _database(client).transaction() as session:
            await session.execute(
                text("UPDATE goals.requisitions SET hires = 1 WHERE id = :id"),
                {"id": world["hired_requisition"]},
            )
            await session.execute(
                text("UPDATE goals.candidates SET phone = NULL WHERE id = :id"),
                {"id": world["failed"]},
            )
