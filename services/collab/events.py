"""Events the collab service publishes."""

from __future__ import annotations

from collab.models import outbox as outbox_table
from shared.events import EventCatalog
from shared.outbox import Outbox

catalog = EventCatalog("collab")
outbox = Outbox(outbox_table, catalog)
