"""The only place with queries on the performance schema, a module per kind of data:
``scores`` (copies of goals' org, templates, inputs and live scores), ``competencies``
(position copies and competency assessments), ``reviews`` (cycles,
reviews, nominations, feedback, calibrations), ``development`` (development and team
health), ``dashboard`` (set-based reads over a unit's subtree) and ``verification`` (the
checker's reads). Callers say ``repository.<query>``
wherever it lives."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from performance.repository.competencies import *  # noqa: F403
from performance.repository.dashboard import *  # noqa: F403
from performance.repository.development import *  # noqa: F403
from performance.repository.reviews import *  # noqa: F403
from performance.repository.scores import *  # noqa: F403
from performance.repository.settlement import *  # noqa: F403
from performance.repository.verification import *  # noqa: F403

T = TypeVar("T")


async def add(session: AsyncSession, *, row: T) -> T:
    session.add(row)
    await session.flush()
    return row
