"""What every query module shares: adding a row, reading one (locked or not)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
OPEN_STATUSES = ("open", "in_progress", "waiting_on_requester")


async def add(session: AsyncSession, *, row: T) -> T:
    session.add(row)
    await session.flush()
    return row


async def one(session: AsyncSession, model: type[T], where: Any, for_update: bool) -> T | None:
    statement = select(model).where(where)
    if for_update:
        # A row this session loaded before must be read again, now that it is locked.
        statement = statement.with_for_update().execution_options(populate_existing=True)
    found: T | None = (await session.scalars(statement)).first()
    return found
