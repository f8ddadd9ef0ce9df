"""KPI figures: each owner's actual, target and attainment per period, computed from the
measurements, kept in ``kpi_figures``, and published as ``KPIUpdated`` when they change.

Over time a KPI aggregates as it is defined (sum, average, last). Up the org tree a unit's
figure covers its whole subtree: sums and lasts add up, averages average every measurement.
A formula KPI is its formula over the inputs' actuals for the same owner and period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import KPIUpdated, outbox
from goals.models import KpiDefinition
from goals.service import formula
from goals.service.access import ancestors, descendants
from goals.service.kpis import at_scale, dependents, inputs_closure
from shared.locks import lock_keys
from shared.periods import Period

SIX_PLACES = Decimal("0.000001")
FIGURE_LOCKS = "goals.kpi-figure"

# (owner type, owner id, kpi id, period): owner type is "member" or "unit" (the company is
# its org unit).
Key = tuple[str, str, str, str]


def q6(value: Decimal) -> Decimal:
    return value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def figure_owner_type(owner_type: str) -> str:
    return "member" if owner_type == "member" else "unit"


def attainment_of(
    kpi: KpiDefinition, actual: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """actual / target, or target / actual when lower is better; None when undefined."""
    if actual is None or target is None or target == 0:
        return None
    if kpi.direction == "lower_is_better":
        return None if actual <= 0 else q6(target / actual)
    return q6(actual / target)


@dataclass
class Figure:
    key: Key
    kpi: KpiDefinition
    actual: Decimal | None = None
    measurements: int = 0
    target: Decimal | None = None
    attainment: Decimal | None = None
    explanation: list[str] = field(default_factory=list)


@dataclass
class _Sums:
    total: Decimal = Decimal(0)
    count: int = 0
    last: Decimal = Decimal(0)
    contributors: int = 0


class FigureEngine:
    """Computes figures for a set of keys with a handful of set-based queries."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _load(self) -> None:
        self.kpis = await repository.all_kpis(self.session)
        self.by_id = {k.id: k for k in self.kpis}
        self.by_code = {k.code: k for k in self.kpis}
        self.tree = await repository.unit_tree(self.session)

    async def keys_touched_by(self, touched: Iterable[tuple[str, str, str, date]]) -> set[Key]:
        """Every figure a measurement (owner, kpi, day) moves: the owner's and its units',
        the day's month, quarter and year, the KPI and the formulas that read it."""
        await self._load()
        touched = list(touched)
        members = {owner_id for owner_type, owner_id, _k, _d in touched if owner_type == "member"}
        homes = await repository.home_units(self.session, member_ids=members)
        squads = await repository.squads_of(self.session, member_ids=members)
        keys: set[Key] = set()
        # Many measurements share an owner, a KPI or a month: each is resolved once.
        owners_of: dict[tuple[str, str], list[tuple[str, str]]] = {}
        kpis_of: dict[str, set[str]] = {}
        periods_of: dict[tuple[int, int], list[str]] = {}
        for owner_type, owner_id, kpi_id, day in touched:
            owners = owners_of.get((owner_type, owner_id))
            if owners is None:
                if owner_type == "member":
                    owners = [("member", owner_id)]
                    if owner_id in homes:
                        owners += [("unit", u) for u in ancestors(self.tree, homes[owner_id])]
                    owners += [("unit", s) for s in squads.get(owner_id, [])]
                else:
                    owners = [("unit", u) for u in ancestors(self.tree, owner_id)]
                owners_of[(owner_type, owner_id)] = owners
            kpi_ids = kpis_of.get(kpi_id)
            if kpi_ids is None:
                kpi_ids = kpis_of[kpi_id] = {kpi_id} | dependents(self.kpis, {kpi_id})
            periods = periods_of.get((day.year, day.month))
            if periods is None:
                periods = [str(p) for p in Period.month_of(day).enclosing()]
                periods_of[(day.year, day.month)] = periods
            keys.update((t, o, k, p) for t, o in owners for k in kpi_ids for p in periods)
        return keys

    async def compute(self, keys: Iterable[Key]) -> dict[Key, Figure]:
        keys = set(keys)
        if not hasattr(self, "kpis"):
            await self._load()
        if not keys:
            return {}
        # Who contributes to each figure owner.
        unit_owners = {o for t, o, _k, _p in keys if t == "unit"}
        subtree = {u: descendants(self.tree, {u}) for u in unit_owners}
        all_units = set().union(*subtree.values()) if subtree else set()
        members_home = await repository.members_in_units(self.session, unit_ids=all_units)
        squad_members = await repository.squad_members(self.session, squad_ids=unit_owners)
        contributors: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for owner_type, owner_id, _k, _p in keys:
            if owner_type == "member":
                contributors[("member", owner_id)] = {("member", owner_id)}
            elif ("unit", owner_id) not in contributors:
                units = subtree[owner_id]
                found = {("unit", u) for u in units}
                found |= {("member", m) for m, home in members_home.items() if home in units}
                found |= {("member", m) for m in squad_members.get(owner_id, [])}
                contributors[("unit", owner_id)] = found
        base_kpis = {
            k
            for k in inputs_closure(self.kpis, {key[2] for key in keys})
            if not self.by_id[k].formula
        }
        years = {Period.parse(p).year for _t, _o, _k, p in keys}
        measurement_owners = set().union(*contributors.values())
        rows = await repository.period_aggregates(
            self.session,
            owners=measurement_owners,
            kpi_ids=base_kpis,
            years=years,
            with_last=any(self.by_id[k].aggregation == "last" for k in base_kpis),
        )
        per_owner: dict[tuple[str, str, str, str], tuple[Decimal, int, Decimal]] = {}
        for row in rows:
            period = row.month or row.quarter or row.year
            per_owner[(row.owner_type, row.owner_id, row.kpi_id, period)] = (
                row.total,
                row.n,
                row.last,
            )

        figures: dict[Key, Figure] = {}

        def figure(key: Key) -> Figure:
            if key in figures:
                return figures[key]
            owner_type, owner_id, kpi_id, period = key
            kpi = self.by_id[kpi_id]
            result = Figure(key=key, kpi=kpi)
            figures[key] = result
            if kpi.formula:
                values: dict[str, Decimal | None] = {}
                for code in kpi.inputs or []:
                    source = self.by_code.get(code)
                    if source is not None:
                        values[code] = figure((owner_type, owner_id, source.id, period)).actual
                result.actual = formula.evaluate(kpi.formula, values)
                if result.actual is not None:
                    result.actual = q6(result.actual)
                shown = ", ".join(
                    f"{c} = {v if v is not None else 'no data'}" for c, v in values.items()
                )
                result.explanation.append(
                    f"{kpi.code} = {kpi.formula} with {shown} -> "
                    f"{result.actual if result.actual is not None else 'undefined'}"
                )
                return result
            sums = _Sums()
            for measurement_owner in contributors.get((owner_type, owner_id), set()):
                found = per_owner.get((*measurement_owner, kpi_id, period))
                if found is None:
                    continue
                total, count, last = found
                sums.total += total
                sums.count += count
                sums.last += last
                sums.contributors += 1
            result.measurements = sums.count
            if sums.count == 0:
                result.explanation.append(f"no measurements of {kpi.code} in {period}")
                return result
            scope = (
                ""
                if owner_type == "member"
                else f" across {sums.contributors} owners in the unit's subtree"
            )
            if kpi.aggregation == "sum":
                result.actual = q6(sums.total)
                result.explanation.append(
                    f"actual = sum of {sums.count} measurements of {kpi.code} in {period}{scope}"
                    f" = {result.actual}"
                )
            elif kpi.aggregation == "average":
                result.actual = q6(sums.total / sums.count)
                result.explanation.append(
                    f"actual = average of {sums.count} measurements of {kpi.code} in {period}"
                    f"{scope} = {sums.total} / {sums.count} = {result.actual}"
                )
            else:
                result.actual = q6(sums.last)
                result.explanation.append(
                    f"actual = latest measurement of {kpi.code} in {period}"
                    + (f", added up{scope}" if scope else "")
                    + f" = {result.actual}"
                )
            return result

        for key in keys:
            figure(key)
        wanted = {k: figures[k] for k in keys}
        targets = await repository.targets_for(self.session, keys=list(wanted))
        for key, result in wanted.items():
            result.target = targets.get(key)
            result.attainment = attainment_of(result.kpi, result.actual, result.target)
            if result.target is None:
                result.explanation.append("no target set, so no attainment")
            elif result.attainment is None:
                result.explanation.append("attainment is undefined without a usable actual")
            elif result.kpi.direction == "lower_is_better":
                result.explanation.append(
                    f"attainment = target / actual (lower is better) = {result.target} / "
                    f"{result.actual} = {result.attainment}"
                )
            else:
                result.explanation.append(
                    f"attainment = actual / target = {result.actual} / {result.target} = "
                    f"{result.attainment}"
                )
        return wanted


