"""Collab's slim copies of the events it consumes (only the fields it needs); each names
the event's type, so a flow is followed from producer to consumer by one name."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from shared.events import Consumed


class OrgUnitChangedV1(Consumed):
    """Collab's copy of goals' ``OrgUnitChanged`` (version 1)."""

    event_type: ClassVar[str] = "goals.org-unit.changed"

    unit_id: str
    name: str
    kind: str
    parent_id: str | None = None
    version: int


class MemberChangedV1(Consumed):
    """Collab's copy of goals' ``MemberChanged`` (version 1)."""

    event_type: ClassVar[str] = "goals.member.changed"

    member_id: str
    name: str
    home_unit_id: str
    unit_path: list[str] = Field(default_factory=list)
    manager_id: str | None = None
    left_on: date | None = None
    version: int
