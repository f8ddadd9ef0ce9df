"""Keeping figures: recompute, store in ``kpi_figures`` and publish ``KPIUpdated`` for each
figure that changed, one writer of a figure at a time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import KPIUpdated, outbox
from goals.service.figures.engine import FigureEngine
from goals.service.figures.figure import Figure, FigureKey
from goals.service.kpis import at_scale
from shared.locks import lock_keys
from shared.periods import Period

FIGURE_LOCKS = "goals.kpi-figure"


async def refresh(
    session: AsyncSession,
    *,
    keys: Iterable[FigureKey],
    today: date,
    engine: FigureEngine | None = None,
) -> int:
    """Recompute ``keys``; store and publish (``KPIUpdated``) each figure that changed.

    Two writers of one figure are serialised: the figure's lock is taken before anything is
    read, so a figure is computed from every measurement committed before it, and the writer
    that commits last publishes the final value. Call it once per transaction with every key
    the transaction changes (see ``shared.locks``)."""
    keys = {FigureKey._make(key) for key in keys}
    await lock_keys(session, FIGURE_LOCKS, ("|".join(key) for key in keys))
    engine = engine or FigureEngine(session)
    computed = await engine.compute(keys)
    stored = await repository.figures_for(session, keys=list(computed))
    changed: list[Figure] = []
    versions: dict[FigureKey, int] = {}
    for key, result in sorted(computed.items()):
        before = stored.get(key)
        now = (result.actual, result.target, result.attainment, result.measurements)
        if before is None and result.actual is None and result.target is None:
            continue  # nothing to report yet
        if (
            before is not None
            and (before.actual, before.target, before.attainment, before.measurements) == now
        ):
            continue
        changed.append(result)
        versions[key] = (before.version if before is not None else 0) + 1
    await repository.upsert_figures(
        session,
        rows=[
            {
                "owner_type": r.key.owner_type,
                "owner_id": r.key.owner_id,
                "kpi_id": r.key.kpi_id,
                "period": r.key.period,
                "actual": r.actual,
                "target": r.target,
                "attainment": r.attainment,
                "measurements": r.measurements,
                "version": versions[r.key],
            }
            for r in changed
        ],
    )
    await outbox.publish_many(
        session,
        [
            KPIUpdated(
                owner_type=r.key.owner_type,
                owner_id=r.key.owner_id,
                member_id=r.key.owner_id if r.key.owner_type == "member" else None,
                kpi_id=r.key.kpi_id,
                kpi=r.kpi.code,
                direction=r.kpi.direction,
                period=r.key.period,
                actual=at_scale(r.kpi, r.actual),
                target=at_scale(r.kpi, r.target),
                attainment=r.attainment,
                measurements=r.measurements,
                restated=Period.parse(r.key.period).end < today,
                version=versions[r.key],
            )
            for r in changed
        ],
    )
    return len(changed)