async def refresh(
    session: AsyncSession, *, keys: Iterable[Key], today: date, engine: FigureEngine | None = None
) -> int:
    """Recompute ``keys``; store and publish (``KPIUpdated``) each figure that changed.

    Two writers of one figure are serialised: the figure's lock is taken before anything is
    read, so a figure is computed from every measurement committed before it, and the writer
    that commits last publishes the final value. Call it once per transaction with every key
    the transaction changes (see ``shared.locks``)."""
    keys = set(keys)
    await lock_keys(session, FIGURE_LOCKS, ("|".join(key) for key in keys))
    engine = engine or FigureEngine(session)
    computed = await engine.compute(keys)
    stored = await repository.figures_for(session, keys=list(computed))
    changed = []
    versions: dict[Key, int] = {}
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
                "owner_type": r.key[0],
                "owner_id": r.key[1],
                "kpi_id": r.key[2],
                "period": r.key[3],
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
                owner_type=r.key[0],
                owner_id=r.key[1],
                member_id=r.key[1] if r.key[0] == "member" else None,
                kpi_id=r.key[2],
                kpi=r.kpi.code,
                direction=r.kpi.direction,
                period=r.key[3],
                actual=at_scale(r.kpi, r.actual),
                target=at_scale(r.kpi, r.target),
                attainment=r.attainment,
                measurements=r.measurements,
                restated=Period.parse(r.key[3]).end < today,
                version=versions[r.key],
            )
            for r in changed
        ],
    )
    return len(changed)
