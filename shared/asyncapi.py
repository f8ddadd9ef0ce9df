"""AsyncAPI 3 documents that say exactly what is on the wire (docs/events.md).

On Kafka every message follows the CloudEvents Kafka protocol binding in *structured* mode:
the record value is the whole CloudEvents envelope as JSON (attributes and ``data``), the
record header ``content-type`` is ``application/cloudevents+json; charset=UTF-8``, and the
record key is the event's ``subject`` (the id whose order matters). So a message's
``payload`` here is the envelope, with ``data`` the event's own schema, and its ``headers``
the one Kafka header.

A service's document has its ``send`` operations (what it publishes) and its ``receive``
operations (what it consumes, read through its own copies); the gateway merges them, so each
channel shows who sends and who receives what.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shared.events import CLOUDEVENTS_CONTENT_TYPE, Envelope, topic_of

if TYPE_CHECKING:
    from shared.events import Consumed, Event, EventCatalog
    from shared.inbox import Subscription

KAFKA_BINDING = "0.5.0"
SERVER = "kafka"


def _envelope_for(
    event_type: str, version: int, source: str, data_ref: str, schema_uri: str
) -> dict[str, Any]:
    """The envelope of one event type: CloudEvents attributes with their values fixed where
    they are fixed, ``data`` the event's schema."""
    schema = Envelope.model_json_schema()
    properties: dict[str, Any] = schema["properties"]
    properties["type"] = {"type": "string", "const": event_type}
    properties["source"] = {"type": "string", "const": source, "format": "uri-reference"}
    properties["specversion"] = {"type": "string", "const": "1.0"}
    properties["datacontenttype"] = {"type": "string", "const": "application/json"}
    properties["dataversion"] = {"type": "integer", "const": version}
    properties["dataschema"] = {"type": "string", "format": "uri", "examples": [schema_uri]}
    properties["data"] = {"$ref": data_ref}
    for name in ("id", "subject", "correlationid", "time"):
        properties[name].pop("title", None)
        properties[name].pop("default", None)
    return {
        "type": "object",
        "title": f"{event_type} envelope",
        "required": sorted(properties),
        "properties": properties,
        "additionalProperties": False,
    }


_HEADERS = {
    "type": "object",
    "required": ["content-type"],
    "properties": {
        "content-type": {
            "type": "string",
            "const": CLOUDEVENTS_CONTENT_TYPE,
            "description": "CloudEvents structured mode: the value is the whole event as JSON",
        }
    },
}


def _key_binding(description: str) -> dict[str, Any]:
    return {
        "kafka": {
            "key": {"type": "string", "description": description},
            "bindingVersion": KAFKA_BINDING,
        }
    }


