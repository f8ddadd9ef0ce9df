"""Goals' part of the invariant checker (see ``shared.verify``): every KPI figure against the
measurements and targets it is computed from, every figure against the last ``KPIUpdated``
that published it, recruitment's counts and erasures (``verify_recruitment``), and goals'
copies of collab's data grants against collab's API."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository, verify_reads, verify_recruitment
from goals.service.figures import FigureEngine, FigureKey
from goals.service.kpis import at_scale
from shared.verify import Copy, Drift, same, text_of

SERVICE = "goals"
CHUNK = 2_000
FIELDS = ("actual", "target", "attainment", "measurements")
SCALED = ("actual", "target")


def _key_text(key: tuple[str, str, str, str]) -> str:
    return "/".join(key)


async def drift(session: AsyncSession) -> list[Drift]:
    """Figures that differ from a fresh computation, figures that measurements imply but
    nobody stored, and figures whose last published event says otherwise."""
    stored_keys = {FigureKey._make(key) for key in await verify_reads.figure_keys(session)}
    engine = FigureEngine(session)
    implied = await engine.keys_touched_by(await verify_reads.measured_months(session))
    found: list[Drift] = []
    keys = sorted(stored_keys | implied)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        computed = await engine.compute(chunk)
        stored = await repository.figures_for(session, keys=chunk)
        for key in chunk:
            expected = computed[key]
            row = stored.get(key)
            if row is None:
                if expected.actual is not None or expected.target is not None:
                    found.append(
                        Drift(
                            SERVICE,
                            "kpi-figure",
                            _key_text(key),
                            None,
                            text_of(expected.actual),
                            detail="measured or targeted, but no figure is stored",
                        )
                    )
                continue
            for name in FIELDS:
                if not same(getattr(row, name), getattr(expected, name)):
                    found.append(
                        Drift(
                            SERVICE,
                            "kpi-figure",
                            f"{_key_text(key)} {name}",
                            text_of(getattr(row, name)),
                            text_of(getattr(expected, name)),
                            detail="; ".join(expected.explanation),
                        )
                    )
    found += await _published(session)
    found += await verify_recruitment.drift(session)
    return found


async def _published(session: AsyncSession) -> list[Drift]:
    """The last ``KPIUpdated`` of each figure (while the outbox keeps it) carries its value."""
    published = await verify_reads.last_published_figures(session)
    kpis = {k.id: k for k in await repository.all_kpis(session)}
    found: list[Drift] = []
    keys = sorted(published)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        stored = await repository.figures_for(session, keys=chunk)
        for key in chunk:
            row, event = stored.get(key), published[key]
            for name in (*FIELDS, "version") if event.get("version") is not None else FIELDS:
                value = None if row is None else getattr(row, name)
                if name in SCALED:  # the event gives them at the KPI's scale
                    value = at_scale(kpis.get(key[2]), value)
                if not same(value, event.get(name)):
                    found.append(
                        Drift(
                            SERVICE,
                            "kpi-figure-published",
                            f"{_key_text(key)} {name}",
                            text_of(value),
                            text_of(event.get(name)),
                            detail="the last KPIUpdated for this figure says otherwise",
                        )
                    )
    return found


async def copies(session: AsyncSession) -> list[Copy]:
    """Goals' copies of collab's data grants."""
    return [
        Copy(
            service=SERVICE,
            kind="data-grant",
            key=grant.id,
            path=f"/collab/data-grants/{grant.id}",
            values={
                "grantor_unit_id": grant.grantor_unit_id,
                "grantee_unit_id": grant.grantee_unit_id,
                "data_set": grant.data_set,
                "valid_until": date.isoformat(grant.valid_until),
                "active": text_of(grant.active),
                "version": str(grant.source_version),
            },
        )
        for grant in await verify_reads.grant_copies(session)
    ]
