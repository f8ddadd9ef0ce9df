"""The merged OpenAPI and AsyncAPI documents, built from the services' own documents."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from gateway.links import add_links
from shared.asyncapi import merge

_REF = re.compile(r'"#/components/schemas/([^"]+)"')

CONTACT = {"name": "Spearhead maintainers", "url": "https://spearhead.invalid/support"}
LICENSE = {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}
GATEWAY_TAGS = [
    {"name": "auth", "description": "Development tokens (absent in production)"},
    {
        "name": "dashboard",
        "description": "The plan's nine targets for a unit, composed from the four services",
    },
    {
        "name": "live",
        "description": "实时更新 (Server-Sent Events): the caller's own score, projection, tickets",
    },
]


def _refs_renamed(document: Any, rename: dict[str, str]) -> Any:
    text = _REF.sub(lambda m: f'"#/components/schemas/{rename[m.group(1)]}"', json.dumps(document))
    return json.loads(text)


def _schema_names(documents: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Each document's schema name -> its name in the merged document.

    A schema that every document holding it defines identically (``ProblemDetails``,
    ``Money``...) keeps its own name once; any other is prefixed with its service
    (``goals.OrgUnitRead``), so no two schemas share a name or a title.
    """
    schemas = {
        name: doc.get("components", {}).get("schemas", {}) for name, doc in documents.items()
    }
    shared = {s for each in schemas.values() for s in each}
    while True:
        # Identical text with shared names left bare and the rest prefixed: a schema is the
        # same everywhere only if what it refers to is too.
        variants: dict[str, set[str]] = {}
        for service, each in schemas.items():
            rename = {s: s if s in shared else f"{service}.{s}" for s in each}
            for schema_name, schema in each.items():
                variants.setdefault(schema_name, set()).add(
                    json.dumps(_refs_renamed(schema, rename), sort_keys=True)
                )
        still = {s for s in shared if len(variants.get(s, ())) == 1}
        if still == shared:
            break
        shared = still
    return {
        service: {s: s if s in shared else f"{service}.{s}" for s in each}
        for service, each in schemas.items()
    }


def _title(name: str) -> str:
    """``goals.Page_OrgUnitRead_`` -> ``GoalsPageOrgUnitRead``: a type name for generators."""
    parts = re.split(r"[^A-Za-z0-9]+", name)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def merge_openapi(
    gateway: dict[str, Any],
    services: dict[str, dict[str, Any] | None],
    *,
    server_url: str = "http://localhost:8000",
) -> dict[str, Any]:
    """Gateway's own document plus every available service's paths, prefixed and unique.

    Schemas keep their name where every service defines them alike and get the service's
    name as prefix otherwise (``goals.OrgUnitRead``); every schema's title is its name as a
    type name. Operation ids get the service as prefix (``goals-org-units-get-org-unit``),
    tags are ``service/tag``. Creates get links to the reads and actions on what they made.
    A service that is down is listed under ``x-unavailable-services``; the rest still shows.
    """
    available = {name: doc for name, doc in services.items() if doc is not None}
    unavailable = [name for name, doc in services.items() if doc is None]
    names = _schema_names({"gateway": gateway, **available})
    merged: dict[str, Any] = _refs_renamed(copy.deepcopy(gateway), names["gateway"])
    merged["info"]["contact"] = CONTACT
    merged["info"]["license"] = LICENSE
    merged["servers"] = [{"url": server_url, "description": "This gateway"}]
    merged.setdefault("paths", {})
    components = merged.setdefault("components", {})
    schemas = {names["gateway"][s]: v for s, v in components.get("schemas", {}).items()}
    components["schemas"] = schemas
    security_schemes = components.setdefault("securitySchemes", {})
    tags: list[dict[str, Any]] = [*GATEWAY_TAGS, *merged.get("tags", [])]
    for name, document in available.items():
        document = _refs_renamed(document, names[name])
        for schema_name, schema in document.get("components", {}).get("schemas", {}).items():
            schemas[names[name][schema_name]] = schema
        security_schemes.update(document.get("components", {}).get("securitySchemes", {}))
        seen_tags: set[str] = set()
        for path, operations in document.get("paths", {}).items():
            if not path.startswith(f"/{name}"):
                continue
            for operation in operations.values():
                if not isinstance(operation, dict) or "operationId" not in operation:
                    continue
                operation["operationId"] = f"{name}-{operation['operationId']}"
                _document_rate_limit(operation)
                operation["tags"] = [f"{name}/{t}" for t in operation.get("tags", [])] or [name]
                seen_tags.update(operation["tags"])
            merged["paths"][path] = operations
        tags.extend({"name": t, "description": f"{name} service"} for t in sorted(seen_tags))
    for schema_name, schema in schemas.items():
        schema["title"] = _title(schema_name)
    add_links(merged["paths"], schemas)
    merged["tags"] = tags
    merged["x-unavailable-services"] = unavailable
    if unavailable:
        merged["info"]["description"] = (
            merged["info"].get("description", "")
            + f"\n\n**Unavailable right now:** {', '.join(unavailable)}."
        )
    return merged


def _document_rate_limit(operation: dict[str, Any]) -> None:
    """Every call through the gateway may meet its rate limit: 429 with Retry-After, in the
    shape of the operation's other problems."""
    responses: dict[str, Any] = operation.setdefault("responses", {})
    problem = next(
        (
            r["content"]
            for status, r in sorted(responses.items())
            if status.isdigit() and int(status) >= 400 and r.get("content")
        ),
        None,
    )
    limited: dict[str, Any] = {
        "description": "Over the gateway's rate limit for this principal or client address",
        "headers": {
            "Retry-After": {
                "description": "Seconds until a call is admitted again",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    }
    if problem is not None:
        limited["content"] = copy.deepcopy(problem)
    responses.setdefault("429", limited)


def merge_events(services: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    available = {name: doc for name, doc in services.items() if doc is not None}
    merged = merge(available, "Spearhead events")
    merged["x-unavailable-services"] = [n for n, d in services.items() if d is None]
    return merged


def data_schema(document: dict[str, Any], event_type: str, version: int) -> dict[str, Any] | None:
    """The JSON Schema (2020-12) of one event's ``data``, self-contained, from a merged
    document: what a ``dataschema`` URI answers."""
    messages = document.get("components", {}).get("messages", {})
    for name, message in messages.items():
        if "." in name:
            continue  # a consumer's copy, kept only while its producer is away
        if message.get("x-event-type") == event_type and message.get("x-version") == version:
            schemas = document["components"]["schemas"]
            root = copy.deepcopy(schemas[name])
            needed: dict[str, Any] = {}
            _collect_refs(root, schemas, needed)
            result: dict[str, Any] = _rewrite_refs(root)
            result["$schema"] = "https://json-schema.org/draft/2020-12/schema"
            if needed:
                result["$defs"] = {k: _rewrite_refs(copy.deepcopy(v)) for k, v in needed.items()}
            return result
    return None


def _collect_refs(node: Any, schemas: dict[str, Any], needed: dict[str, Any]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in needed:
                needed[name] = schemas[name]
                _collect_refs(schemas[name], schemas, needed)
        for value in node.values():
            _collect_refs(value, schemas, needed)
    elif isinstance(node, list):
        for value in node:
            _collect_refs(value, schemas, needed)


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/components/schemas/", "#/$defs/")
                if k == "$ref" and isinstance(v, str)
                else _rewrite_refs(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node
