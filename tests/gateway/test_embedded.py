"""The gateway over every service in one process (the `make run` shape)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import jwt
from sqlalchemy import text

from shared.db import Database
from tests.helpers import auth, token, unsigned_token

PROBLEM = "application/problem+json"


async def test_readyz_shows_every_service_up(embedded: httpx.AsyncClient) -> None:
    response = await embedded.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert sorted(checks) == ["collab", "goals", "incentives", "performance"]
    assert {c["status"] for c in checks.values()} == {"up"}
    assert checks["goals"]["checks"]["database"] == "up"
    assert checks["goals"]["checks"]["bus"] == "inprocess"


async def test_openapi_merges_every_service_with_unique_prefixed_ids(
    embedded: httpx.AsyncClient,
) -> None:
    document = (await embedded.get("/openapi.json")).json()
    assert document["x-unavailable-services"] == []
    assert "/goals/org-units" in document["paths"]
    assert "/performance/org-units/{unit_id}" in document["paths"]
    assert "goals.OrgUnitRead" in document["components"]["schemas"]
    assert "performance.OrgUnitRead" in document["components"]["schemas"]
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert "goals-org-units-create-org-unit" in ids
    create = document["paths"]["/goals/org-units"]["post"]
    # Only goals has OrgUnitCreate: it keeps its name; both have an OrgUnitRead, unlike.
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/OrgUnitCreate"
    )
    titles = {n: s["title"] for n, s in document["components"]["schemas"].items()}
    assert titles["goals.OrgUnitRead"] == "GoalsOrgUnitRead"
    assert titles["performance.OrgUnitRead"] == "PerformanceOrgUnitRead"
    assert titles["ProblemDetails"] == "ProblemDetails"  # alike everywhere: once
    assert PROBLEM in create["responses"]["422"]["content"]
    html = await embedded.get("/docs")
    assert html.status_code == 200
    assert "/openapi.json" in html.text


async def test_asyncapi_lists_every_event_with_its_schema(embedded: httpx.AsyncClient) -> None:
    document = (await embedded.get("/asyncapi.json")).json()
    assert document["asyncapi"].startswith("3.")
    message = document["components"]["messages"]["OrgUnitChangedV1"]
    assert message["x-event-type"] == "goals.org-unit.changed"
    schema = document["components"]["schemas"]["OrgUnitChangedV1"]
    assert set(schema["required"]) >= {"unit_id", "name", "kind", "version"}
    assert "goals.org-unit" in document["channels"]
    envelope = document["components"]["schemas"]["OrgUnitChangedV1Envelope"]
    assert envelope["properties"]["data"] == {"$ref": "#/components/schemas/OrgUnitChangedV1"}
    assert envelope["properties"]["type"]["const"] == "goals.org-unit.changed"


async def test_an_org_unit_created_in_goals_reaches_performance(
    embedded: httpx.AsyncClient, database_url: str
) -> None:
    created = await embedded.post(
        "/goals/org-units",
        json={"name": "市场部 Marketing", "kind": "department"},
        headers={**auth(), "X-Correlation-ID": "corr-embedded-1"},
    )
    assert created.status_code == 201, created.text
    unit = created.json()
    assert created.headers["location"] == f"/goals/org-units/{unit['id']}"
    assert created.headers.get_list("x-correlation-id") == ["corr-embedded-1"]
    copy = None
    for _ in range(100):
        response = await embedded.get(f"/performance/org-units/{unit['id']}", headers=auth())
        if response.status_code == 200:
            copy = response.json()
            break
        await asyncio.sleep(0.1)
    assert copy == {
        "id": unit["id"],
        "name": "市场部 Marketing",
        "kind": "department",
        "parent_id": None,
        "source_version": 1,
    }
    db = Database(database_url, schema="goals")
    try:
        async with db.sessions() as session:
            envelope = (
                await session.execute(
                    text("SELECT envelope FROM goals.outbox WHERE envelope->>'subject' = :id"),
                    {"id": unit["id"]},
                )
            ).scalar_one()
    finally:
        await db.dispose()
    assert envelope["correlationid"] == "corr-embedded-1"
    assert envelope["type"] == "goals.org-unit.changed"


async def test_authorization_is_checked_by_the_owning_service(
    embedded: httpx.AsyncClient,
) -> None:
    response = await embedded.post(
        "/goals/org-units", json={"name": "X", "kind": "team"}, headers=auth("m-rep", ["member"])
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/forbidden")


async def test_bad_input_gets_problem_json_never_500(embedded: httpx.AsyncClient) -> None:
    headers = {**auth(), "content-type": "application/json"}
    cases = {
        "malformed": b'{"name": ',
        "wrong type": b'{"name": 5, "kind": "department"}',
        "unknown field": b'{"name": "A", "kind": "department", "colour": "red"}',
        "bad enum": b'{"name": "A", "kind": "galaxy"}',
        "bad encoding": b'{"name": "\xff\xfe", "kind": "team"}',
        "not an object": b"[1, 2, 3]",
        "deep": b'{"name": ' + b"[" * 5000 + b"]" * 5000 + b', "kind": "team"}',
        "unknown parent": b'{"name": "A", "kind": "team", "parent_id": "nope"}',
    }
    for case, body in cases.items():
        response = await embedded.post("/goals/org-units", content=body, headers=headers)
        assert response.status_code == 422, (case, response.text)
        assert response.headers["content-type"] == PROBLEM, case
        problem = response.json()
        assert problem["status"] == 422
        assert problem["errors"], case


async def test_oversized_bodies_get_413(embedded: httpx.AsyncClient) -> None:
    big = b'{"name": "' + b"x" * 2_000_000 + b'", "kind": "team"}'
    response = await embedded.post(
        "/goals/org-units", content=big, headers={**auth(), "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"x" * 65_536

    streamed = await embedded.post(
        "/goals/org-units", content=chunks(), headers={**auth(), "content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert streamed.headers["content-type"] == PROBLEM


async def test_unknown_routes_are_404_problem_json(embedded: httpx.AsyncClient) -> None:
    for path in ("/nowhere", "/goals/nowhere", "/performance/org-units"):
        response = await embedded.get(path, headers=auth())
        assert response.status_code in (404, 405), path
        assert response.headers["content-type"] == PROBLEM, path


async def test_tokens_missing_expired_forged_or_unsigned_get_401(
    embedded: httpx.AsyncClient,
) -> None:
    forged = jwt.encode(
        {
            "sub": "m1",
            "iss": "spearhead",
            "aud": "spearhead",
            "iat": 1,
            "exp": 4_102_444_800,
            "roles": ["admin"],
        },
        "a-wrong-secret-of-32-bytes!!!!!!",
        algorithm="HS256",
    )
    tokens = {
        "missing": None,
        "expired": token(ttl=timedelta(seconds=-10)),
        "forged": forged,
        "alg none": unsigned_token(),
        "garbage": "not.a.jwt",
        "unknown role": token(roles=["emperor"]),
    }
    for case, value in tokens.items():
        headers = {"Authorization": f"Bearer {value}"} if value else {}
        response = await embedded.get("/goals/org-units", headers=headers)
        assert response.status_code == 401, case
        assert response.headers["content-type"] == PROBLEM, case
        assert response.headers["www-authenticate"] == "Bearer", case


async def test_metrics_count_requests_by_route(embedded: httpx.AsyncClient) -> None:
    await embedded.get("/goals/org-units", headers=auth())
    metrics = await embedded.get("/metrics")
    assert metrics.status_code == 200
    expected = 'spearhead_http_requests_total{method="GET",route="org-units-list-org-units"'
    assert expected in metrics.text


async def test_org_units_list_pages_with_a_cursor(embedded: httpx.AsyncClient) -> None:
    parent = (
        await embedded.post(
            "/goals/org-units", json={"name": "Company", "kind": "company"}, headers=auth()
        )
    ).json()
    for i in range(5):
        response = await embedded.post(
            "/goals/org-units",
            json={"name": f"Team {i}", "kind": "team", "parent_id": parent["id"]},
            headers=auth(),
        )
        assert response.status_code == 201
    first = (
        await embedded.get(f"/goals/org-units?parent_id={parent['id']}&limit=3", headers=auth())
    ).json()
    assert [u["name"] for u in first["items"]] == ["Team 0", "Team 1", "Team 2"]
    second = (
        await embedded.get(
            f"/goals/org-units?parent_id={parent['id']}&limit=3&cursor={first['next_cursor']}",
            headers=auth(),
        )
    ).json()
    assert [u["name"] for u in second["items"]] == ["Team 3", "Team 4"]
    assert second["next_cursor"] is None
    bad = await embedded.get("/goals/org-units?cursor=%%%", headers=auth())
    assert bad.status_code == 422
    too_many = await embedded.get("/goals/org-units?limit=100000", headers=auth())
    assert too_many.status_code == 422


async def test_every_operation_is_documented_with_examples(embedded: httpx.AsyncClient) -> None:
    document = (await embedded.get("/openapi.json")).json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("tags"), (method, path)
            assert operation.get("description") or operation.get("summary"), (method, path)
    undocumented = [
        name
        for name, schema in document["components"]["schemas"].items()
        if schema.get("type") == "object"
        and "example" not in schema
        and "examples" not in schema
        and not name.endswith(("ValidationError", "ProblemDetails"))
    ]
    assert undocumented == [], undocumented
