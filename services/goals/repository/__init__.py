"""The only place with queries on the goals schema, a module per kind of data: ``org``
(units, members, squads, mentorships), ``kpis``, ``goals`` (goals, targets, adjustments,
templates), ``actuals`` (measurements, their aggregates and the figures made from them),
``work`` (check-ins, tasks, corrections), ``positions`` (positions, their versions, the
members composition counts), ``progress`` (children of many goals,
risk states), ``recruitment`` (requisitions, candidates, their steps and erasures),
``grants`` and ``dashboard`` (the management
dashboard's goals, figures and headcount). Callers say ``repository.<query>``
wherever it lives."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from goals.repository.actuals import *  # noqa: F403
from goals.repository.dashboard import *  # noqa: F403
from goals.repository.goals import *  # noqa: F403
from goals.repository.grants import *  # noqa: F403
from goals.repository.kpis import *  # noqa: F403
from goals.repository.org import *  # noqa: F403
from goals.repository.positions import *  # noqa: F403
from goals.repository.progress import *  # noqa: F403
from goals.repository.recruitment import *  # noqa: F403
from goals.repository.work import *  # noqa: F403

T = TypeVar("T")


async def add(session: AsyncSession, *, row: T) -> T:
    session.add(row)
    await session.flush()
    return row
