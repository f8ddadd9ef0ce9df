"""Issue 12 in incentives, through its HTTP API on the real Postgres: nobody decides about
their own pay (project bonuses, adjustments, payout runs), a manager decides only about the
members of their units' subtree, and a run that pays its approver needs a second approver
who is not paid in it."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from incentives.schemas import AdjustmentCreate
from incentives.service import payouts
from shared.auth import Principal, Role
from shared.errors import (
    OUT_OF_SCOPE,
    PROBLEM_BASE,
    SECOND_APPROVER_REQUIRED,
    SELF_DECISION,
    DecisionRefused,
)
from tests.helpers import auth
from tests.incentives.desk import (
    ADMIN,
    FINANCE,
    FINANCE_PAID,
    FINANCE_PAID_2,
    HR,
    LEAD,
    UNITS,
    Desk,
    refused,
)


def project(*member_ids: str) -> dict[str, Any]:
    return {
        "name": f"Project for {', '.join(member_ids)}",
        "awards": [
            {"member_id": m, "amount": {"amount": "5000", "currency": "CNY"}} for m in member_ids
        ],
    }


async def created(desk: Desk, headers: dict[str, str], *member_ids: str) -> str:
    response = await desk.post("/projects", headers, project(*member_ids))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_project_bonuses_are_decided_by_someone_they_do_not_pay_in_scope(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="spearhead.errors")
    create = "create-project-bonus"
    # Creating: never for yourself, whatever your roles; a manager only in their subtree.
    refused(await desk.post("/projects", ADMIN, project("adm-1")), SELF_DECISION, create)
    refused(await desk.post("/projects", LEAD, project("s1", "lead")), SELF_DECISION, create)
    refused(await desk.post("/projects", LEAD, project("s1", "mk1")), OUT_OF_SCOPE, create)
    logged = [
        (r.rule, r.actor, r.action, r.subject)  # type: ignore[attr-defined]
        for r in caplog.records
        if r.getMessage() == "decision refused"
    ]
    assert logged == [
        (SELF_DECISION, "adm-1", create, "adm-1"),
        (SELF_DECISION, "lead", create, "lead"),
        (OUT_OF_SCOPE, "lead", create, "mk1"),
    ]
    sales = await created(desk, LEAD, "s1", "s2")  # s1 is in sales-east, below sales
    marketing = await created(desk, HR, "mk1")  # HR answers for everyone
    pays_lead = await created(desk, HR, "lead", "s1")
    pays_admin = await created(desk, HR, "adm-1")
    pays_finance = await created(desk, HR, "fin-paid")
    assert [p["id"] for p in (await desk.get("/projects")).json()["items"]] == [
        sales,
        marketing,
        pays_lead,
        pays_admin,
        pays_finance,
    ]

    # Marking successful: the same rules, about the project's awards.
    mark = "mark-project-successful"
    note = {"note": "Signed"}
    refused(await desk.post(f"/projects/{marketing}/success", LEAD, note), OUT_OF_SCOPE, mark)
    refused(await desk.post(f"/projects/{pays_lead}/success", LEAD, note), SELF_DECISION, mark)
    refused(await desk.post(f"/projects/{pays_admin}/success", ADMIN, note), SELF_DECISION, mark)
    for project_id, headers in (
        (sales, LEAD),
        (marketing, HR),
        (pays_lead, HR),
        (pays_admin, HR),
        (pays_finance, HR),
    ):
        response = await desk.post(f"/projects/{project_id}/success", headers, note)
        assert (response.status_code, response.json()["state"]) == (200, "successful")

    # Approving: never a bonus that pays you (finance or admin alike).
    approve = "approve-project-bonus"
    for project_id, headers in ((pays_finance, FINANCE_PAID), (pays_admin, ADMIN)):
        response = await desk.post(f"/projects/{project_id}/approve", headers)
        refused(response, SELF_DECISION, approve)
    for project_id, headers, approver in (
        (pays_finance, FINANCE, "fin-2"),
        (pays_admin, FINANCE_PAID, "fin-paid"),
        (sales, FINANCE_PAID, "fin-paid"),
    ):
        response = await desk.post(f"/projects/{project_id}/approve", headers)
        assert response.status_code == 200, response.text
        assert response.json()["approved_by"] == approver
    states = {p["id"]: p["state"] for p in (await desk.get("/projects")).json()["items"]}
    assert states == {
        sales: "approved",
        marketing: "successful",
        pays_lead: "successful",
        pays_admin: "approved",
        pays_finance: "approved",
    }


async def test_nobody_adjusts_their_own_pay(desk: Desk) -> None:
    action = "add-adjustment"

    def correction(member_id: str, amount: str) -> dict[str, Any]:
        return {
            "member_id": member_id,
            "period": "2026-Q1",
            "amount": {"amount": amount, "currency": "CNY"},
            "reason": "A correction",
        }

    for headers, member_id, amount in (
        (FINANCE_PAID, "fin-paid", "800.00"),
        (FINANCE_PAID, "fin-paid", "-800.00"),  # moving your own pay is deciding it too
        (ADMIN, "adm-1", "800.00"),
    ):
        response = await desk.post("/adjustments", headers, correction(member_id, amount))
        refused(response, SELF_DECISION, action)
    # Managers do not make adjustments at all (finance and admins do).
    as_lead = await desk.post("/adjustments", LEAD, correction("s1", "100.00"))
    assert as_lead.status_code == 403
    assert as_lead.json()["type"] == PROBLEM_BASE + "forbidden"
    for headers, member_id in ((FINANCE_PAID, "s1"), (ADMIN, "fin-paid"), (FINANCE, "adm-1")):
        response = await desk.post("/adjustments", headers, correction(member_id, "100.00"))
        assert response.status_code == 201, response.text
    listed = (await desk.get("/adjustments")).json()["items"]
    assert [(a["member_id"], a["created_by"]) for a in listed] == [
        ("s1", "fin-paid"),
        ("fin-paid", "adm-1"),
        ("adm-1", "fin-2"),
    ]

    # The service decides the scope too, whatever role the router lets through: a caller who
    # answers only for their units adjusts only their members' pay.
    lead = Principal(member_id="lead", org_units=("sales",), roles=frozenset({Role.manager}))
    async with desk.world.db.transaction() as session:
        with pytest.raises(DecisionRefused) as outside:
            await payouts.add_adjustment(
                session, lead, AdjustmentCreate.model_validate(correction("mk1", "100.00"))
            )
        assert (outside.value.rule, outside.value.subject) == (OUT_OF_SCOPE, "mk1")
        inside = await payouts.add_adjustment(
            session, lead, AdjustmentCreate.model_validate(correction("s1", "100.00"))
        )
        assert inside.member_id == "s1"


async def test_a_run_that_pays_its_approver_needs_a_second_approver_it_does_not_pay(
    desk: Desk,
) -> None:
    run_id, etag = await desk.draft_run()

    first = await desk.approve(run_id, FINANCE_PAID, etag)
    assert first.status_code == 200, first.text
    waiting = first.json()
    assert waiting["state"] == "awaiting_second_approval"
    assert waiting["first_approved_by"] == "fin-paid"
    assert waiting["first_approved_at"] is not None
    assert (waiting["approved_by"], waiting["approved_at"]) == (None, None)
    assert first.headers["ETag"] != etag
    read = await desk.get(f"/payout-runs/{run_id}")
    assert read.json() == waiting
    assert read.headers["ETag"] == first.headers["ETag"]
    assert await desk.events("incentives.payout.approved") == []
    assert await desk.events("incentives.bonus.calculated") == []
    export = await desk.post(f"/payout-runs/{run_id}/export", FINANCE)
    assert export.status_code == 409, export.text

    etag = first.headers["ETag"]
    action = "approve-payout-run"
    # The same person twice, or another person the run pays: refused, nothing changes.
    refused(await desk.approve(run_id, FINANCE_PAID, etag), SECOND_APPROVER_REQUIRED, action)
    refused(await desk.approve(run_id, FINANCE_PAID_2, etag), SECOND_APPROVER_REQUIRED, action)
    refused(await desk.approve(run_id, ADMIN, etag), SECOND_APPROVER_REQUIRED, action)
    assert (await desk.get(f"/payout-runs/{run_id}")).json() == waiting
    stale = await desk.approve(run_id, FINANCE, '"stale"')
    assert stale.status_code == 412, stale.text

    final = await desk.approve(run_id, FINANCE, etag)
    assert final.status_code == 200, final.text
    approved = final.json()
    assert approved["state"] == "approved"
    assert approved["approved_by"] == "fin-2"
    assert approved["approved_at"] >= approved["first_approved_at"]
    assert (approved["first_approved_by"], approved["first_approved_at"]) == (
        "fin-paid",
        waiting["first_approved_at"],
    )
    [event] = await desk.events("incentives.payout.approved")
    assert (event["run_id"], event["approved_by"], event["first_approved_by"]) == (
        run_id,
        "fin-2",
        "fin-paid",
    )
    assert event["members"] == len(UNITS) - 1
    bonuses = await desk.events("incentives.bonus.calculated")
    assert sorted(b["member_id"] for b in bonuses) == sorted(set(UNITS) - {"lead"})

    again = await desk.approve(run_id, auth("fin-3", ["finance"]), final.headers["ETag"])
    assert again.status_code == 409, again.text
    assert len(await desk.events("incentives.payout.approved")) == 1
    exported = await desk.post(f"/payout-runs/{run_id}/export", FINANCE)
    assert exported.status_code == 200, exported.text


async def test_a_run_that_does_not_pay_its_approver_is_approved_by_one_approval(
    desk: Desk,
) -> None:
    run_id, etag = await desk.draft_run()
    response = await desk.approve(run_id, FINANCE, etag)
    assert response.status_code == 200, response.text
    run = response.json()
    assert (run["state"], run["approved_by"], run["first_approved_by"]) == (
        "approved",
        "fin-2",
        None,
    )
    [event] = await desk.events("incentives.payout.approved")
    assert (event["approved_by"], event["first_approved_by"]) == ("fin-2", None)


async def test_recalculating_a_run_withdraws_its_first_approval(desk: Desk) -> None:
    """The first approval is of the lines as they were: a recalculation (asked for, or by a
    correction the run takes) returns the run to draft, to be approved afresh."""
    run_id, etag = await desk.draft_run()
    first = await desk.approve(run_id, FINANCE_PAID, etag)
    assert first.json()["state"] == "awaiting_second_approval"

    recalculated = await desk.post(f"/payout-runs/{run_id}/recalculate", FINANCE)
    assert recalculated.status_code == 200, recalculated.text
    run = recalculated.json()
    assert (run["state"], run["first_approved_by"], run["first_approved_at"]) == (
        "draft",
        None,
        None,
    )
    stale = await desk.approve(run_id, FINANCE, first.headers["ETag"])
    assert stale.status_code == 412, stale.text

    first = await desk.approve(run_id, FINANCE_PAID, recalculated.headers["ETag"])
    assert first.json()["state"] == "awaiting_second_approval"
    correction = {
        "member_id": "s1",
        "period": "2026-Q1",
        "amount": {"amount": "50.00", "currency": "CNY"},
        "reason": "Missed a deal",
    }
    assert (await desk.post("/adjustments", FINANCE, correction)).status_code == 201
    read = await desk.get(f"/payout-runs/{run_id}")
    assert (read.json()["state"], read.json()["first_approved_by"]) == ("draft", None)

    first = await desk.approve(run_id, FINANCE_PAID_2, read.headers["ETag"])
    assert first.json()["state"] == "awaiting_second_approval"
    final = await desk.approve(run_id, FINANCE_PAID_2, first.headers["ETag"])
    refused(final, SECOND_APPROVER_REQUIRED, "approve-payout-run")
    final = await desk.approve(run_id, FINANCE_PAID, first.headers["ETag"])
    refused(final, SECOND_APPROVER_REQUIRED, "approve-payout-run")
    final = await desk.approve(run_id, FINANCE, first.headers["ETag"])
    assert (final.json()["state"], final.json()["first_approved_by"]) == (
        "approved",
        "fin-paid-2",
    )
    assert len(await desk.events("incentives.payout.approved")) == 1
