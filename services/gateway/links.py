"""OpenAPI links from each create to the reads and actions on what it created.

``POST /goals/org-units`` answers the unit it made, with its ``id``; every operation on
``/goals/org-units/{unit_id}...`` takes that id. The link says so, so a client generator, a
reader of the docs and a stateful fuzzer can follow the ``id`` from the answer into the next
call. Path parameters the create itself had (``/goals/goals/{goal_id}/check-ins``) are passed
on from its request.
"""

from __future__ import annotations

import re
from typing import Any

_PARAM = re.compile(r"^\{([^}]+)\}$")
_METHODS = ("get", "put", "patch", "post", "delete")


def _created_schema(operation: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    for status in ("201", "200"):
        content = operation.get("responses", {}).get(status, {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        ref = schema.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            found: dict[str, Any] | None = schemas.get(ref.rsplit("/", 1)[1])
            return found
    return None


def add_links(paths: dict[str, Any], schemas: dict[str, Any]) -> int:
    """Adds the links to the create operations in ``paths``; returns how many were added."""
    added = 0
    for path, operations in paths.items():
        create = operations.get("post")
        if not isinstance(create, dict):
            continue
        created = _created_schema(create, schemas)
        if created is None or "id" not in created.get("properties", {}):
            continue
        status = "201" if "201" in create["responses"] else "200"
        own_params = [m.group(1) for m in map(_PARAM.match, path.split("/")) if m]
        prefix = path.rstrip("/") + "/"
        links: dict[str, Any] = {}
        for other, other_operations in paths.items():
            if not other.startswith(prefix):
                continue
            first = _PARAM.match(other[len(prefix) :].split("/", 1)[0])
            if first is None:
                continue
            rest_params = [m.group(1) for m in map(_PARAM.match, other.split("/")) if m]
            if len(rest_params) != len(own_params) + 1:
                continue  # reaches further than what this create made
            parameters = {p: f"$request.path.{p}" for p in own_params}
            parameters[first.group(1)] = "$response.body#/id"
            for method in _METHODS:
                target = other_operations.get(method)
                if isinstance(target, dict) and "operationId" in target:
                    links[target["operationId"]] = {
                        "operationId": target["operationId"],
                        "parameters": parameters,
                        "description": f"{method.upper()} {other} on what this created",
                    }
        if links:
            create["responses"][status].setdefault("links", {}).update(links)
            added += len(links)
    return added
