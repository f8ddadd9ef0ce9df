"""Issue 16, long-term rewards as plan data: equity grants per member through the gateway.
A draft, approved under the conflict-of-interest rules (nobody creates or approves one for
themselves, its creator does not approve it), EquityGranted on approval, tranches vesting by
the organisation's "today" (EquityVested once per tranche; a leaver forfeits the tranches
after leaving, a minimum score waits for a closed review and vests once one meets it), the
statement's non-cash lines beside the yearly plan's pay, and a payroll export that never
pays them."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from incentives.api.deps import today
from incentives.consumers import subscription
from incentives.models import inbox
from shared.events import Envelope
from shared.inbox import InboxProcessor, Outcome
from tests.builders import leave, org, plan
from tests.helpers import auth, post_ok
from tests.system import settled

HR = auth("hr-1", ["hr"])
HR_2 = auth("hr-2", ["hr"])
FINANCE = auth("fin-1", ["finance"])
FINANCE_2 = auth("fin-2", ["finance"])
_hr = functools.partial(post_ok, headers=HR)

S1_GRANT = {
    "member_id": "s1",
    "instrument": "rsu",
    "quantity": "1200",
    "granted_on": "2026-01-01",
    "cliff_months": 12,
    "tranches": [
        {"vests_on": "2027-01-01", "quantity": "600"},
        {"vests_on": "2028-01-01", "quantity": "600"},
    ],
    "conditions": {"min_tenure_months": 12},
    "currency": "CNY",
    "fair_value": {"amount": "35.00", "currency": "CNY"},
    "note": "Retention grant",
}


async def _events(client: httpx.AsyncClient, event_type: str) -> list[dict[str, Any]]:
    app = client._transport.app  # type: ignore[attr-defined]
    database = app.state.service_apps["incentives"].state.database
    async with database.sessions() as session:
        rows = await session.execute(
            text('SELECT envelope FROM "incentives".outbox WHERE event_type = :t ORDER BY id'),
            {"t": event_type},
        )
        return [row.envelope["data"] for row in rows]


async def step_1_a_team_with_a_leaver(client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    """A team of a lead, s1, s2 and s3 (who leaves on 2026-06-30) and h1 of HR; returns the
    team's id and the lead's headers."""
    units = await (
        org(client, headers=HR)
        .unit("company", "Co", kind="company")
        .unit("team", "Team", parent="company")
        .member("lead", unit="team", layer="management", manager=None, hired_on="2024-01-01")
        .member("s1", unit="team", manager="lead", hired_on="2025-01-01")
        .member("s2", unit="team", manager="lead", hired_on="2025-06-01")
        .member("s3", unit="team", manager="lead", hired_on="2025-01-01")
        .member("h1", unit="team", layer="support", manager=None, hired_on="2024-01-01")
    )
    await leave(client, "s3", on="2026-06-30", reason="voluntary", headers=HR)
    await settled(client)
    team = units["team"]
    return team, auth("lead", ["manager"], [team])


async def step_2_a_manager_drafts_a_grant_that_adds_up(
    client: httpx.AsyncClient, lead: dict[str, str]
) -> dict[str, Any]:
    """Returns s1's draft grant."""
    # A manager drafts a grant for a member of their team; the schedule must add up.
    created = await post_ok(client, "/incentives/equity-grants", S1_GRANT, headers=lead)
    assert (created["state"], created["quantity"], created["vested_quantity"]) == (
        "draft",
        "1200.0000",
        "0.0000",
    )
    assert [
        (t["number"], t["vests_on"], t["quantity"], t["state"]) for t in created["tranches"]
    ] == [
        (1, "2027-01-01", "600.0000", "pending"),
        (2, "2028-01-01", "600.0000", "pending"),
    ]
    assert created["fair_value"] == {"amount": "35.00", "currency": "CNY"}
    bad = [
        (
            {**S1_GRANT, "tranches": [{"vests_on": "2026-06-01", "quantity": "1200"}]},
            ["body", "tranches", 0, "vests_on"],
        ),
        (
            {**S1_GRANT, "tranches": [{"vests_on": "2027-01-01", "quantity": "1000"}]},
            ["body", "tranches"],
        ),
        (
            {**S1_GRANT, "fair_value": {"amount": "5.00", "currency": "USD"}},
            ["body", "fair_value", "currency"],
        ),
        ({**S1_GRANT, "instrument": "bitcoin"}, ["body", "instrument"]),
    ]
    for body, loc in bad:
        response = await client.post("/incentives/equity-grants", json=body, headers=lead)
        assert response.status_code == 422, response.text
        assert [e["loc"] for e in response.json()["errors"]] == [loc]
    own = await client.post(
        "/incentives/equity-grants", json={**S1_GRANT, "member_id": "lead"}, headers=lead
    )
    assert (own.status_code, own.json()["rule"]) == (403, "self-decision")
    outsider = auth("other-lead", ["manager"], ["another-unit"])
    response = await client.post("/incentives/equity-grants", json=S1_GRANT, headers=outsider)
    assert (response.status_code, response.json()["rule"]) == (403, "out-of-scope")
    return dict(created)


