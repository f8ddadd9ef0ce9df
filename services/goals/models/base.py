"""The ``goals`` schema's metadata, shared tables, declarative base and column types."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    Numeric,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.dashboard import dashboard_targets_table
from shared.db import schema_metadata
from shared.inbox import inbox_table
from shared.outbox import outbox_table

SCHEMA = "goals"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
dashboard_targets = dashboard_targets_table(metadata)

VALUE = Numeric(20, 6)  # measured values and targets: exact decimals
RATIO = Numeric(12, 6)  # attainment, weights, progress ("1.20" is 120%)


class Base(DeclarativeBase):
    metadata = metadata


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
