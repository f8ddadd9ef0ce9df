"""The goals service's event catalogue and its outbox: every event module registers here."""

from __future__ import annotations

from goals.models import outbox as outbox_table
from shared.events import EventCatalog
from shared.outbox import Outbox

catalog = EventCatalog("goals")
outbox = Outbox(outbox_table, catalog)
