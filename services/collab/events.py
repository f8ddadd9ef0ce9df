"""Events the collab service publishes. Business hours are decimal strings at 4 places, shares
ratios at 6 (the API's value conventions); times are UTC."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from collab.models import outbox as outbox_table
from collab.schemas.common import BusinessHours
from shared.api import examples
from shared.events import Event, EventCatalog
from shared.outbox import Outbox
from shared.values import Ratio

catalog = EventCatalog("collab")
outbox = Outbox(outbox_table, catalog)


class Clock(StrEnum):
    """Which SLA clock: the first response, or the resolution."""

    response = "response"
    resolution = "resolution"


@catalog.register
class TicketOpened(Event):
    """A unit asked another for something; the due times follow the owner unit's calendar."""

    event_type: ClassVar[str] = "collab.ticket.opened"
    event_name: ClassVar[str] = "TicketOpened"
    model_config = examples(
        {
            "ticket_id": "0b7f5c1e-2d3a-4c5b-8e9f-1a2b3c4d5e6f",
            "title": "New product facts for the spring campaign",
            "category": "product_info",
            "priority": "normal",
            "requester_unit_id": "u-marketing",
            "requester_id": "m-li",
            "owner_unit_id": "u-product",
            "assignee_id": "m-wang",
            "opened_at": "2026-03-06T09:00:00Z",
            "response_target_hours": "24.0000",
            "resolution_target_hours": "40.0000",
            "response_due_at": "2026-03-11T06:00:00Z",
            "resolution_due_at": "2026-03-13T02:00:00Z",
            "policy_id": None,
        }
    )

    ticket_id: str
    title: str
    category: str
    priority: str
    requester_unit_id: str
    requester_id: str
    owner_unit_id: str
    assignee_id: str | None
    opened_at: datetime
    response_target_hours: BusinessHours
    resolution_target_hours: BusinessHours
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    policy_id: str | None

    def key(self) -> str:
        return self.ticket_id


@catalog.register
class TicketResolved(Event):
    """A ticket was resolved: how long the first response and the resolution took in
    business hours (waiting on the requester excluded), and whether each was in the SLA."""

    event_type: ClassVar[str] = "collab.ticket.resolved"
    event_name: ClassVar[str] = "TicketResolved"
    model_config = examples(
        {
            "ticket_id": "0b7f5c1e-2d3a-4c5b-8e9f-1a2b3c4d5e6f",
            "assignee_id": "m-wang",
            "requester_unit_id": "u-marketing",
            "owner_unit_id": "u-product",
            "category": "product_info",
            "priority": "normal",
            "opened_at": "2026-03-06T09:00:00Z",
            "first_response_at": "2026-03-09T02:00:00Z",
            "resolved_at": "2026-03-10T08:30:00Z",
            "response_business_hours": "2.0000",
            "resolution_business_hours": "14.5000",
            "response_target_hours": "24.0000",
            "resolution_target_hours": "40.0000",
            "first_response_within_sla": True,
            "resolved_within_sla": True,
            "reopened": False,
        }
    )

    ticket_id: str
    assignee_id: str | None
    requester_unit_id: str
    owner_unit_id: str
    category: str
    priority: str
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime
    response_business_hours: BusinessHours
    resolution_business_hours: BusinessHours
    response_target_hours: BusinessHours
    resolution_target_hours: BusinessHours
    first_response_within_sla: bool
    resolved_within_sla: bool
    reopened: bool = False

    def key(self) -> str:
        return self.ticket_id


@catalog.register
class TicketSLAAtRisk(Event):
    """A share of a ticket's target (0.8 by default) is used up and the clock still runs."""

    event_type: ClassVar[str] = "collab.ticket.sla-at-risk"
    event_name: ClassVar[str] = "TicketSLAAtRisk"
    model_config = examples(
        {
            "ticket_id": "0b7f5c1e-2d3a-4c5b-8e9f-1a2b3c4d5e6f",
            "clock": "response",
            "assignee_id": "m-wang",
            "owner_unit_id": "u-product",
            "requester_unit_id": "u-marketing",
            "at_risk_at": "2026-03-10T06:36:00Z",
            "due_at": "2026-03-11T06:00:00Z",
            "target_hours": "24.0000",
            "share": "0.800000",
        }
    )

    ticket_id: str
    clock: Clock
    assignee_id: str | None
    owner_unit_id: str
    requester_unit_id: str
    at_risk_at: datetime
    due_at: datetime | None
    target_hours: BusinessHours
    share: Ratio

    def key(self) -> str:
        return self.ticket_id


@catalog.register
class TicketSLABreached(Event):
    """A ticket's first response or resolution was not done within its target. Published
    once per ticket and clock, at the moment of the breach (``breached_at``)."""

    event_type: ClassVar[str] = "collab.ticket.sla-breached"
    event_name: ClassVar[str] = "TicketSLABreached"
    model_config = examples(
        {
            "ticket_id": "0b7f5c1e-2d3a-4c5b-8e9f-1a2b3c4d5e6f",
            "clock": "response",
            "assignee_id": "m-wang",
            "owner_unit_id": "u-product",
            "requester_unit_id": "u-marketing",
            "breached_at": "2026-03-11T06:00:00Z",
            "detected_at": "2026-03-11T06:00:03Z",
            "target_hours": "24.0000",
        }
    )

    ticket_id: str
    clock: Clock
    assignee_id: str | None
    owner_unit_id: str
    requester_unit_id: str
    breached_at: datetime
    detected_at: datetime
    target_hours: BusinessHours

    def key(self) -> str:
        return self.ticket_id


@catalog.register
class DataGrantChanged(Event):
    """A unit granted (or changed, or revoked) another unit's read access to a data set.
    The grant is in force while ``active`` and until ``valid_until`` (inclusive)."""

    event_type: ClassVar[str] = "collab.data-grant.changed"
    event_name: ClassVar[str] = "DataGrantChanged"
    model_config = examples(
        {
            "grant_id": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
            "grantor_unit_id": "u-product",
            "grantee_unit_id": "u-marketing",
            "data_set": "conversion_funnel",
            "valid_until": "2026-06-30",
            "active": True,
            "version": 1,
        }
    )

    grant_id: str
    grantor_unit_id: str
    grantee_unit_id: str
    data_set: str
    valid_until: date
    active: bool
    version: int

    def key(self) -> str:
        return self.grant_id