async def step_3_hr_approves_under_the_conflict_rules(
    client: httpx.AsyncClient, lead: dict[str, str], created: dict[str, Any]
) -> dict[str, Any]:
    """Returns h1's grant, left a draft."""
    # Approval: HR, not for themselves, not the grant they drafted.
    h1_grant = await post_ok(
        client,
        "/incentives/equity-grants",
        {**S1_GRANT, "member_id": "h1", "instrument": "phantom_shares"},
        headers=HR_2,
    )
    path = f"/incentives/equity-grants/{h1_grant['id']}/approve"
    response = await client.post(path, headers=auth("h1", ["hr"]))
    assert (response.status_code, response.json()["rule"]) == (403, "self-decision")
    response = await client.post(path, headers=HR_2)
    assert (response.status_code, response.json()["rule"]) == (403, "second-approver-required")
    s1_path = f"/incentives/equity-grants/{created['id']}"
    assert (await client.post(f"{s1_path}/approve", headers=lead)).status_code == 403
    approved = await post_ok(client, f"{s1_path}/approve", {}, headers=HR, status=200)
    assert (approved["state"], approved["approved_by"]) == ("approved", "hr-1")
    assert (await client.post(f"{s1_path}/approve", headers=HR_2)).status_code == 409
    return dict(h1_grant)


