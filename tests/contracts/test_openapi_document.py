"""The merged OpenAPI document keeps the conventions (docs/api.md) everywhere: every example
is valid against its schema, every collection is a page, no decimal is a JSON number, names
and titles are unique, and every create links to what can be done with what it made."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from gateway.main import create_app
from gateway.settings import GatewayMode, Settings
from tests.contracts.events_support import schema_errors

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The gateway's merged document, served in process (no database needed for it)."""
    app = create_app(
        Settings(mode=GatewayMode.embedded, database_url="postgresql+asyncpg://d@127.0.0.1:1/d")
    )

    async def fetch() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://docs") as client:
            response = await client.get("/openapi.json")
            response.raise_for_status()
            found: dict[str, Any] = response.json()
            return found

    return asyncio.run(fetch())


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def _walk(node: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        found.append((where, node))
        for key, value in node.items():
            found.extend(_walk(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_walk(value, f"{where}/{i}"))
    return found


def test_no_service_is_missing(document: dict[str, Any]) -> None:
    assert document["x-unavailable-services"] == []
    assert {p.split("/")[1] for p in document["paths"]} == {
        "auth",
        "dashboard",  # the gateway's own: the plan's targets, composed from the services
        "dashboard.csv",
        "live",  # the gateway's own: Server-Sent Events of the caller's own changes
        "goals",
        "performance",
        "incentives",
        "collab",
    }


def test_every_example_is_valid_against_its_schema(document: dict[str, Any]) -> None:
    checked = 0
    for name, schema in document["components"]["schemas"].items():
        examples = list(schema.get("examples", []))
        if "example" in schema:
            examples.append(schema["example"])
        for example in examples:
            ref = "#/components/schemas/" + name.replace("~", "~0").replace("/", "~1")
            assert schema_errors(document, ref, example) == [], name
            checked += 1
    assert checked >= 150


def test_every_collection_is_a_page_with_limit_cursor_and_sort(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    pages = 0
    for method, path, op in _operations(document):
        if method != "get":
            continue
        content = op["responses"]["200"]["content"]
        if "application/json" not in content:
            assert set(content) in ({"text/csv"}, {"text/event-stream"}), (
                f"GET {path} answers {sorted(content)}"
            )
            continue
        schema = content["application/json"]["schema"]
        assert schema.get("type") != "array", f"GET {path} answers a bare array"
        target = schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], {})
        if set(target.get("properties", {})) >= {"items", "next_cursor"}:
            pages += 1
            params = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
            assert {"limit", "cursor"} <= params, f"GET {path} pages without limit and cursor"
            limit = next(p for p in op["parameters"] if p["name"] == "limit")
            assert limit["schema"]["maximum"] == 200
        else:
            params = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
            assert "limit" not in params, f"GET {path} takes a limit but is no page"
    assert pages >= 30


def test_no_decimal_or_money_is_a_json_number(document: dict[str, Any]) -> None:
    numbers = [
        where
        for where, node in _walk(document["components"]["schemas"])
        if node.get("type") == "number"
    ]
    assert numbers == []
    money = [
        where
        for where, node in _walk(document["components"]["schemas"])
        if node.get("$ref", "").endswith("/Money")
    ]
    assert len(money) >= 15  # incentives' amounts are Money objects, in and out


def test_names_titles_and_operation_ids_are_unique_and_stable(document: dict[str, Any]) -> None:
    titles = [s["title"] for s in document["components"]["schemas"].values()]
    assert len(titles) == len(set(titles))
    ids = [op["operationId"] for _m, _p, op in _operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)+", i) for i in ids)
    for _method, path, op in _operations(document):
        assert op.get("description"), path
        assert op.get("tags"), path
        for status, response in op["responses"].items():
            if status.startswith("4"):
                assert "schema" in response["content"]["application/problem+json"], (path, status)
    assert document["servers"][0]["url"].startswith("http")
    assert document["info"]["contact"] and document["info"]["license"]


def test_creates_link_to_the_reads_and_actions_on_what_they_made(document: dict[str, Any]) -> None:
    ids = {op["operationId"] for _m, _p, op in _operations(document)}
    creates = document["paths"]["/goals/org-units"]["post"]["responses"]["201"]["links"]
    assert creates["goals-org-units-get-org-unit"]["parameters"] == {
        "unit_id": "$response.body#/id"
    }
    total = 0
    for _method, _path, op in _operations(document):
        for response in op["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in ids
                total += 1
    assert total >= 40


def test_the_csv_upload_is_documented_as_text_csv(document: dict[str, Any]) -> None:
    body = document["paths"]["/goals/actuals/csv"]["post"]["requestBody"]["content"]
    assert body["text/csv"]["schema"]["type"] == "string"


def test_the_gateway_serves_the_data_schema_each_event_names() -> None:
    app = create_app(
        Settings(mode=GatewayMode.embedded, database_url="postgresql+asyncpg://d@127.0.0.1:1/d")
    )

    async def fetch(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://docs") as client:
            return await client.get(path)

    served = asyncio.run(fetch("/events/schemas/goals.kpi.updated/1"))
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/schema+json"
    schema = served.json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"owner_type", "owner_id", "kpi", "period"} <= set(schema["required"])
    missing = asyncio.run(fetch("/events/schemas/goals.kpi.updated/7"))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
