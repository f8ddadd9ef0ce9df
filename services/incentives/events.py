"""Events the incentives service publishes."""

from __future__ import annotations

from incentives.models import outbox as outbox_table
from shared.events import EventCatalog
from shared.outbox import Outbox

catalog = EventCatalog("incentives")
outbox = Outbox(outbox_table, catalog)
