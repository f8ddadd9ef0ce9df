"""An organisation for the tests of who decides what about a review (issue 12), built
through the gateway: a marketing department with a sales team, a people department with HR
and an admin who are members too, and another team.

    Co
    ├── Marketing: dir (manager)
    │   └── Sales: lead (manager of record of s1..s5), s1, s2, s3, s4, s5
    ├── People: hrhead (manager of record of hr1 and adm), hr1 (HR), adm (admin)
    └── Other: olead (manager of record of o1), o1

``leaver`` is a sales member who leaves when a test says so; ``hr-ops`` is HR without a
review anywhere (it opens and moves the cycles)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from shared.errors import PROBLEM_BASE
from tests.builders import org
from tests.helpers import auth, post_ok
from tests.system import settled

HR_OPS = auth("hr-ops", ["hr"])
MEMBERS = (
    # id, unit, layer, manager of record
    ("dir", "marketing", "management", None),
    ("lead", "sales", "management", "dir"),
    ("s1", "sales", "execution", "lead"),
    ("s2", "sales", "execution", "lead"),
    ("s3", "sales", "execution", "lead"),
    ("s4", "sales", "execution", "lead"),
    ("s5", "sales", "execution", "lead"),
    ("leaver", "sales", "execution", "lead"),
    ("hrhead", "people", "management", None),
    ("hr1", "people", "support", "hrhead"),
    ("adm", "people", "support", "hrhead"),
    ("olead", "other", "management", None),
    ("o1", "other", "execution", "olead"),
)
ROLES = {
    "dir": "manager",
    "lead": "manager",
    "hrhead": "manager",
    "olead": "manager",
    "hr1": "hr",
    "adm": "admin",
}


@dataclass
class Org:
    units: dict[str, str]

    def token(self, member: str) -> dict[str, str]:
        """The member's token: their role, and their home unit (the unit a manager leads)."""
        unit = next(u for m, u, _layer, _manager in MEMBERS if m == member)
        return auth(member, [ROLES.get(member, "member")], [self.units[unit]])


async def build_org(client: httpx.AsyncClient) -> Org:
    builder = org(client, headers=HR_OPS)
    for key, kind, parent in (
        ("company", "company", None),
        ("marketing", "department", "company"),
        ("sales", "team", "marketing"),
        ("people", "department", "company"),
        ("other", "team", "company"),
    ):
        builder.unit(key, key.title(), kind=kind, parent=parent)
    for member, unit, layer, manager in MEMBERS:
        builder.member(member, unit=unit, layer=layer, manager=manager)
    units = await builder
    await settled(client)
    return Org(units)


async def open_cycle(
    client: httpx.AsyncClient, *, to: str = "self_assessment", **fields: Any
) -> tuple[str, dict[str, str]]:
    """A quarterly cycle for everyone (unless ``fields`` say otherwise), moved on to ``to``;
    its id and the review id of each member."""
    body = {"name": "Q1", "kind": "quarterly", "period": "2026-Q1", **fields}
    cycle = (await post_ok(client, "/performance/review-cycles", body, headers=HR_OPS))["id"]
    reviews: dict[str, str] = {}
    for state in ("self_assessment", "manager_assessment", "calibration", "closed"):
        await advance(client, cycle, state)
        if state == "self_assessment":
            listed = await client.get(f"/performance/review-cycles/{cycle}/reviews", headers=HR_OPS)
            reviews = {r["member_id"]: r["id"] for r in listed.json()["items"]}
        if state == to:
            break
    return str(cycle), reviews


async def advance(
    client: httpx.AsyncClient, cycle: str, to: str, headers: dict[str, str] = HR_OPS
) -> httpx.Response:
    # Closing a small test cycle is always away from the default target distribution.
    body: dict[str, Any] = {"to": to}
    if to == "closed":
        body["acknowledge_distribution"] = {"reason": "A small cycle in a test"}
    response = await client.post(
        f"/performance/review-cycles/{cycle}/advance", json=body, headers=headers
    )
    if headers is HR_OPS:
        assert response.status_code == 200, response.text
    return response


def rating(source: str, ability: str = "4", attitude: str = "4") -> dict[str, str]:
    return {"source": source, "ability": ability, "attitude": attitude}


def assert_refused(response: httpx.Response, rule: str) -> None:
    """A 403 problem whose type is the rule's."""
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == PROBLEM_BASE + rule, problem
    assert problem["rule"] == rule, problem
