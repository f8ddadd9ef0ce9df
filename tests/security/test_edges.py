"""The edges every request crosses, through the gateway over every service on real Postgres:
security headers, no caching of what answers an authenticated call, 405 with the methods a
path really has, token claims checked strictly, dates outside the supported range."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from shared.settings import ServiceSettings
from tests.conftest import TEST_JWT_SECRET
from tests.helpers import auth, post_ok

System = tuple[httpx.AsyncClient, Callable[[date], None]]
ADMIN = auth("sec-admin", ["admin"])


def _signed(**claims: Any) -> dict[str, str]:
    settings = ServiceSettings(environment="test", jwt_secret=TEST_JWT_SECRET)
    now = datetime.now(UTC)
    body = {
        "sub": "sec-member",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(hours=1),
        "roles": ["member"],
        "units": [],
        **claims,
    }
    body = {k: v for k, v in body.items() if v is not ...}
    token = jwt.encode(body, TEST_JWT_SECRET, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def _once(response: httpx.Response, name: str) -> str:
    values = response.headers.get_list(name)
    assert len(values) == 1, (name, values)
    return values[0]


@pytest.mark.parametrize(
    "path", ["/goals/org-units", "/performance/scorecard-templates", "/incentives/payout-runs"]
)
async def test_an_authenticated_answer_carries_the_security_headers_and_is_never_cached(
    system: System, path: str
) -> None:
    client, _ = system
    response = await client.get(path, headers=ADMIN)
    assert response.status_code == 200, response.text
    assert _once(response, "x-content-type-options") == "nosniff"
    assert _once(response, "x-frame-options") == "DENY"
    assert _once(response, "content-security-policy") == "frame-ancestors 'none'"
    assert _once(response, "referrer-policy") == "no-referrer"
    assert _once(response, "cache-control") == "no-store"


async def test_errors_and_public_answers_carry_the_headers_too(system: System) -> None:
    client, _ = system
    for response in (
        await client.get("/goals/org-units"),  # 401: no token
        await client.get("/healthz"),
        await client.get("/goals/nothing-here", headers=ADMIN),  # the service's 404
    ):
        assert _once(response, "x-content-type-options") == "nosniff", response.status_code
        assert _once(response, "x-frame-options") == "DENY"
        assert _once(response, "referrer-policy") == "no-referrer"
    unauthenticated = await client.get("/healthz")
    assert "cache-control" not in unauthenticated.headers
    assert (await client.get("/goals/org-units")).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/goals/kpi-definitions", "GET, POST"),
        ("PUT", "/goals/members/m-1", "GET, PATCH"),
        ("TRACE", "/goals/org-units", "GET, POST"),
        ("DELETE", "/incentives/payout-runs/r-1/approve", "POST"),
        ("PATCH", "/collab/calendars/u-1", "GET, PUT"),
        ("POST", "/openapi.json", "GET"),
        ("DELETE", "/auth/dev-token", "POST"),
    ],
)
async def test_a_wrong_method_is_405_with_the_methods_the_path_has(
    system: System, method: str, path: str, allow: str
) -> None:
    client, _ = system
    response = await client.request(method, path, headers=ADMIN)
    assert response.status_code == 405, response.text
    assert _once(response, "allow") == allow
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/method-not-allowed")


@pytest.mark.parametrize(
    "claims",
    [
        {"roles": {"admin": True}},
        {"roles": "admin"},
        {"roles": ["admin", "owner"]},
        {"roles": []},
        {"roles": [1]},
        {"units": "u-sales"},
        {"units": [["u-sales"]]},
        {"units": [""]},
        {"sub": ""},
        {"sub": "   "},
        {"sub": 42},
        {"name": {"zh": "王"}},
    ],
    ids=lambda c: next(iter(c.items())).__repr__(),
)
async def test_a_signed_token_with_malformed_claims_is_401_at_the_gateway_and_the_service(
    system: System, claims: dict[str, Any]
) -> None:
    client, _ = system
    headers = _signed(**claims)
    response = await client.get("/goals/org-units", headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["type"].endswith("/unauthorized")
    # The service checks again on its own (a caller that reaches it without the gateway).
    goals = client._transport.app.state.service_apps["goals"]  # type: ignore[attr-defined]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=goals), base_url="http://goals"
    ) as direct:
        assert (await direct.get("/goals/org-units", headers=headers)).status_code == 401


async def test_well_formed_claims_are_accepted(system: System) -> None:
    client, _ = system
    headers = _signed(roles=["member", "manager"], units=["u-a", "u-b"], name="王芳")
    assert (await client.get("/goals/org-units", headers=headers)).status_code == 200
    assert (await client.get("/goals/org-units", headers=_signed(roles=...))).status_code == 200


async def _member_and_kpi(client: httpx.AsyncClient) -> tuple[str, str]:
    unit = await post_ok(
        client, "/goals/org-units", {"name": "安全部", "kind": "department"}, headers=ADMIN
    )
    member = f"sec-{uuid.uuid4().hex[:6]}"
    await post_ok(
        client,
        "/goals/members",
        {
            "id": member,
            "name": "Li",
            "home_unit_id": unit["id"],
            "layer": "execution",
            "hired_on": "2025-01-01",
        },
        headers=ADMIN,
    )
    code = f"calls_{uuid.uuid4().hex[:4]}"
    await post_ok(
        client,
        "/goals/kpi-definitions",
        {"code": code, "name": "Calls", "unit": "count"},
        headers=ADMIN,
    )
    return member, code


OUT_OF_RANGE = ["0999-12-31", "0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"]


async def test_an_actual_outside_the_supported_range_is_422_naming_the_date(
    system: System,
) -> None:
    client, _ = system
    member, code = await _member_and_kpi(client)
    for day in OUT_OF_RANGE:
        response = await client.post(
            "/goals/actuals",
            json={
                "owner_id": member,
                "kpi": code,
                "date": day,
                "value": "1",
                "idempotency_key": f"k-{day}",
            },
            headers=ADMIN,
        )
        assert response.status_code == 422, (day, response.text)
        assert ["body", "date"] in [e["loc"] for e in response.json()["errors"]], day
    response = await client.get(f"/goals/figures?owner_id={member}&period=0999", headers=ADMIN)
    assert response.status_code == 422, response.text


async def test_in_bulk_and_csv_a_row_out_of_range_is_its_own_error_and_good_rows_are_kept(
    system: System,
) -> None:
    client, _ = system
    member, code = await _member_and_kpi(client)
    rows = ["owner_type,owner_id,kpi,date,value,idempotency_key"]
    rows += [f"member,{member},{code},{day},5,csv-{day}" for day in OUT_OF_RANGE]
    rows += [f"member,{member},{code},2026-03-0{d},10,csv-good-{d}" for d in (1, 2, 3)]
    response = await client.post(
        "/goals/actuals/csv",
        content="\n".join(rows).encode(),
        headers={**ADMIN, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["accepted"] == 3, report
    assert sorted(e["row"] for e in report["errors"]) == [2, 3, 4, 5, 6], report
    bulk = await client.post(
        "/goals/actuals/bulk",
        json={
            "items": [
                {
                    "owner_id": member,
                    "kpi": code,
                    "date": "0999-01-01",
                    "value": "1",
                    "idempotency_key": "bulk-bad",
                },
                {
                    "owner_id": member,
                    "kpi": code,
                    "date": "2026-03-04",
                    "value": "7",
                    "idempotency_key": "bulk-good",
                },
            ]
        },
        headers=ADMIN,
    )
    assert bulk.status_code == 200, bulk.text
    assert (bulk.json()["accepted"], [e["row"] for e in bulk.json()["errors"]]) == (1, [1])
    stored = await client.get(
        f"/goals/actuals?owner_id={member}&kpi={code}&period=2026-03", headers=ADMIN
    )
    assert stored.status_code == 200, stored.text
    values = sorted(str(m["date"]) for m in stored.json()["items"])
    assert values == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]


async def test_the_merged_document_says_every_call_may_meet_the_rate_limit(
    system: System,
) -> None:
    client, _ = system
    document = (await client.get("/openapi.json")).json()
    operations = [
        (path, method, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if path.split("/")[1] in ("goals", "performance", "incentives", "collab")
    ]
    assert len(operations) > 100
    for path, method, operation in operations:
        limited = operation["responses"].get("429")
        assert limited is not None, (method, path)
        assert "Retry-After" in limited["headers"], (method, path)
        assert "application/problem+json" in limited["content"], (method, path)
