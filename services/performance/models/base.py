"""The ``performance`` schema's metadata, shared tables, declarative base and column types."""

from __future__ import annotations

from sqlalchemy import (
    Numeric,
)
from sqlalchemy.orm import DeclarativeBase

from shared.dashboard import dashboard_targets_table
from shared.db import schema_metadata
from shared.inbox import inbox_table
from shared.outbox import outbox_table

SCHEMA = "performance"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
dashboard_targets = dashboard_targets_table(metadata)

POINTS = Numeric(10, 4)
RATIO = Numeric(12, 6)


class Base(DeclarativeBase):
    metadata = metadata
