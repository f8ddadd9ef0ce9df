"""A member's KPI targets are what their attainment and so their pay is measured against:
nobody sets, changes or cascades their own, whatever their roles (403 self-decision), while
their manager or HR does; objectives without a KPI stay the member's to write."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from shared.errors import SELF_DECISION
from tests.helpers import post_ok
from tests.security.review_org import HR_OPS, Org, assert_refused, build_org

System = tuple[httpx.AsyncClient, Callable[[date], None]]


@pytest.fixture(scope="module")
async def org(system: System) -> tuple[Org, str]:
    client, set_today = system
    set_today(date(2026, 3, 31))
    code = f"deals_{uuid.uuid4().hex[:4]}"
    await post_ok(
        client,
        "/goals/kpi-definitions",
        {"code": code, "name": "Deals", "unit": "count"},
        headers=HR_OPS,
    )
    return await build_org(client), code


def _target(owner: str, code: str, value: str = "40") -> dict[str, Any]:
    return {
        "kind": "kpi_target",
        "title": f"Q2 deals of {owner}",
        "description": "Deals closed with new customers in the quarter",
        "owner_type": "member",
        "owner_id": owner,
        "period": "2026-Q2",
        "kpi": code,
        "target_value": value,
    }


async def test_nobody_sets_or_changes_their_own_kpi_target(
    system: System, org: tuple[Org, str]
) -> None:
    client, _ = system
    people, code = org
    s1, lead, hr = people.token("s1"), people.token("lead"), people.token("hr1")
    assert_refused(
        await client.post("/goals/goals", json=_target("s1", code), headers=s1), SELF_DECISION
    )
    assert_refused(
        await client.post("/goals/goals", json=_target("lead", code), headers=lead), SELF_DECISION
    )
    assert_refused(
        await client.post("/goals/goals", json=_target("hr1", code), headers=hr), SELF_DECISION
    )
    # The same decision about someone they answer for goes through.
    created = await client.post("/goals/goals", json=_target("s1", code), headers=lead)
    assert created.status_code == 201, created.text
    goal, etag = created.json()["id"], created.headers["ETag"]
    lower = {"target_value": "10", "reason": "An easier quarter"}
    changed = await client.patch(
        f"/goals/goals/{goal}", json=lower, headers={**s1, "If-Match": etag}
    )
    assert_refused(changed, SELF_DECISION)
    changed = await client.patch(
        f"/goals/goals/{goal}", json=lower, headers={**lead, "If-Match": etag}
    )
    assert (changed.status_code, changed.json()["target_value"]) == (200, "10.00"), changed.text
    # Cascading a target down to yourself is setting it too.
    own = await post_ok(client, "/goals/goals", _target("lead", code, "100"), headers=HR_OPS)
    cascade = await client.post(
        f"/goals/goals/{own['id']}/cascade", json={"by_period": True}, headers=lead
    )
    assert_refused(cascade, SELF_DECISION)
    # An objective of one's own, without a KPI, is the member's to write.
    objective = {
        "kind": "objective",
        "title": "Grow the key accounts",
        "description": "Win two new key accounts in the east region this quarter",
        "owner_type": "member",
        "owner_id": "s1",
        "period": "2026-Q2",
    }
    assert (await client.post("/goals/goals", json=objective, headers=s1)).status_code == 201
