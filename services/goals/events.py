"""Events the goals service publishes."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict

from goals.models import outbox as outbox_table
from shared.events import Event, EventCatalog
from shared.outbox import Outbox

catalog = EventCatalog("goals")
outbox = Outbox(outbox_table, catalog)


@catalog.register
class OrgUnitChanged(Event):
    """An org unit was created or changed; other services keep their own copy."""

    event_type: ClassVar[str] = "goals.org-unit.changed"
    event_name: ClassVar[str] = "OrgUnitChanged"
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "unit_id": "0b6f3c1e-8a4e-4c1f-9d6a-2f1e5b7c9a10",
                "name": "Marketing",
                "kind": "department",
                "parent_id": None,
                "version": 1,
            }
        }
    )

    unit_id: str
    name: str
    kind: str
    parent_id: str | None
    version: int

    def key(self) -> str:
        return self.unit_id
