"""Nobody decides about their own pay, whatever their roles (issue 12), through the gateway
over every service on real Postgres. For finance, HR, a manager and an admin: each decision
about themselves is refused with its rule (403, the rule as the problem's type), and the same
decision about someone they answer for goes through. A run that pays its approver needs a
second, different approver it does not pay; the payroll CSV cannot carry a formula.

The organisation is ``review_org``'s, plus a finance department whose two finance people
are members paid by the quarter's plan, and members whose names begin like formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from shared.errors import OUT_OF_SCOPE, SECOND_APPROVER_REQUIRED, SELF_DECISION
from tests.helpers import auth, post_ok
from tests.security.review_org import HR_OPS, Org, assert_refused, build_org
from tests.system import settled

System = tuple[httpx.AsyncClient, Callable[[date], None]]
PERIOD = "2026-Q2"
FIN_OPS = auth("fin-ops", ["finance"])  # finance that no plan pays: not a member
FORMULA_NAMES = {
    "x-eq": '=HYPERLINK("http://evil","pay")',
    "x-plus": "+86 138 0000 0000",
    "x-minus": "-2+3",
    "x-at": "@SUM(A1:A2)",
    # Leading tabs and carriage returns never reach a name (requests are trimmed): the
    # export's own handling of them is tested on shared.exports.
    "x-tab": "\u3000\t=1+1",
}


class Pay:
    def __init__(self, client: httpx.AsyncClient, org: Org, finance_unit: str) -> None:
        self.client, self.org = client, org
        self.fin1 = auth("fin1", ["finance"], [finance_unit])
        self.fin2 = auth("fin2", ["finance"], [finance_unit])

    async def post(
        self, path: str, headers: dict[str, str], body: dict[str, Any] | None = None
    ) -> httpx.Response:
        return await self.client.post(f"/incentives{path}", json=body or {}, headers=headers)

    async def project(self, headers: dict[str, str], *members: str) -> httpx.Response:
        awards = [
            {"member_id": m, "amount": {"amount": "1000.00", "currency": "CNY"}} for m in members
        ]
        body = {"name": f"Launch for {', '.join(members)}", "currency": "CNY", "awards": awards}
        return await self.post("/projects", headers, body)

    async def successful(self, headers: dict[str, str], *members: str) -> str:
        """A project paying ``members``, created and marked successful by ``headers``."""
        created = await self.project(headers, *members)
        assert created.status_code == 201, created.text
        project = str(created.json()["id"])
        marked = await self.post(f"/projects/{project}/success", headers, {"note": "Shipped"})
        assert marked.status_code == 200, marked.text
        return project

    async def adjustment(self, headers: dict[str, str], member: str) -> httpx.Response:
        body = {
            "member_id": member,
            "period": PERIOD,
            "amount": {"amount": "-120.50", "currency": "CNY"},
            "reason": "Credit note on a deal",
        }
        return await self.post("/adjustments", headers, body)

    async def deal(self, headers: dict[str, str], member: str, deal_id: str) -> httpx.Response:
        body = {
            "id": deal_id,
            "member_id": member,
            "amount": {"amount": "5000.00", "currency": "CNY"},
            "closed_on": "2026-04-15",
        }
        return await self.post("/revenue", headers, body)


@pytest.fixture(scope="module")
async def pay(system: System) -> Pay:
    client, set_today = system
    set_today(date(2026, 6, 30))
    org = await build_org(client)
    finance = await post_ok(
        client,
        "/goals/org-units",
        {"name": "Finance", "kind": "department", "parent_id": org.units["company"]},
        headers=HR_OPS,
    )
    for member, name in {"fin1": "Fin One", "fin2": "Fin Two", **FORMULA_NAMES}.items():
        await post_ok(
            client,
            "/goals/members",
            {
                "id": member,
                "name": name,
                "home_unit_id": finance["id"],
                "layer": "support",
                "hired_on": "2025-05-01",
            },
            headers=HR_OPS,
        )
    await post_ok(
        client,
        "/incentives/plans",
        {
            "name": "Everyone Q2",
            "period": PERIOD,
            "currency": "CNY",
            "population": {"unit_id": org.units["company"]},
            "base_pay": {"amount": "10000", "currency": "CNY"},
            "commission": {"tiers": [{"from": {"amount": "0", "currency": "CNY"}, "rate": "0.02"}]},
        },
        headers=FIN_OPS,
    )
    await settled(client)
    return Pay(client, org, finance["id"])


async def test_finance_never_releases_their_own_pay(pay: Pay) -> None:
    admin, hr = pay.org.token("adm"), pay.org.token("hr1")
    # A project paying fin1: HR marks it successful; fin1 may not approve it, fin2 may.
    own = await pay.successful(hr, "fin1")
    assert_refused(await pay.post(f"/projects/{own}/approve", pay.fin1), SELF_DECISION)
    approved = await pay.post(f"/projects/{own}/approve", pay.fin2)
    assert (approved.status_code, approved.json()["state"]) == (200, "approved"), approved.text
    # The same decision about someone else: fin1 approves s1's bonus.
    other = await pay.successful(admin, "s1")
    approved = await pay.post(f"/projects/{other}/approve", pay.fin1)
    assert approved.status_code == 200, approved.text
    # Adjustments and revenue: never your own pay or commission.
    assert_refused(await pay.adjustment(pay.fin1, "fin1"), SELF_DECISION)
    assert (await pay.adjustment(pay.fin1, "s1")).status_code == 201
    assert_refused(await pay.deal(pay.fin1, "fin1", "deal-fin1"), SELF_DECISION)
    assert (await pay.deal(pay.fin1, "s2", "deal-s2")).status_code == 201


async def test_who_marked_a_project_successful_does_not_also_approve_it(pay: Pay) -> None:
    admin = pay.org.token("adm")
    project = await pay.successful(admin, "s3")
    assert_refused(await pay.post(f"/projects/{project}/approve", admin), SECOND_APPROVER_REQUIRED)
    assert (await pay.post(f"/projects/{project}/approve", pay.fin2)).status_code == 200


async def test_a_manager_rewards_only_their_own_subtree_and_never_themselves(pay: Pay) -> None:
    lead, director, hr = pay.org.token("lead"), pay.org.token("dir"), pay.org.token("hr1")
    assert_refused(await pay.project(lead, "lead"), SELF_DECISION)
    assert_refused(await pay.project(lead, "s1", "lead"), SELF_DECISION)
    assert_refused(await pay.project(lead, "o1"), OUT_OF_SCOPE)
    # The lead's team, and the director's subtree (sales is under marketing).
    await pay.successful(lead, "s4")
    await pay.successful(director, "s5")
    assert_refused(await pay.project(director, "o1"), OUT_OF_SCOPE)
    # A bonus paying the lead, made by HR: the lead may not mark it successful.
    created = await pay.project(hr, "lead")
    assert created.status_code == 201, created.text
    success = await pay.post(f"/projects/{created.json()['id']}/success", lead, {"note": "Done"})
    assert_refused(success, SELF_DECISION)
    success = await pay.post(f"/projects/{created.json()['id']}/success", director, {"note": "Ok"})
    assert success.status_code == 200, success.text


async def test_hr_and_admins_decide_about_others_but_not_about_themselves(pay: Pay) -> None:
    hr, admin = pay.org.token("hr1"), pay.org.token("adm")
    assert_refused(await pay.project(hr, "hr1"), SELF_DECISION)
    assert (await pay.project(hr, "o1")).status_code == 201
    assert_refused(await pay.project(admin, "adm"), SELF_DECISION)
    assert (await pay.project(admin, "o1")).status_code == 201
    assert_refused(await pay.adjustment(admin, "adm"), SELF_DECISION)
    assert (await pay.adjustment(admin, "o1")).status_code == 201


async def _approved_events(client: httpx.AsyncClient, run_id: str) -> int:
    app = client._transport.app  # type: ignore[attr-defined]
    database = app.state.service_apps["incentives"].state.database
    async with database.sessions() as session:
        count = await session.scalar(
            text(
                "SELECT count(*) FROM incentives.outbox WHERE event_type = "
                "'incentives.payout.approved' AND envelope -> 'data' ->> 'run_id' = :run"
            ),
            {"run": run_id},
        )
    return int(count or 0)


async def test_a_run_that_pays_its_approver_needs_a_second_approver_it_does_not_pay(
    pay: Pay,
) -> None:
    client = pay.client
    await settled(client)
    created = await pay.post("/payout-runs", FIN_OPS, {"period": PERIOD})
    assert created.status_code == 201, created.text
    run, etag = created.json(), created.headers["ETag"]
    paid = {m["member_id"] for m in run["member_totals"]}
    assert {"fin1", "fin2", "adm", *FORMULA_NAMES} <= paid

    def approve(headers: dict[str, str], tag: str) -> Any:
        return pay.post(f"/payout-runs/{run['id']}/approve", {**headers, "If-Match": tag})

    first = await approve(pay.fin1, etag)
    assert first.status_code == 200, first.text
    assert (first.json()["state"], first.json()["first_approved_by"]) == (
        "awaiting_second_approval",
        "fin1",
    )
    etag = first.headers["ETag"]
    assert await _approved_events(client, run["id"]) == 0
    # Not the same person again, nor anyone else the run pays (fin2, the admin).
    assert_refused(await approve(pay.fin1, etag), SECOND_APPROVER_REQUIRED)
    assert_refused(await approve(pay.fin2, etag), SECOND_APPROVER_REQUIRED)
    assert_refused(await approve(pay.org.token("adm"), etag), SECOND_APPROVER_REQUIRED)
    final = await approve(FIN_OPS, etag)
    assert (final.status_code, final.json()["state"]) == (200, "approved"), final.text
    assert await _approved_events(client, run["id"]) == 1

    # The payroll export: every name that begins like a formula is text, amounts stay numbers.
    exported = await pay.post(f"/payout-runs/{run['id']}/export", FIN_OPS)
    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.text, newline="")))
    names = {r["member_id"]: r["name"] for r in rows}
    for member, name in FORMULA_NAMES.items():
        assert names[member] == "'" + name.strip(), (member, names[member])
    for row in rows:
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row.values())
        assert all(
            not c.startswith("-") or c.lstrip("-").replace(".", "").isdigit() for c in row.values()
        )
    assert names["fin1"] == "Fin One"
