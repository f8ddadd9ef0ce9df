"""Issue 16, references checked where they are made: an incentives plan pays only on KPIs
defined in goals, known to incentives by its own copy of goals' ``KPIDefinitionChanged``
(never a call to goals). An unknown KPI is a 422 naming the field; once goals defines it,
201; a KPI retired in goals (PATCH active false: a newer definition, inactive) is refused
again, and an older definition arriving late does not bring it back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx

from incentives.consumers import subscription
from incentives.models import inbox
from shared.events import Envelope
from shared.inbox import InboxProcessor, Outcome
from tests.helpers import auth, post_ok
from tests.system import settled

FINANCE = auth("fin-1", ["finance"])
HR = auth("hr-1", ["hr"])


def _plan(*kpis: str) -> dict[str, Any]:
    return {
        "name": "Sales Q2",
        "period": "2026-Q2",
        "currency": "CNY",
        "population": {"layer": "execution"},
        "target_bonus": {"amount": "20000.00", "currency": "CNY"},
        "bonus_kpis": [
            {"kpi": kpi, "weight": "1" if len(kpis) == 1 else "0.5", "ladder": "default"}
            for kpi in kpis
        ],
    }


def _definition(code: str, *, version: int, active: bool) -> Envelope:
    """Goals' ``KPIDefinitionChanged`` as the broker would hand it to incentives."""
    return Envelope(
        source="goals",
        type="goals.kpi-definition.changed",
        subject=code,
        correlationid="kpi-references",
        time=datetime(2026, 4, 1, tzinfo=UTC),
        data={
            "code": code,
            "name": f"{code} (v{version})",
            "unit": "CNY",
            "direction": "higher_is_better",
            "aggregation": "sum",
            "category": "quantitative",
            "formula": None,
            "non_negative": True,
            "active": active,
            "version": version,
        },
    )


async def test_a_plan_pays_only_on_kpis_defined_in_goals(
    system: tuple[httpx.AsyncClient, Callable[[date], None]],
) -> None:
    client, _ = system
    response = await client.post("/incentives/plans", json=_plan("revenue"), headers=FINANCE)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {
            "loc": ["body", "bonus_kpis", 0, "kpi"],
            "msg": "KPI revenue is not defined in goals (no definition known to incentives)",
            "type": "value_error",
        }
    ]

    kpi = await post_ok(
        client,
        "/goals/kpi-definitions",
        {"code": "revenue", "name": "营收", "unit": "CNY"},
        headers=HR,
    )
    await settled(client)
    plan = await post_ok(client, "/incentives/plans", _plan("revenue"), headers=FINANCE)
    assert [k["kpi"] for k in plan["bonus_kpis"]] == ["revenue"]
    # Of two KPIs, only the undefined one is named.
    response = await client.post(
        "/incentives/plans", json=_plan("revenue", "leads"), headers=FINANCE
    )
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == [["body", "bonus_kpis", 1, "kpi"]]

    # Goals retires "revenue" (version 2, inactive): plans on it are refused again. Version 1
    # arriving late (redelivered) changes nothing.
    retired = await client.patch(
        "/goals/kpi-definitions/revenue",
        json={"active": False},
        headers={**HR, "If-Match": f'"{kpi["id"]}.1"'},
    )
    assert retired.status_code == 200, retired.text
    await settled(client)
    app = client._transport.app  # type: ignore[attr-defined]
    processor = InboxProcessor(
        app.state.service_apps["incentives"].state.database, inbox, subscription
    )
    late = _definition("revenue", version=1, active=True)
    assert await processor.apply(late) == Outcome.applied
    response = await client.post("/incentives/plans", json=_plan("revenue"), headers=FINANCE)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {
            "loc": ["body", "bonus_kpis", 0, "kpi"],
            "msg": "KPI revenue (营收) is retired in goals",
            "type": "value_error",
        }
    ]
