"""Builders for the setup integration tests share, each made through the HTTP API the way
HR, an admin or finance makes it: an organisation of units and members, KPI definitions,
KPI targets and actuals, scorecard templates, leavers and incentive plans.

Each builder sends exactly the request the tests sent by hand: a field left out is left out
of the body (the service's default applies), so what a test creates stays what it was.

    units = await (
        org(client, headers=HR)
        .unit("co", "Co", kind="company")
        .unit("team", "Sales", parent="co")
        .member("lead", unit="team", layer="management")
        .member("s1", unit="team", manager="lead")
    )
    await kpi(client, "revenue", headers=HR, unit="CNY", aggregation="sum")
    await kpi_target(client, owner="s1", kpi="revenue", period="2026-Q1", target="300000",
                     headers=HR)
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.helpers import post_ok

Headers = dict[str, str]
# A field a builder leaves out of the body unless the test names it.
_UNSET: Any = object()


def _given(**fields: Any) -> dict[str, Any]:
    """The fields a test named (``None`` included: a test may send null on purpose)."""
    return {name: value for name, value in fields.items() if value is not _UNSET}


@dataclass
class Org:
    """Units and members to create, in the order named; awaiting it creates them
    (``POST /goals/org-units``, then ``POST /goals/members`` for each) and returns each
    unit's id by its key."""

    client: httpx.AsyncClient
    headers: Headers
    _requests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def unit(
        self, key: str, name: str | None = None, *, kind: str = "team", parent: str | None = None
    ) -> Org:
        """A unit known to the test as ``key`` (its name too, unless ``name`` is given);
        ``parent`` is the key of a unit named before it."""
        body: dict[str, Any] = {"name": key if name is None else name, "kind": kind}
        self._requests.append(
            ("/goals/org-units", key, body if parent is None else {**body, "parent_id": parent})
        )
        return self

    def member(
        self,
        member_id: str,
        *,
        unit: str,
        layer: str = "execution",
        hired_on: str = "2025-05-01",
        name: str | None = None,
        manager: str | None = _UNSET,
        tier: str = _UNSET,
    ) -> Org:
        """A member homed in the unit of key ``unit``; named "Name of <id>" unless ``name``
        is given; ``manager`` (a member id, or ``None`` sent as null) and ``tier`` are
        sent only when given."""
        body = {
            "id": member_id,
            "name": f"Name of {member_id}" if name is None else name,
            "home_unit_id": unit,
            "layer": layer,
            "hired_on": hired_on,
            **_given(manager_id=manager, tier=tier),
        }
        self._requests.append(("/goals/members", member_id, body))
        return self

    async def create(self) -> dict[str, str]:
        units: dict[str, str] = {}
        for path, key, body in self._requests:
            if path == "/goals/org-units" and "parent_id" in body:
                body = {**body, "parent_id": units[body["parent_id"]]}
            if path == "/goals/members":
                body = {**body, "home_unit_id": units[body["home_unit_id"]]}
            created = await post_ok(self.client, path, body, headers=self.headers)
            if path == "/goals/org-units":
                units[key] = str(created["id"])
        return units

    def __await__(self) -> Generator[Any, None, dict[str, str]]:
        return self.create().__await__()


def org(client: httpx.AsyncClient, *, headers: Headers) -> Org:
    """An organisation to build, created by the principal of ``headers``."""
    return Org(client, headers)


async def kpi(
    client: httpx.AsyncClient,
    code: str,
    *,
    headers: Headers,
    name: str | None = None,
    unit: str = "x",
    **fields: Any,
) -> dict[str, Any]:
    """A KPI definition (``POST /goals/kpi-definitions``): named as its code unless ``name``
    is given; ``fields`` (direction, aggregation, category, formula, scale...) as given."""
    body = {"code": code, "name": code if name is None else name, "unit": unit, **fields}
    created: dict[str, Any] = await post_ok(client, "/goals/kpi-definitions", body, headers=headers)
    return created


def kpi_target_body(
    *,
    owner: str,
    kpi: str,
    period: str,
    target: str,
    title: str | None = None,
    description: str | None = None,
    owner_type: str = "member",
    **fields: Any,
) -> dict[str, Any]:
    """The body of a KPI target goal: titled "<kpi> <period>" and described as "The <kpi>
    plan for <period>" unless given."""
    return {
        "kind": "kpi_target",
        "title": f"{kpi} {period}" if title is None else title,
        "description": f"The {kpi} plan for {period}" if description is None else description,
        "owner_type": owner_type,
        "owner_id": owner,
        "period": period,
        "kpi": kpi,
        "target_value": target,
        **fields,
    }


