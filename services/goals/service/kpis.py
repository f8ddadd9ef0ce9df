"""KPI definitions: unit, direction, aggregation over time, category, optional formula."""

from __future__ import annotations

import unicodedata
import uuid
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import KPIDefinitionChanged, outbox
from goals.models import KpiDefinition
from goals.schemas.kpis import KpiCreate, KpiUpdate
from goals.service import formula
from goals.service.access import require_admin
from shared.api import check_if_match
from shared.auth import Principal
from shared.errors import Conflict, NotFound, invalid
from shared.paging import PageQuery


async def create_kpi(
    session: AsyncSession, *, principal: Principal, body: KpiCreate
) -> KpiDefinition:
    """Define a KPI. A formula may only use existing KPIs and may not reach itself."""
    require_admin(principal)
    if await repository.kpi_by_code(session, code=body.code) is not None:
        raise Conflict(f"a KPI with code {body.code!r} already exists")
    inputs: list[str] = []
    if body.formula is not None:
        try:
            inputs = formula.inputs(body.formula)
        except formula.FormulaError as exc:
            raise invalid("formula", str(exc)) from exc
        known = {k.code: k for k in await repository.all_kpis(session)}
        missing = [code for code in inputs if code not in known and code != body.code]
        if missing:
            raise invalid("formula", f"unknown KPI codes in the formula: {', '.join(missing)}")
        graph = {code: list(k.inputs or []) for code, k in known.items()}
        graph[body.code] = inputs
        cycle = formula.find_cycle(graph, body.code)
        if cycle:
            raise invalid("formula", f"the formula refers back to itself: {' -> '.join(cycle)}")
    kpi: KpiDefinition = await repository.add(
        session,
        row=KpiDefinition(
            id=str(uuid.uuid4()),
            code=body.code,
            name=body.name,
            unit=body.unit,
            direction=body.direction.value,
            aggregation=body.aggregation.value,
            category=body.category.value,
            formula=body.formula,
            inputs=inputs,
            description=body.description,
            scale=body.scale,
            non_negative=(
                body.non_negative
                if body.non_negative is not None
                else body.aggregation == "sum" and body.formula is None
            ),
            version=1,
            active=True,
        ),
    )
    await publish(session, kpi)
    return kpi


async def publish(session: AsyncSession, kpi: KpiDefinition) -> None:
    """``KPIDefinitionChanged`` through the outbox, in the caller's transaction."""
    await outbox.publish(
        session,
        KPIDefinitionChanged(
            code=kpi.code,
            name=kpi.name,
            unit=kpi.unit,
            direction=kpi.direction,
            aggregation=kpi.aggregation,
            category=kpi.category,
            formula=kpi.formula,
            non_negative=kpi.non_negative,
            active=kpi.active,
            version=kpi.version,
        ),
    )


async def update_kpi(
    session: AsyncSession,
    *,
    principal: Principal,
    kpi_id_or_code: str,
    body: KpiUpdate,
    if_match: str | None,
) -> KpiDefinition:
    """A merge patch of a KPI's labels, ``non_negative`` and ``active`` (false retires it);
    a change is published with the next version, a patch that changes nothing is not."""
    require_admin(principal)
    kpi = await get_kpi(session, kpi_id_or_code=kpi_id_or_code)
    check_if_match(if_match, kpi.id, kpi.version)
    changes = {
        field: value
        for field, value in body.model_dump(exclude_unset=True).items()
        if value is not None and value != getattr(kpi, field)
    }
    if changes.get("non_negative"):
        negative = await repository.negative_targets(session, kpi_id=kpi.id)
        if negative:
            raise invalid(
                "non_negative",
                f"{len(negative)} {kpi.code} target(s) are below zero (goal "
                f"{', '.join(negative[:3])}); change them first",
            )
    if not changes:
        return kpi
    for field, value in changes.items():
        setattr(kpi, field, value)
    kpi.version += 1
    await session.flush()
    await session.refresh(kpi)
    await publish(session, kpi)
    return kpi


def places_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def scale_problem(kpi: KpiDefinition, value: Decimal | None) -> str | None:
    """Why ``value`` cannot be a value of ``kpi`` (more places than its scale), or None."""
    if value is None or places_of(value) <= kpi.scale:
        return None
    return f"{kpi.code} values have at most {kpi.scale} decimal places"


def check_scale(kpi: KpiDefinition, value: Decimal | None, field: str) -> None:
    """A 422 naming ``field`` when ``value`` has more places than the KPI's scale."""
    problem = scale_problem(kpi, value)
    if problem is not None:
        raise invalid(field, problem)


def at_scale(kpi: KpiDefinition | None, value: Decimal | None) -> Decimal | None:
    """``value`` as the API writes it: quantized to the KPI's scale (6 places without one)."""
    if value is None:
        return None
    places = kpi.scale if kpi is not None else 6
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


async def get_kpi(session: AsyncSession, *, kpi_id_or_code: str) -> KpiDefinition:
    # Codes are stored NFKC-normalised (shared/text.py): a full-width code in a path finds it.
    kpi = await repository.get_kpi(session, kpi_id=kpi_id_or_code) or await repository.kpi_by_code(
        session, code=unicodedata.normalize("NFKC", kpi_id_or_code)
    )
    if kpi is None:
        raise NotFound(f"KPI {kpi_id_or_code} does not exist")
    return kpi


async def list_kpis(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[KpiDefinition], str | None]:
    """One page of the KPI definitions."""
    return await repository.list_kpis(session, page=page)


def dependents(kpis: list[KpiDefinition], kpi_ids: set[str]) -> set[str]:
    """The formula KPIs that read any of ``kpi_ids``, directly or through other formulas."""
    by_id = {k.id: k for k in kpis}
    found: set[str] = set()
    frontier = {by_id[i].code for i in kpi_ids if i in by_id}
    while frontier:
        next_frontier = set()
        for kpi in kpis:
            if kpi.formula and kpi.id not in found and frontier & set(kpi.inputs or []):
                found.add(kpi.id)
                next_frontier.add(kpi.code)
        frontier = next_frontier
    return found


def inputs_closure(kpis: list[KpiDefinition], kpi_ids: set[str]) -> set[str]:
    """``kpi_ids`` with every KPI their formulas read, directly or indirectly."""
    by_code = {k.code: k for k in kpis}
    by_id = {k.id: k for k in kpis}
    found, stack = set(), list(kpi_ids)
    while stack:
        kpi = by_id.get(stack.pop())
        if kpi is None or kpi.id in found:
            continue
        found.add(kpi.id)
        stack.extend(by_code[c].id for c in (kpi.inputs or []) if c in by_code)
    return found
