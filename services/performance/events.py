"""Events the performance service publishes."""

from __future__ import annotations

from performance.models import outbox as outbox_table
from shared.events import EventCatalog
from shared.outbox import Outbox

catalog = EventCatalog("performance")
outbox = Outbox(outbox_table, catalog)