def _channel(topic: str, partitions: int) -> dict[str, Any]:
    return {
        "address": topic,
        "title": topic,
        "servers": [{"$ref": f"#/servers/{SERVER}"}],
        "messages": {},
        "bindings": {
            "kafka": {
                "topic": topic,
                "partitions": partitions,
                "replicas": 1,
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _server() -> dict[str, Any]:
    return {
        SERVER: {
            "host": "{bootstrap}",
            "protocol": "kafka",
            "protocolVersion": "4.1",
            "description": "The deployment's Kafka cluster (KRaft)",
            "variables": {
                "bootstrap": {
                    "default": "localhost:9092",
                    "description": "host:port of a broker: the services' *_KAFKA_BOOTSTRAP",
                }
            },
        }
    }


def _message(
    name: str,
    title: str,
    summary: str,
    envelope_ref: str,
    key: str,
    examples: list[dict[str, Any]],
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "name": name,
        "title": title,
        "summary": summary or title,
        "contentType": "application/cloudevents+json",
        "headers": copy.deepcopy(_HEADERS),
        "payload": {"$ref": envelope_ref},
        "bindings": _key_binding(key),
    }
    if examples:
        message["examples"] = [
            {
                "name": f"example{i + 1}",
                "headers": {"content-type": CLOUDEVENTS_CONTENT_TYPE},
                "payload": example,
            }
            for i, example in enumerate(examples)
        ]
    return message


def _event_examples(catalog: EventCatalog, cls: type[Event]) -> list[dict[str, Any]]:
    """Whole envelopes around the event's own examples, as a consumer receives them."""
    schema = cls.model_json_schema()
    found = schema.get("examples") or ([schema["example"]] if "example" in schema else [])
    result = []
    for data in found:
        envelope = catalog.example_envelope(cls, data)
        result.append(envelope.model_dump(mode="json"))
    return result


def service_document(
    catalog: EventCatalog,
    subscriptions: Sequence[Subscription] = (),
    *,
    partitions: int = 6,
    title: str | None = None,
) -> dict[str, Any]:
    """AsyncAPI 3 document of one service: the events it sends and those it receives."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for event_type, cls in sorted(catalog.events.items()):
        name = f"{cls.event_name}V{cls.event_version}"
        _add_schema(
            schemas, name, cls.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        envelope = f"{name}Envelope"
        schemas[envelope] = _envelope_for(
            event_type,
            cls.event_version,
            catalog.source_uri,
            f"#/components/schemas/{name}",
            catalog.schema_uri(event_type, cls.event_version),
        )
        messages[name] = _message(
            name,
            f"{cls.event_name} ({event_type}, version {cls.event_version})",
            cls.summary or (cls.__doc__ or "").strip(),
            f"#/components/schemas/{envelope}",
            "The event's subject: " + (cls.key.__doc__ or "the id whose order matters").strip(),
            _event_examples(catalog, cls),
        )
        messages[name]["x-event-type"] = event_type
        messages[name]["x-version"] = cls.event_version
        topic = topic_of(event_type)
        channel = channels.setdefault(topic, _channel(topic, partitions))
        channel["x-producer"] = catalog.source
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    for topic in sorted(channels):
        operations[f"{catalog.source}-sends-{topic}"] = {
            "action": "send",
            "title": f"{catalog.source} publishes on {topic}",
            "channel": {"$ref": f"#/channels/{topic}"},
            "messages": [
                {"$ref": f"#/channels/{topic}/messages/{name}"}
                for name in channels[topic]["messages"]
            ],
        }
    for subscription in subscriptions:
        _add_receives(subscription, channels, operations, messages, schemas, partitions)
    return {
        "asyncapi": "3.0.0",
        "info": _info(title or f"Spearhead {catalog.source} events"),
        "defaultContentType": "application/cloudevents+json",
        "servers": _server(),
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _add_receives(
    subscription: Subscription,
    channels: dict[str, Any],
    operations: dict[str, Any],
    messages: dict[str, Any],
    schemas: dict[str, Any],
    partitions: int,
) -> None:
    """The consumer's receive operations; a topic it does not publish itself is described
    through its own copies (the producer's document replaces them in the merged one)."""
    by_topic: dict[str, list[type[Consumed]]] = {}
    for event_type, copy_cls in sorted(subscription.copies.items()):
        by_topic.setdefault(topic_of(event_type), []).append(copy_cls)
    for topic, copies in sorted(by_topic.items()):
        channel = channels.setdefault(topic, _channel(topic, partitions))
        for copy_cls in copies:
            name = copy_cls.__name__
            if name not in channel["messages"]:
                own = f"{subscription.consumer}.{name}"
                template = f"#/components/schemas/{subscription.consumer}.{{model}}"
                _add_schema(
                    schemas,
                    own,
                    copy_cls.model_json_schema(ref_template=template),
                    prefix=f"{subscription.consumer}.",
                )
                envelope = f"{own}Envelope"
                schemas[envelope] = _envelope_for(
                    copy_cls.event_type,
                    copy_cls.event_version,
                    "/" + copy_cls.event_type.split(".")[0],
                    f"#/components/schemas/{own}",
                    "",
                )
                schemas[envelope]["properties"]["source"] = {
                    "type": "string",
                    "format": "uri-reference",
                }
                messages[own] = _message(
                    name,
                    f"{name} as {subscription.consumer} reads it",
                    "",
                    f"#/components/schemas/{envelope}",
                    "The event's subject",
                    [],
                )
                messages[own]["x-event-type"] = copy_cls.event_type
                messages[own]["x-version"] = copy_cls.event_version
                channel["messages"][name] = {"$ref": f"#/components/messages/{own}"}
        operations[f"{subscription.consumer}-receives-{topic}"] = {
            "action": "receive",
            "title": f"{subscription.consumer} consumes from {topic}",
            "channel": {"$ref": f"#/channels/{topic}"},
            "messages": [{"$ref": f"#/channels/{topic}/messages/{c.__name__}"} for c in copies],
            "bindings": {
                "kafka": {
                    "groupId": {"type": "string", "enum": [subscription.consumer]},
                    "bindingVersion": KAFKA_BINDING,
                }
            },
        }


def _add_schema(
    schemas: dict[str, Any], name: str, schema: dict[str, Any], prefix: str = ""
) -> None:
    for def_name, definition in schema.pop("$defs", {}).items():
        schemas[prefix + def_name] = definition
    schemas[name] = schema


def _info(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "version": "1.0.0",
        "description": (
            "Events on Kafka in the CloudEvents Kafka protocol binding, structured mode: the "
            "record value is the whole event (CloudEvents attributes and `data`) as JSON, the "
            "header `content-type` is `application/cloudevents+json; charset=UTF-8`, the key "
            "is the event's subject. `dataschema` is the absolute URI of the data's JSON "
            "Schema, served by the gateway."
        ),
        "contact": {"name": "Spearhead maintainers", "url": "https://spearhead.invalid/support"},
        "license": {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
    }


def merge(documents: dict[str, dict[str, Any]], title: str) -> dict[str, Any]:
    """One document from the services' documents: a channel as its producer describes it,
    every service's send and receive operations, and only the components still referenced."""
    merged: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "info": _info(title),
        "defaultContentType": "application/cloudevents+json",
        "servers": _server(),
        "channels": {},
        "operations": {},
        "components": {"messages": {}, "schemas": {}},
    }
    produced = {
        topic
        for doc in documents.values()
        for topic, channel in doc.get("channels", {}).items()
        if channel.get("x-producer")
    }
    for doc in documents.values():
        for topic, channel in doc.get("channels", {}).items():
            if channel.get("x-producer") or topic not in produced:
                merged["channels"][topic] = channel
        merged["operations"].update(doc.get("operations", {}))
        components = doc.get("components", {})
        for kind in ("messages", "schemas"):
            for name, item in components.get(kind, {}).items():
                merged["components"][kind].setdefault(name, item)
    # A consumer's copies are named after it (performance.KPIUpdatedV1) and so never clash
    # with a producer's; where the producer describes the channel they are dropped here.
    for kind in ("messages", "schemas"):
        components = merged["components"][kind]
        for name in list(components):
            if name not in _referenced(merged, kind):
                del components[name]
    return merged


def _referenced(document: dict[str, Any], kind: str) -> set[str]:
    """Names of the components of ``kind`` reachable from the channels and operations."""
    visited: set[tuple[str, str]] = set()
    pending: list[Any] = [document["channels"], document["operations"]]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                each, name = ref.removeprefix("#/components/").split("/", 1)
                target = document["components"].get(each, {}).get(name)
                if target is not None and (each, name) not in visited:
                    visited.add((each, name))
                    pending.append(target)
            pending.extend(v for k, v in node.items() if k != "$ref")
    return {name for each, name in visited if each == kind}
