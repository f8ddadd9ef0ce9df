"""The merged OpenAPI and AsyncAPI documents, built from the services' own documents."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from shared.events import merge_asyncapi

_REF = re.compile(r'"#/components/schemas/([^"]+)"')


def _prefix_schema_refs(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    text = _REF.sub(lambda m: f'"#/components/schemas/{prefix}{m.group(1)}"', json.dumps(document))
    result: dict[str, Any] = json.loads(text)
    return result


def merge_openapi(
    gateway: dict[str, Any], services: dict[str, dict[str, Any] | None]
) -> dict[str, Any]:
    """Gateway's own document plus every available service's paths, prefixed and unique.

    Schema names get the service's name as prefix (``goals.OrgUnitRead``), operation ids too
    (``goals-org-units-get-org-unit``), tags are ``service/tag``. A service that is down is
    listed under ``x-unavailable-services`` and the rest still shows.
    """
    merged = copy.deepcopy(gateway)
    merged.setdefault("paths", {})
    components = merged.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    security_schemes = components.setdefault("securitySchemes", {})
    tags: list[dict[str, Any]] = list(merged.get("tags", []))
    unavailable = []
    for name, document in services.items():
        if document is None:
            unavailable.append(name)
            continue
        document = _prefix_schema_refs(document, f"{name}.")
        for schema_name, schema in document.get("components", {}).get("schemas", {}).items():
            schemas[f"{name}.{schema_name}"] = schema
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
    merged = merge_asyncapi(available, "Spearhead events")
    merged["x-unavailable-services"] = [n for n, d in services.items() if d is None]
    return merged