async def kpi_target(client: httpx.AsyncClient, *, headers: Headers, **body: Any) -> Any:
    """A KPI target goal (``POST /goals/goals``); ``body`` as for ``kpi_target_body``."""
    return await post_ok(client, "/goals/goals", kpi_target_body(**body), headers=headers)


def actual_item(owner: str, kpi: str, day: str, value: str, key: str) -> dict[str, str]:
    """One actual as ``/goals/actuals`` and ``/goals/actuals/bulk`` take it."""
    return {"owner_id": owner, "kpi": kpi, "date": day, "value": value, "idempotency_key": key}


async def actual(
    client: httpx.AsyncClient,
    *,
    headers: Headers,
    owner: str,
    kpi: str,
    day: str,
    value: str,
    key: str,
) -> Any:
    """One actual (``POST /goals/actuals``)."""
    return await post_ok(
        client, "/goals/actuals", actual_item(owner, kpi, day, value, key), headers=headers
    )


async def actuals(
    client: httpx.AsyncClient, items: list[dict[str, str]], *, headers: Headers
) -> dict[str, Any]:
    """Actuals in bulk (``POST /goals/actuals/bulk``); every one must be accepted."""
    report: dict[str, Any] = await post_ok(
        client, "/goals/actuals/bulk", {"items": items}, headers=headers, status=200
    )
    assert report["accepted"] == len(items)
    return report


def indicator(
    code: str,
    name: str,
    *,
    category: str = "result",
    weight: str = "1",
    source: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A scorecard indicator fed by the KPI ``code`` (``source``: ``kpi:<code>``), with
    ``fields`` (a curve, say) as given."""
    return {
        "code": code,
        "name": name,
        "category": category,
        "source": f"kpi:{code}" if source is None else source,
        "weight": weight,
        **fields,
    }


async def scorecard(
    client: httpx.AsyncClient,
    key: str,
    name: str,
    *indicators: dict[str, Any],
    headers: Headers,
    **fields: Any,
) -> Any:
    """A scorecard template (``POST /performance/scorecard-templates``)."""
    body = {"key": key, "name": name, **fields, "indicators": list(indicators)}
    return await post_ok(client, "/performance/scorecard-templates", body, headers=headers)


async def leave(
    client: httpx.AsyncClient, member: str, *, on: str, reason: str, headers: Headers
) -> None:
    """The member leaves on ``on`` (``PATCH /goals/members/<id>``, If-Match its ETag)."""
    read = await client.get(f"/goals/members/{member}", headers=headers)
    left = await client.patch(
        f"/goals/members/{member}",
        headers={**headers, "If-Match": read.headers["etag"]},
        json={"left_on": on, "leave_reason": reason},
    )
    assert left.status_code == 200, left.text


def cny(amount: str) -> dict[str, str]:
    """``amount`` as a Money body in CNY."""
    return {"amount": amount, "currency": "CNY"}


def plan_body(
    name: str,
    *,
    period: str,
    population: dict[str, Any] = _UNSET,
    base_pay: str = _UNSET,
    performance_pay: str = _UNSET,
    target_bonus: str = _UNSET,
    bonus_kpis: list[dict[str, Any]] = _UNSET,
    commission: list[tuple[str, str]] = _UNSET,
    **fields: Any,
) -> dict[str, Any]:
    """An incentive plan's body: amounts in CNY; ``commission`` as (from, rate) tiers; a
    part left out is left out of the body."""
    money = _given(base_pay=base_pay, performance_pay=performance_pay, target_bonus=target_bonus)
    given = _given(population=population, bonus_kpis=bonus_kpis)
    if commission is not _UNSET:
        given["commission"] = {"tiers": [{"from": cny(f), "rate": r} for f, r in commission]}
    return {
        "name": name,
        "period": period,
        **given,
        **{part: cny(amount) for part, amount in money.items()},
        **fields,
    }


async def plan(client: httpx.AsyncClient, name: str, *, headers: Headers, **body: Any) -> Any:
    """An incentive plan (``POST /incentives/plans``); ``body`` as for ``plan_body``."""
    return await post_ok(client, "/incentives/plans", plan_body(name, **body), headers=headers)
