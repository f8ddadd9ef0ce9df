"""Nobody decides about their own review, whatever their roles (issue 12): for HR, a
manager and an admin, each decision about themselves is refused with its rule, and the same
decision about someone they answer for goes through. The manager assessment is the manager
of record's; a manager calibrates within their units only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import httpx
import pytest

from shared.errors import NOT_MANAGER_OF_RECORD, OUT_OF_SCOPE, SELF_DECISION
from tests.helpers import post_ok
from tests.security.review_org import (
    HR_OPS,
    Org,
    advance,
    assert_refused,
    build_org,
    open_cycle,
    rating,
)

System = tuple[httpx.AsyncClient, Callable[[date], None]]
CALIBRATION = {"rating": "A", "reason": "Against the target distribution"}
REOPEN = {"reason": "A refund reversed March revenue"}
INVITE = {"customer_name": "Acme Trading"}


@pytest.fixture(scope="module")
async def org(system: System) -> Org:
    return await build_org(system[0])


async def test_hr_decides_about_others_but_not_about_themselves(system: System, org: Org) -> None:
    client, _ = system
    hr = org.token("hr1")
    cycle, reviews = await open_cycle(client)
    own, other = reviews["hr1"], reviews["s1"]

    def path(review: str, action: str) -> str:
        return f"/performance/reviews/{review}/{action}"

    assert_refused(
        await client.post(path(own, "customer-invites"), json=INVITE, headers=hr), SELF_DECISION
    )
    await post_ok(client, path(other, "customer-invites"), INVITE, headers=hr)

    await advance(client, cycle, "manager_assessment")
    assert_refused(
        await client.post(path(own, "feedback"), json=rating("manager"), headers=hr),
        SELF_DECISION,
    )
    # HR is not the manager of record: s1's manager assessment is the lead's.
    assert_refused(
        await client.post(path(other, "feedback"), json=rating("manager"), headers=hr),
        NOT_MANAGER_OF_RECORD,
    )

    await advance(client, cycle, "calibration")
    assert_refused(
        await client.post(path(own, "calibrations"), json=CALIBRATION, headers=hr), SELF_DECISION
    )
    mine = (await client.get(f"/performance/reviews/{own}", headers=HR_OPS)).json()
    assert mine["calibrated_rating"] is None
    calibrated = await post_ok(
        client, path(other, "calibrations"), CALIBRATION, headers=hr, status=200
    )
    assert calibrated["calibrated_rating"] == "A"

    # Closing the cycle closes hr1's own review too: someone outside the cycle closes it.
    assert_refused(await advance(client, cycle, "closed", headers=hr), SELF_DECISION)
    await advance(client, cycle, "closed")

    assert_refused(await client.post(path(own, "reopen"), json=REOPEN, headers=hr), SELF_DECISION)
    reopened = await post_ok(client, path(other, "reopen"), REOPEN, headers=hr, status=200)
    assert reopened["state"] == "reopened"
    closed = await post_ok(client, path(other, "close"), {}, headers=hr, status=200)
    assert (closed["state"], closed["revision"]) == ("closed", 2)

    await post_ok(client, path(own, "reopen"), REOPEN, headers=org.token("adm"), status=200)
    assert_refused(await client.post(path(own, "close"), json={}, headers=hr), SELF_DECISION)
    await post_ok(client, path(own, "close"), {}, headers=org.token("adm"), status=200)


async def test_a_manager_decides_about_their_team_but_not_about_themselves(
    system: System, org: Org
) -> None:
    client, _ = system
    lead, director = org.token("lead"), org.token("dir")
    cycle, reviews = await open_cycle(client)
    own, s1 = reviews["lead"], reviews["s1"]

    def path(review: str, action: str) -> str:
        return f"/performance/reviews/{review}/{action}"

    await post_ok(client, path(own, "feedback"), rating("self"), headers=lead)  # self is his
    assert_refused(
        await client.post(path(own, "customer-invites"), json=INVITE, headers=lead), SELF_DECISION
    )
    await post_ok(client, path(s1, "customer-invites"), INVITE, headers=lead)
    assert_refused(
        await client.post(path(s1, "customer-invites"), json=INVITE, headers=org.token("olead")),
        NOT_MANAGER_OF_RECORD,
    )

    await advance(client, cycle, "manager_assessment")
    assert_refused(
        await client.post(path(own, "feedback"), json=rating("manager", "5", "5"), headers=lead),
        SELF_DECISION,
    )
    await post_ok(client, path(s1, "feedback"), rating("manager"), headers=lead)
    await post_ok(client, path(own, "feedback"), rating("manager", "3", "3"), headers=director)
    # The director sees s1's review but is not s1's manager of record.
    assert_refused(
        await client.post(
            path(reviews["s2"], "feedback"), json=rating("manager"), headers=director
        ),
        NOT_MANAGER_OF_RECORD,
    )

    await advance(client, cycle, "calibration")
    assert_refused(
        await client.post(path(own, "calibrations"), json=CALIBRATION, headers=lead),
        SELF_DECISION,
    )
    calibrated = await post_ok(
        client, path(s1, "calibrations"), CALIBRATION, headers=lead, status=200
    )
    assert calibrated["calibrated_rating"] == "A"
    for outside in ("o1", "hr1", "dir"):
        assert_refused(
            await client.post(
                path(reviews[outside], "calibrations"), json=CALIBRATION, headers=lead
            ),
            OUT_OF_SCOPE,
        )
    assert_refused(
        await client.post(path(s1, "calibrations"), json=CALIBRATION, headers=org.token("s2")),
        OUT_OF_SCOPE,
    )
    # The director's units hold the sales team: he calibrates his lead.
    await post_ok(client, path(own, "calibrations"), CALIBRATION, headers=director, status=200)

    await advance(client, cycle, "closed")
    assert_refused(await client.post(path(own, "reopen"), json=REOPEN, headers=lead), SELF_DECISION)
    # Reopening is HR's: a manager is refused for want of the role, not by a rule.
    not_hr = await client.post(path(s1, "reopen"), json=REOPEN, headers=lead)
    assert not_hr.status_code == 403
    assert not_hr.json()["type"].endswith("/forbidden")


async def test_an_admin_decides_about_others_but_not_about_themselves(
    system: System, org: Org
) -> None:
    client, _ = system
    admin = org.token("adm")
    cycle, reviews = await open_cycle(client, to="manager_assessment")
    own, other = reviews["adm"], reviews["s2"]

    def path(review: str, action: str) -> str:
        return f"/performance/reviews/{review}/{action}"

    assert_refused(
        await client.post(path(own, "feedback"), json=rating("manager"), headers=admin),
        SELF_DECISION,
    )
    await post_ok(
        client, path(own, "feedback"), rating("manager", "2", "2"), headers=org.token("hrhead")
    )

    await advance(client, cycle, "calibration")
    assert_refused(
        await client.post(path(own, "calibrations"), json=CALIBRATION, headers=admin),
        SELF_DECISION,
    )
    calibrated = await post_ok(
        client, path(other, "calibrations"), CALIBRATION, headers=admin, status=200
    )
    assert calibrated["calibrated_rating"] == "A"

    assert_refused(await advance(client, cycle, "closed", headers=admin), SELF_DECISION)
    await advance(client, cycle, "closed")

    assert_refused(
        await client.post(path(own, "reopen"), json=REOPEN, headers=admin), SELF_DECISION
    )
    await post_ok(client, path(other, "reopen"), REOPEN, headers=admin, status=200)
    assert_refused(
        await client.post(path(other, "close"), json={}, headers=org.token("s2")), SELF_DECISION
    )
    closed = await post_ok(client, path(other, "close"), {}, headers=admin, status=200)
    assert (closed["state"], closed["calibrated_rating"]) == ("closed", "A")
    own_review = (await client.get(f"/performance/reviews/{own}", headers=HR_OPS)).json()
    assert (own_review["state"], own_review["revision"]) == ("closed", 1)
