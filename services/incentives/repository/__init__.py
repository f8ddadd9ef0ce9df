"""The only place with queries on the incentives schema, a module per kind of data:
``copies`` (what other services said), ``dashboard`` (the org tree's subtrees and concluded
projects), ``plans`` (ladders, plans and revenue), ``payouts`` (projections, runs and their
lines), ``bonuses`` (adjustments, projects, stars), ``recalc`` (the queue of members to look
at again) and ``references`` (KPI definitions, month settlements, equity grants). Callers
say ``repository.<query>`` wherever it lives."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from incentives.repository.bonuses import *  # noqa: F403
from incentives.repository.copies import *  # noqa: F403
from incentives.repository.dashboard import *  # noqa: F403
from incentives.repository.payouts import *  # noqa: F403
from incentives.repository.plans import *  # noqa: F403
from incentives.repository.recalc import *  # noqa: F403
from incentives.repository.references import *  # noqa: F403

T = TypeVar("T")


async def add(session: AsyncSession, *, row: T) -> T:
    session.add(row)
    await session.flush()
    return row