async def step_4_approvals_publish_equity_granted(
    client: httpx.AsyncClient, lead: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """s2's grant (a minimum score) and s3's, both approved; returns them."""
    s2_grant = await post_ok(
        client,
        "/incentives/equity-grants",
        {
            "member_id": "s2",
            "instrument": "options",
            "quantity": "1000",
            "granted_on": "2026-03-01",
            "tranches": [
                {"vests_on": "2026-09-01", "quantity": "500"},
                {"vests_on": "2027-03-01", "quantity": "500"},
            ],
            "conditions": {"min_score": "80.0000"},
            "strike_price": {"amount": "10.00", "currency": "CNY"},
        },
        headers=lead,
    )
    s3_grant = await post_ok(
        client,
        "/incentives/equity-grants",
        {
            "member_id": "s3",
            "instrument": "rsu",
            "quantity": "200",
            "granted_on": "2026-01-01",
            "tranches": [
                {"vests_on": "2026-06-01", "quantity": "100"},
                {"vests_on": "2026-12-01", "quantity": "100"},
            ],
        },
        headers=lead,
    )
    for grant in (s2_grant, s3_grant):
        await post_ok(
            client, f"/incentives/equity-grants/{grant['id']}/approve", {}, headers=HR, status=200
        )
    await settled(client)
    granted = await _events(client, "incentives.equity.granted")
    assert [
        (e["member_id"], e["instrument"], e["quantity"], e["approved_by"]) for e in granted
    ] == [
        ("s1", "rsu", "1200.0000", "hr-1"),
        ("s2", "options", "1000.0000", "hr-1"),
        ("s3", "rsu", "200.0000", "hr-1"),
    ]
    assert granted[0]["tranches"] == [
        {"number": 1, "vests_on": "2027-01-01", "quantity": "600.0000"},
        {"number": 2, "vests_on": "2028-01-01", "quantity": "600.0000"},
    ]
    return s2_grant, s3_grant


async def step_5_tranches_vest_by_the_organisations_today(
    client: httpx.AsyncClient,
    created: dict[str, Any],
    h1_grant: dict[str, Any],
    s2_grant: dict[str, Any],
    s3_grant: dict[str, Any],
) -> None:
    s1_path = f"/incentives/equity-grants/{created['id']}"
    # Vesting on 2027-01-05 (the organisation's today): s1's first tranche (12 months of
    # tenure long met), s3's tranche of June (s3 left on June 30) but not December's, s2's
    # September tranche waits for a closed review (its minimum score).
    incentives_app = client._transport.app.state.service_apps["incentives"]  # type: ignore[attr-defined]
    incentives_app.dependency_overrides[today] = lambda: date(2027, 1, 5)
    try:
        assert (await client.post(f"{s1_path}/vest", headers=auth("s1", ["hr"]))).status_code == 403
        s1_vested = await post_ok(client, f"{s1_path}/vest", {}, headers=HR, status=200)
        again = await post_ok(client, f"{s1_path}/vest", {}, headers=HR_2, status=200)
        s2_vested = await post_ok(
            client, f"/incentives/equity-grants/{s2_grant['id']}/vest", {}, headers=HR, status=200
        )
        s3_vested = await post_ok(
            client, f"/incentives/equity-grants/{s3_grant['id']}/vest", {}, headers=HR, status=200
        )
        draft = await client.post(f"/incentives/equity-grants/{h1_grant['id']}/vest", headers=HR)
        assert draft.status_code == 409
    finally:
        del incentives_app.dependency_overrides[today]
    assert [t["state"] for t in s1_vested["tranches"]] == ["vested", "pending"]
    assert s1_vested["vested_quantity"] == "600.0000"
    assert again["tranches"] == s1_vested["tranches"]
    assert [(t["state"], t["note"]) for t in s2_vested["tranches"]] == [
        ("pending", "waits for a review closed by 2026-09-01 (minimum score 80.0000)"),
        ("pending", None),
    ]
    assert [(t["state"], t["note"]) for t in s3_vested["tranches"]] == [
        ("vested", "conditions met on the date"),
        ("forfeited", "the member left on 2026-06-30, before 2026-12-01"),
    ]
    await settled(client)
    vested = await _events(client, "incentives.equity.vested")
    assert [
        (e["member_id"], e["tranche"], e["quantity"], e["vested_quantity"]) for e in vested
    ] == [
        ("s1", 1, "600.0000", "600.0000"),
        ("s3", 1, "100.0000", "100.0000"),
    ]


async def step_6_a_closed_review_vests_the_waiting_tranche(
    client: httpx.AsyncClient, s2_grant: dict[str, Any]
) -> None:
    incentives_app = client._transport.app.state.service_apps["incentives"]  # type: ignore[attr-defined]
    # s2's second-quarter review closes at 85 (performance's ReviewClosed, as the broker hands
    # it to incentives): the September tranche vests; March 2027's has not come yet.
    processor = InboxProcessor(incentives_app.state.database, inbox, subscription)
    review = {
        "review_id": "review-s2-q2",
        "period": "2026-Q2",
        "member_id": "s2",
        "final_score": "85.00",
        "rating": "B",
        "revision": 1,
    }
    closed = Envelope(
        source="performance",
        type="performance.review.closed",
        subject="s2",
        correlationid="equity",
        data=review,
    )
    assert await processor.apply(closed) == Outcome.applied
    await settled(client)
    incentives_app.dependency_overrides[today] = lambda: date(2027, 1, 5)
    try:
        s2_vested = await post_ok(
            client, f"/incentives/equity-grants/{s2_grant['id']}/vest", {}, headers=HR, status=200
        )
    finally:
        del incentives_app.dependency_overrides[today]
    assert [(t["state"], t["note"]) for t in s2_vested["tranches"]] == [
        ("vested", "final score 85.0000 meets 80.0000; tenure met"),
        ("pending", None),
    ]
    await settled(client)
    vested = await _events(client, "incentives.equity.vested")
    assert [(e["member_id"], e["tranche"], e["vested_quantity"]) for e in vested] == [
        ("s1", 1, "600.0000"),
        ("s3", 1, "100.0000"),
        ("s2", 1, "500.0000"),
    ]


async def step_7_who_sees_which_grants(
    client: httpx.AsyncClient, lead: dict[str, str], created: dict[str, Any]
) -> None:
    s1_path = f"/incentives/equity-grants/{created['id']}"
    # Who sees grants: the member their own, the manager their team's, HR all.
    listed = await client.get("/incentives/equity-grants", headers=auth("s1", ["member"]))
    assert [g["member_id"] for g in listed.json()["items"]] == ["s1"]
    by_lead = (await client.get("/incentives/equity-grants?state=approved", headers=lead)).json()
    assert sorted(g["member_id"] for g in by_lead["items"]) == ["s1", "s2", "s3"]
    by_hr = (await client.get("/incentives/equity-grants", headers=HR)).json()
    assert sorted(g["member_id"] for g in by_hr["items"]) == ["h1", "s1", "s2", "s3"]
    assert (await client.get(s1_path, headers=auth("s2", ["member"]))).status_code == 404


async def step_8_the_statement_shows_grants_and_payroll_pays_cash_only(
    client: httpx.AsyncClient, lead: dict[str, str]
) -> None:
    # A yearly plan pays s1 its base; the statement shows the grant beside it as non-cash,
    # and the payroll export pays the base only.
    await plan(
        client,
        "Year-end 2026",
        period="2026",
        currency="CNY",
        population={"member_ids": ["s1"]},
        base_pay="100000.00",
        headers=FINANCE,
    )
    await settled(client)
    run = await post_ok(client, "/incentives/payout-runs", {"period": "2026"}, headers=FINANCE)
    etag = (await client.get(f"/incentives/payout-runs/{run['id']}", headers=FINANCE)).headers[
        "ETag"
    ]
    response = await client.post(
        f"/incentives/payout-runs/{run['id']}/approve", headers={**FINANCE_2, "If-Match": etag}
    )
    assert response.status_code == 200, response.text
    statement = (
        await client.get("/incentives/members/s1/statements/2026", headers=auth("s1", ["member"]))
    ).json()
    assert [
        [(line["rule"], line["amount"]["amount"]) for line in r["lines"]] for r in statement["runs"]
    ] == [[("base_pay", "100000.00"), ("performance_pay", "0.00")]]
    assert [r["totals"] for r in statement["runs"]] == [
        [{"amount": "100000.00", "currency": "CNY"}]
    ]
    assert [
        (line["rule"], line["quantity"], line["on"], line["state"], line["value"])
        for line in statement["non_cash"]
    ] == [
        (
            "equity_grant",
            "1200.0000",
            "2026-01-01",
            "granted",
            {"amount": "42000.00", "currency": "CNY"},
        )
    ]
    later = (await client.get("/incentives/members/s1/statements/2027", headers=lead)).json()
    assert [
        (line["rule"], line["quantity"], line["state"], line["value"]) for line in later["non_cash"]
    ] == [("equity_vesting", "600.0000", "vested", {"amount": "21000.00", "currency": "CNY"})]
    assert later["runs"] == []
    exported = await client.post(f"/incentives/payout-runs/{run['id']}/export", headers=FINANCE)
    assert exported.status_code == 200, exported.text
    reader = csv.DictReader(io.StringIO(exported.text))
    rows = list(reader)
    assert not any("equity" in column for column in reader.fieldnames or [])
    assert [(r["member_id"], r["base_pay"], r["total"]) for r in rows] == [
        ("s1", "100000.00", "100000.00")
    ]


async def test_equity_grants_are_approved_vest_and_stay_out_of_payroll(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    _team, lead = await step_1_a_team_with_a_leaver(client)
    created = await step_2_a_manager_drafts_a_grant_that_adds_up(client, lead)
    h1_grant = await step_3_hr_approves_under_the_conflict_rules(client, lead, created)
    s2_grant, s3_grant = await step_4_approvals_publish_equity_granted(client, lead)
    await step_5_tranches_vest_by_the_organisations_today(
        client, created, h1_grant, s2_grant, s3_grant
    )
    await step_6_a_closed_review_vests_the_waiting_tranche(client, s2_grant)
    await step_7_who_sees_which_grants(client, lead, created)
    await step_8_the_statement_shows_grants_and_payroll_pays_cash_only(client, lead)
