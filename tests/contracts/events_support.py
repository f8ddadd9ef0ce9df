"""The services' catalogues, subscriptions and AsyncAPI documents, read without HTTP, and a
JSON Schema check against a document's components."""

from __future__ import annotations

import importlib
from typing import Any

import jsonschema_rs

from shared.asyncapi import merge, service_document
from shared.events import EventCatalog
from shared.inbox import Subscription

SERVICES = ("goals", "performance", "incentives", "collab")


def catalogs() -> dict[str, EventCatalog]:
    return {s: importlib.import_module(f"{s}.events").catalog for s in SERVICES}


def subscriptions() -> dict[str, list[Subscription]]:
    return {s: list(importlib.import_module(f"{s}.consumers").subscriptions) for s in SERVICES}


def merged_asyncapi() -> dict[str, Any]:
    subs = subscriptions()
    return merge(
        {name: service_document(c, subs[name]) for name, c in catalogs().items()},
        "Spearhead events",
    )


def schema_errors(document: dict[str, Any], ref: str, instance: Any) -> list[str]:
    """What is wrong with ``instance`` against the schema at ``ref`` of ``document``."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": ref,
        "components": document["components"],
    }
    validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    return [
        f"{'/'.join(map(str, e.instance_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]
