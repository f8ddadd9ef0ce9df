"""Event envelope (CloudEvents attributes), typed payloads and the catalogue of a service.

A service declares what it publishes as ``Event`` subclasses registered in its own
``EventCatalog`` (``shared.asyncapi`` builds its AsyncAPI document from it). A consumer keeps
its own slim copy of the fields it needs, a ``Consumed`` subclass: there is no shared events
library, and the contract tests hold each copy to the producer's examples.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from shared.logging import current_correlation_id

SPEC_VERSION = "1.0"
CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
"""The Kafka header ``content-type`` of every message: CloudEvents structured mode."""


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
    dataschema: str | None = Field(
        default=None, description="Absolute URI of the JSON Schema of `data`"
    )
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
    """The events one service publishes: their envelopes, and (in ``shared.asyncapi``) the
    service's AsyncAPI document."""

    schema_base: str = "http://localhost:8000"
    """Where the gateway is reached: ``dataschema`` URIs point there (set from the service's
    ``public_url`` setting when it starts)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.events: dict[str, type[Event]] = {}

    @property
    def source_uri(self) -> str:
        """The CloudEvents ``source``: a URI reference naming the producing service."""
        return f"/spearhead/{self.source}"

    def schema_uri(self, event_type: str, version: int) -> str:
        """The absolute URI of the JSON Schema of an event's ``data``, served by the gateway."""
        return f"{self.schema_base.rstrip('/')}/events/schemas/{event_type}/{version}"

    def register(self, cls: E) -> E:
        if not cls.event_type.startswith(self.source + "."):
            raise ValueError(f"{cls.event_type} is not published by {self.source}")
        self.events[cls.event_type] = cls
        return cls

    def envelope(self, event: Event, *, correlation_id: str | None = None) -> Envelope:
        return Envelope(
            source=self.source_uri,
            type=event.event_type,
            subject=event.subject(),
            dataversion=event.event_version,
            dataschema=self.schema_uri(event.event_type, event.event_version),
            correlationid=correlation_id or current_correlation_id(),
            data=event.model_dump(mode="json"),
        )

    def example_envelope(self, cls: type[Event], data: dict[str, Any]) -> Envelope:
        """The envelope a consumer would receive for one of ``cls``'s examples."""
        event = cls.model_validate(data)
        return self.envelope(
            event, correlation_id="0d7f6c2e-3b1a-4c5d-9e8f-7a6b5c4d3e2f"
        ).model_copy(
            update={
                "id": "5f0c8a4e-2d3b-4e1f-8a9b-6c7d8e9f0a1b",
                "time": datetime(2026, 3, 14, 9, 30, tzinfo=UTC),
            }
        )

    def topics(self) -> list[str]:
        return sorted({topic_of(t) for t in self.events})
