"""Event envelope (CloudEvents attributes), typed payloads and the catalogue of a service.

A service declares what it publishes as ``Event`` subclasses registered in its own
``EventCatalog``; the catalogue builds the service's AsyncAPI document. A consumer keeps its
own slim copy of the fields it needs: there is no shared events library.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from shared.logging import current_correlation_id

SPEC_VERSION = "1.0"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    """One message on the bus: CloudEvents attributes plus Spearhead's version and correlation."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    specversion: str = SPEC_VERSION
    time: datetime = Field(default_factory=utcnow)
    subject: str
    datacontenttype: str = "application/json"
    dataversion: int = 1
    dataschema: str | None = None
    correlationid: str
    data: dict[str, Any]

    @property
    def topic(self) -> str:
        return topic_of(self.type)


def topic_of(event_type: str) -> str:
    """``goals.kpi.updated`` is published on topic ``goals.kpi`` (per service and entity)."""
    service, entity, _verb = event_type.split(".", 2)
    return f"{service}.{entity}"


class Event(BaseModel):
    """Base of a published event's payload. Subclasses set the class variables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]  # goals.kpi.updated
    event_name: ClassVar[str]  # KPIUpdated
    event_version: ClassVar[int] = 1
    summary: ClassVar[str] = ""

    def key(self) -> str:
        """The id whose order matters (usually the member id); subclasses override."""
        raise NotImplementedError

    def subject(self) -> str:
        return self.key()


E = TypeVar("E", bound=type[Event])


class Consumed(BaseModel):
    """Base of a consumer's own copy of an event it reads: only the fields it needs, named
    after the producer's class (``KPIUpdatedV1`` copies goals' ``KPIUpdated`` version 1).

    Subclasses set ``event_type`` (and ``event_version`` when not 1); the consumer subscribes
    with the class (``subscription.on(KPIUpdatedV1)``). Unknown fields are ignored: producers
    add optional fields within a version.
    """

    model_config = ConfigDict(extra="ignore")

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1


class EventCatalog:
    """The events one service publishes, for envelopes and for its AsyncAPI document."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.events: dict[str, type[Event]] = {}

    def register(self, cls: E) -> E:
        if not cls.event_type.startswith(self.source + "."):
            raise ValueError(f"{cls.event_type} is not published by {self.source}")
        self.events[cls.event_type] = cls
        return cls

    def envelope(self, event: Event, *, correlation_id: str | None = None) -> Envelope:
        return Envelope(
            source=self.source,
            type=event.event_type,
            subject=event.subject(),
            dataversion=event.event_version,
            dataschema=f"#/components/schemas/{event.event_name}V{event.event_version}",
            correlationid=correlation_id or current_correlation_id(),
            data=event.model_dump(mode="json"),
        )

    def topics(self) -> list[str]:
        return sorted({topic_of(t) for t in self.events})

    def asyncapi(self, title: str | None = None) -> dict[str, Any]:
        """AsyncAPI 3 document of this catalogue: channels per topic, one message per type."""
        channels: dict[str, Any] = {}
        operations: dict[str, Any] = {}
        messages: dict[str, Any] = {}
        schemas: dict[str, Any] = {"Envelope": envelope_schema()}
        for event_type, cls in sorted(self.events.items()):
            message_name = f"{cls.event_name}V{cls.event_version}"
            schema = cls.model_json_schema(ref_template="#/components/schemas/{model}")
            for def_name, definition in schema.pop("$defs", {}).items():
                schemas[def_name] = definition
            schemas[message_name] = schema
            messages[message_name] = {
                "name": cls.event_name,
                "title": f"{cls.event_name} ({event_type}, version {cls.event_version})",
                "summary": cls.summary or (cls.__doc__ or "").strip(),
                "contentType": "application/json",
                "headers": {"$ref": "#/components/schemas/Envelope"},
                "payload": {"$ref": f"#/components/schemas/{message_name}"},
                "x-event-type": event_type,
                "x-version": cls.event_version,
            }
            topic = topic_of(event_type)
            channel = channels.setdefault(topic, {"address": topic, "messages": {}})
            channel["messages"][message_name] = {"$ref": f"#/components/messages/{message_name}"}
        for topic in channels:
            operations[f"publish-{topic}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{topic}"},
            }
        return {
            "asyncapi": "3.0.0",
            "info": {"title": title or f"Spearhead {self.source} events", "version": "1"},
            "channels": channels,
            "operations": operations,
            "components": {"messages": messages, "schemas": schemas},
        }


def envelope_schema() -> dict[str, Any]:
    schema = Envelope.model_json_schema()
    schema["description"] = (
        "CloudEvents attributes of every message; the payload is in `data`, the message key "
        "is the id whose order matters (usually the member id)."
    )
    return schema


def merge_asyncapi(documents: dict[str, dict[str, Any]], title: str) -> dict[str, Any]:
    """One AsyncAPI document from several services' documents."""
    merged: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "info": {"title": title, "version": "1"},
        "channels": {},
        "operations": {},
        "components": {"messages": {}, "schemas": {}},
    }
    for doc in documents.values():
        merged["channels"].update(doc.get("channels", {}))
        merged["operations"].update(doc.get("operations", {}))
        components = doc.get("components", {})
        merged["components"]["messages"].update(components.get("messages", {}))
        merged["components"]["schemas"].update(components.get("schemas", {}))
    return merged
