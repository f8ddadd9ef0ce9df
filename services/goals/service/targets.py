"""Goals and targets: SMART checks, cascading, roll-up, adjustments, templates."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import TargetAdjusted, outbox
from goals.models import Goal, GoalTemplate, KpiDefinition, TargetAdjustment
from goals.schemas.common import OwnerType
from goals.schemas.targets import (
    CascadeChild,
    CascadeRequest,
    ChildProgress,
    GoalCreate,
    GoalProgress,
    GoalRead,
    GoalTemplateCreate,
    GoalTemplateRead,
    GoalUpdate,
    SmartFinding,
    SmartReport,
    TargetAdjustmentRead,
    TemplateApply,
    TemplateItemRead,
)
from goals.service import figures
from goals.service.access import Scope, not_own_target, require_owner
from goals.service.kpis import at_scale, check_scale
from goals.settings import Settings
from shared.api import check_if_match
from shared.auth import Principal, Role
from shared.errors import Conflict, NotFound, Unprocessable, invalid
from shared.paging import PageQuery
from shared.periods import FIRST_YEAR, Grain, Period


async def _kpi(session: AsyncSession, code: str | None) -> KpiDefinition | None:
    if code is None:
        return None
    kpi = await repository.kpi_by_code(session, code=code)
    if kpi is None:
        raise invalid("kpi", f"no KPI with code {code!r}")
    return kpi


async def smart_check(
    session: AsyncSession, *, body: GoalCreate, settings: Settings, today: date
) -> SmartReport:
    """Specific, measurable, achievable, relevant, time-bound: errors block, warnings don't."""
    errors: list[SmartFinding] = []
    warnings: list[SmartFinding] = []
    if not body.description or len(body.description.strip()) < settings.smart_min_description:
        errors.append(
            SmartFinding(
                criterion="specific",
                message=(
                    f"describe the goal in at least {settings.smart_min_description} characters"
                ),
            )
        )
    kpi = await repository.kpi_by_code(session, code=body.kpi) if body.kpi else None
    if body.kind != "objective":
        if kpi is None:
            errors.append(
                SmartFinding(
                    criterion="measurable",
                    message=(
                        "a key result or KPI target needs a known KPI"
                        if body.kpi is None
                        else f"no KPI with code {body.kpi!r}"
                    ),
                )
            )
        if body.target_value is None:
            errors.append(SmartFinding(criterion="measurable", message="set a target value"))
    if body.period.end < today:
        warnings.append(
            SmartFinding(
                criterion="time-bound", message=f"the period {body.period} has already ended"
            )
        )
    if body.owner_type != "company" and body.parent_id is None:
        warnings.append(
            SmartFinding(
                criterion="relevant",
                message=("align the goal to a parent goal; only company goals stand alone"),
            )
        )
    if kpi is not None and body.target_value is not None:
        recent = [str(p) for p in _recent_periods(body.period, 4)]
        best = await repository.best_recent_actual(
            session,
            owner_type=figures.figure_owner_type(body.owner_type),
            owner_id=body.owner_id,
            kpi_id=kpi.id,
            periods=recent,
            lower_is_better=kpi.direction == "lower_is_better",
        )
        margin = settings.smart_achievable_margin
        if best is not None and best > 0:
            if kpi.direction == "lower_is_better":
                stretch = (best - body.target_value) / best
            else:
                stretch = (body.target_value - best) / best
            if stretch > margin:
                warnings.append(
                    SmartFinding(
                        criterion="achievable",
                        message=(
                            f"the target is {stretch:.0%} beyond the best of the last "
                            f"{len(recent)} {body.period.grain} periods ({best}); the margin is "
                            f"{margin:.0%}"
                        ),
                    )
                )
    return SmartReport(errors=errors, warnings=warnings)


def _recent_periods(period: Period, count: int) -> list[Period]:
    """The ``count`` periods of the same grain before ``period`` (none before 1900)."""
    found: list[Period] = []
    year, index = period.year, period.index
    size = {Grain.year: 1, Grain.quarter: 4, Grain.month: 12}[period.grain]
    for _ in range(count):
        index -= 1
        if index < 1:
            year, index = year - 1, size
        if year < FIRST_YEAR:
            break
        found.append(Period(year, period.grain, index))
    return found


async def _check_owner_exists(session: AsyncSession, owner_type: str, owner_id: str) -> None:
    if owner_type == "member":
        if await repository.get_member(session, member_id=owner_id) is None:
            raise invalid("owner_id", f"member {owner_id} does not exist")
    else:
        unit = await repository.get_org_unit(session, unit_id=owner_id)
        if unit is None:
            raise invalid("owner_id", f"org unit {owner_id} does not exist")
        if owner_type == "company" and unit.kind != "company":
            raise invalid("owner_id", "a company goal belongs to the company's org unit")


async def create_goal(
    session: AsyncSession,
    *,
    scope: Scope,
    body: GoalCreate,
    settings: Settings,
    today: date,
    refresh_figure: bool = True,
) -> tuple[Goal, SmartReport]:
    """Create a goal after its SMART check; warnings are stored with it, errors refuse it.
    ``refresh_figure=False``: the caller refreshes the figures of all it creates at once."""
    if body.owner_type == "company":
        scope.principal.require(Role.admin, Role.hr)
    await require_owner(
        session, scope, owner_type=body.owner_type, owner_id=body.owner_id, write=True
    )
    if body.kpi is not None and body.target_value is not None:
        not_own_target(scope, body.owner_type, body.owner_id, action="set-kpi-target")
    await _check_owner_exists(session, body.owner_type, body.owner_id)
    report = await smart_check(session, body=body, settings=settings, today=today)
    if report.errors:
        raise Unprocessable(
            "the goal fails its SMART check",
            errors=[
                {"loc": ["body"], "msg": f"{f.criterion}: {f.message}", "type": "smart"}
                for f in report.errors
            ],
        )
    kpi = await _kpi(session, body.kpi)
    if kpi is not None:
        check_scale(kpi, body.target_value, "target_value")
    if (
        body.parent_id is not None
        and await repository.get_goal(session, goal_id=body.parent_id) is None
    ):
        raise invalid("parent_id", f"goal {body.parent_id} does not exist")
    if (
        body.kind == "kpi_target"
        and kpi is not None
        and await repository.find_kpi_target(
            session,
            owner_type=body.owner_type,
            owner_id=body.owner_id,
            kpi_id=kpi.id,
            period=str(body.period),
        )
        is not None
    ):
        raise Conflict(f"{body.owner_id} already has a {kpi.code} target for {body.period}")
    goal = await _add_goal(
        session, body=body, kpi=kpi, warnings=report.warnings, created_by=scope.principal.member_id
    )
    if refresh_figure:
        await _refresh_goal_figures(session, [goal], today)
    return goal, report


async def _add_goal(
    session: AsyncSession,
    *,
    body: GoalCreate,
    kpi: KpiDefinition | None,
    warnings: list[SmartFinding],
    created_by: str,
) -> Goal:
    goal: Goal = await repository.add(
        session,
        row=Goal(
            id=str(uuid.uuid4()),
            kind=body.kind.value,
            title=body.title,
            description=body.description,
            owner_type=body.owner_type.value,
            owner_id=body.owner_id,
            period=str(body.period),
            period_start=body.period.start,
            period_end=body.period.end,
            kpi_id=kpi.id if kpi else None,
            target_value=body.target_value,
            weight=body.weight,
            parent_id=body.parent_id,
            smart_warnings=[w.model_dump() for w in warnings],
            created_by=created_by,
            version=1,
        ),
    )
    return goal


async def _refresh_goal_figures(session: AsyncSession, goals: list[Goal], today: date) -> None:
    """One refresh for every figure whose target these goals set (one lock acquisition)."""
    keys = [
        (figures.figure_owner_type(goal.owner_type), goal.owner_id, goal.kpi_id, goal.period)
        for goal in goals
        if goal.kpi_id is not None and goal.target_value is not None
    ]
    if keys:
        await figures.refresh(session, today=today, keys=keys)


async def get_goal(session: AsyncSession, *, scope: Scope, goal_id: str) -> Goal:
    goal = await repository.get_goal(session, goal_id=goal_id)
    if goal is None:
        raise NotFound(f"goal {goal_id} does not exist")
    await require_owner(
        session, scope, owner_type=goal.owner_type, owner_id=goal.owner_id, write=False
    )
    return goal


async def list_goals(
    session: AsyncSession,
    *,
    scope: Scope,
    owner_type: str | None,
    owner_id: str | None,
    period: str | None,
    kind: str | None,
    parent_id: str | None,
    page: PageQuery,
) -> tuple[list[Goal], str | None]:
    """Goals the caller may see; asking for one owner's goals needs access to that owner."""
    return await repository.list_goals(
        session,
        owner_type=owner_type,
        owner_ids=await visible_owners(
            session, scope=scope, owner_type=owner_type, owner_id=owner_id
        ),
        period=period,
        kind=kind,
        parent_id=parent_id,
        page=page,
    )


async def visible_owners(
    session: AsyncSession, *, scope: Scope, owner_type: str | None, owner_id: str | None
) -> set[str] | None:
    """The owners whose goals the caller lists (None: every owner); one named owner needs
    access to it."""
    owner_ids: set[str] | None = None
    if owner_id is not None:
        await require_owner(
            session,
            scope,
            owner_type=owner_type or "member",
            owner_id=owner_id,
            write=False,
            hide=False,
        )
        owner_ids = {owner_id}
    elif not scope.everything:
        owner_ids = {scope.principal.member_id} | scope.managed_units | scope.own_units
        if scope.managed_units:
            managed = await repository.members_in_units(session, unit_ids=scope.managed_units)
            owner_ids |= set(managed)
    return owner_ids


async def update_goal(
    session: AsyncSession,
    *,
    scope: Scope,
    goal_id: str,
    body: GoalUpdate,
    if_match: str | None,
    today: date,
) -> Goal:
    """A merge patch; a target change keeps who, when, why, old and new, and is published.

    A period that has ended keeps its reported attainment unless the change says
    ``restate``, and then the restatement is published as such."""
    goal = await repository.get_goal(session, goal_id=goal_id, for_update=True)
    if goal is None:
        raise NotFound(f"goal {goal_id} does not exist")
    await require_owner(
        session, scope, owner_type=goal.owner_type, owner_id=goal.owner_id, write=False
    )
    await require_owner(
        session, scope, owner_type=goal.owner_type, owner_id=goal.owner_id, write=True
    )
    check_if_match(if_match, goal.id, goal.version)
    changes = body.model_dump(exclude_unset=True, exclude={"reason", "restate"})
    new_target = changes.pop("target_value", None)
    target_changes = new_target is not None and new_target != goal.target_value
    kpi = await repository.get_kpi(session, kpi_id=goal.kpi_id) if goal.kpi_id else None
    if kpi is not None:
        check_scale(kpi, new_target, "target_value")
    if target_changes:
        if goal.kpi_id is not None:
            not_own_target(scope, goal.owner_type, goal.owner_id, action="adjust-kpi-target")
        if body.reason is None:
            raise invalid("reason", "a target change needs a reason")
        ended = goal.period_end < today
        if ended and not body.restate:
            raise Conflict(
                f"{goal.period} has ended and its attainment was reported; send "
                "restate: true to restate it"
            )
        adjustment = await repository.add(
            session,
            row=TargetAdjustment(
                id=str(uuid.uuid4()),
                goal_id=goal.id,
                old_value=goal.target_value,
                new_value=new_target,
                reason=body.reason,
                restated=ended,
                adjusted_by=scope.principal.member_id,
            ),
        )
        await outbox.publish(
            session,
            TargetAdjusted(
                goal_id=goal.id,
                owner_type=goal.owner_type,
                owner_id=goal.owner_id,
                kpi=kpi.code if kpi else None,
                period=goal.period,
                old_value=at_scale(kpi, goal.target_value),
                new_value=at_scale(kpi, new_target),
                reason=adjustment.reason,
                adjusted_by=adjustment.adjusted_by,
                restated=adjustment.restated,
            ),
        )
        goal.target_value = new_target
    for field, value in changes.items():
        if value is not None:
            setattr(goal, field, value)
    goal.version += 1
    await session.flush()
    if target_changes:
        await _refresh_goal_figures(session, [goal], today)
    return goal


def split(total: Decimal, shares: list[Decimal], places: int = 2) -> list[Decimal]:
    """``total`` split in proportion to ``shares`` at ``places`` decimal places (the KPI's
    scale), adding up exactly."""
    whole = sum(shares)
    step = Decimal(1).scaleb(-places)
    parts = [(total * share / whole).quantize(step, rounding=ROUND_HALF_UP) for share in shares]
    parts[-1] += total - sum(parts)  # the rounding remainder goes to the last child
    return parts


async def cascade(
    session: AsyncSession, *, scope: Scope, goal_id: str, body: CascadeRequest, today: date
) -> list[Goal]:
    """Child targets from a parent: even, by weights, or by each child's share of last year.

    Summed KPIs are split; averaged and latest-value KPIs pass the same target down."""
    parent = await get_goal(session, scope=scope, goal_id=goal_id)
    if parent.target_value is None or parent.kpi_id is None:
        raise Unprocessable("only a goal with a KPI and a target can be cascaded")
    kpi = await repository.get_kpi(session, kpi_id=parent.kpi_id)
    assert kpi is not None
    parent_period = Period.parse(parent.period)
    children = list(body.children)
    if body.by_period:
        sub_periods = parent_period.children()
        if not sub_periods:
            raise Unprocessable("a month has no sub-periods to cascade to")
        if children:
            raise invalid("children", "give either children or by_period, not both")
        children = [
            CascadeChild(
                owner_type=OwnerType(parent.owner_type), owner_id=parent.owner_id, period=p
            )
            for p in sub_periods
        ]
    if not children:
        raise invalid("children", "name at least one child")
    for child in children:
        period = child.period or parent_period
        if not (parent_period.start <= period.start and period.end <= parent_period.end):
            raise invalid("children", f"{period} is not inside {parent_period}")
        await require_owner(
            session, scope, owner_type=child.owner_type, owner_id=child.owner_id, write=True
        )
        not_own_target(scope, child.owner_type, child.owner_id, action="cascade-kpi-target")
        await _check_owner_exists(session, child.owner_type, child.owner_id)
    if body.mode == "weights":
        if any(c.weight is None for c in children):
            raise invalid("children", "splitting by weights needs a weight on every child")
        shares = [c.weight or Decimal(0) for c in children]
    elif body.mode == "last_year":
        if any((c.period or parent_period).year <= FIRST_YEAR for c in children):
            raise invalid("mode", f"{FIRST_YEAR} has no last year in the supported range")
        last_year = await figures.FigureEngine(session).compute(
            [
                (
                    figures.figure_owner_type(c.owner_type),
                    c.owner_id,
                    kpi.id,
                    str((c.period or parent_period).previous_year()),
                )
                for c in children
            ]
        )
        order = [
            (
                figures.figure_owner_type(c.owner_type),
                c.owner_id,
                kpi.id,
                str((c.period or parent_period).previous_year()),
            )
            for c in children
        ]
        shares = [last_year[k].actual or Decimal(0) for k in order]
        if sum(shares) <= 0:
            raise Unprocessable("no child has actuals last year to share by")
    else:
        shares = [Decimal(1)] * len(children)
    splits = kpi.aggregation == "sum"
    values = (
        split(parent.target_value, shares, kpi.scale)
        if splits
        else [at_scale(kpi, parent.target_value) or Decimal(0)] * len(children)
    )
    created = []
    for child, value, share in zip(children, values, shares, strict=True):
        period = child.period or parent_period
        if (
            await repository.find_kpi_target(
                session,
                owner_type=child.owner_type,
                owner_id=child.owner_id,
                kpi_id=kpi.id,
                period=str(period),
            )
            is not None
        ):
            raise Conflict(f"{child.owner_id} already has a {kpi.code} target for {period}")
        goal = await _add_goal(
            session,
            body=GoalCreate(
                kind="kpi_target",
                title=parent.title,
                description=parent.description,
                owner_type=child.owner_type,
                owner_id=child.owner_id,
                period=period,
                kpi=kpi.code,
                target_value=value,
                weight=share if share > 0 else Decimal(1),
                parent_id=parent.id,
            ),
            kpi=kpi,
            warnings=[],
            created_by=scope.principal.member_id,
        )
        created.append(goal)
    await figures.refresh(
        session,
        today=today,
        keys=[
            (figures.figure_owner_type(g.owner_type), g.owner_id, kpi.id, g.period) for g in created
        ],
    )
    return created


async def progress(session: AsyncSession, *, scope: Scope, goal_id: str) -> GoalProgress:
    """The goal's own attainment and its children's weighted roll-up, with where each
    number comes from."""
    goal = await get_goal(session, scope=scope, goal_id=goal_id)
    children = await repository.children_of(session, goal_id=goal.id)
    engine = figures.FigureEngine(session)
    keys = []
    if goal.kpi_id:
        keys.append(
            (figures.figure_owner_type(goal.owner_type), goal.owner_id, goal.kpi_id, goal.period)
        )
    child_keys = {
        c.id: (figures.figure_owner_type(c.owner_type), c.owner_id, c.kpi_id, c.period)
        for c in children
        if c.kpi_id
    }
    computed = await engine.compute([*keys, *child_keys.values()])
    own = computed.get(keys[0]) if keys else None
    explanation = list(own.explanation) if own else []
    if own is not None and goal.target_value is not None and own.target != goal.target_value:
        explanation.append("the target shown is this goal's own")
    child_rows = []
    weighted, weights = Decimal(0), Decimal(0)
    for child in children:
        figure = computed.get(child_keys.get(child.id, ("", "", "", "")))
        attainment = figure.attainment if figure else None
        child_rows.append(
            ChildProgress(
                goal_id=child.id,
                owner_type=child.owner_type,
                owner_id=child.owner_id,
                period=child.period,
                weight=child.weight,
                attainment=attainment,
            )
        )
        weighted += child.weight * (attainment or Decimal(0))
        weights += child.weight
    rolled_up = figures.q6(weighted / weights) if weights else None
    if children:
        explanation.append(
            f"rolled-up progress = sum(weight x attainment) / sum(weight) over "
            f"{len(children)} children (no data counts as 0) = {weighted.normalize()} / "
            f"{weights.normalize()} = {rolled_up}"
        )
    attainment = figures.attainment_of(own.kpi, own.actual, goal.target_value) if own else None
    kpi = own.kpi if own else None
    return GoalProgress(
        goal_id=goal.id,
        kpi=kpi.code if kpi else None,
        direction=kpi.direction if kpi else None,
        period=goal.period,
        target=at_scale(kpi, goal.target_value),
        actual=at_scale(kpi, own.actual) if own else None,
        attainment=attainment,
        measurements=own.measurements if own else 0,
        rolled_up_progress=rolled_up,
        children=child_rows,
        explanation=explanation,
    )


async def adjustments(
    session: AsyncSession, *, scope: Scope, goal_id: str, page: PageQuery
) -> tuple[list[TargetAdjustmentRead], str | None]:
    """One page of a goal's target changes, values at its KPI's scale."""
    goal = await get_goal(session, scope=scope, goal_id=goal_id)
    kpi = await repository.get_kpi(session, kpi_id=goal.kpi_id) if goal.kpi_id else None
    rows, next_cursor = await repository.adjustments_of(session, goal_id=goal_id, page=page)
    return [
        TargetAdjustmentRead.model_validate(
            {
                "id": a.id,
                "goal_id": a.goal_id,
                "old_value": at_scale(kpi, a.old_value),
                "new_value": at_scale(kpi, a.new_value),
                "reason": a.reason,
                "restated": a.restated,
                "adjusted_by": a.adjusted_by,
                "adjusted_at": a.adjusted_at,
            }
        )
        for a in rows
    ], next_cursor


async def create_template(
    session: AsyncSession, *, principal: Principal, body: GoalTemplateCreate
) -> GoalTemplate:
    principal.require(Role.admin, Role.hr, Role.manager)
    for index, item in enumerate(body.items):
        if item.kind != "objective" and (item.kpi is None or item.target_value is None):
            raise invalid(f"items.{index}", "a measurable item needs a KPI and a target")
        kpi = await _kpi(session, item.kpi)
        if kpi is not None:
            check_scale(kpi, item.target_value, f"items.{index}.target_value")
    template: GoalTemplate = await repository.add(
        session,
        row=GoalTemplate(
            id=str(uuid.uuid4()),
            name=body.name,
            items=[i.model_dump(mode="json") for i in body.items],
            created_by=principal.member_id,
        ),
    )
    return template


async def apply_template(
    session: AsyncSession,
    *,
    scope: Scope,
    template_id: str,
    body: TemplateApply,
    settings: Settings,
    today: date,
) -> list[Goal]:
    """One call gives every member the template's goals for the period (all or nothing)."""
    template = await repository.get_template(session, template_id=template_id)
    if template is None:
        raise NotFound(f"goal template {template_id} does not exist")
    created = []
    for member_id in dict.fromkeys(body.member_ids):
        for item in template.items:
            goal, _report = await create_goal(
                session,
                scope=scope,
                settings=settings,
                today=today,
                body=GoalCreate.model_validate(
                    {
                        **item,
                        "owner_type": "member",
                        "owner_id": member_id,
                        "period": str(body.period),
                        "parent_id": body.parent_id,
                    }
                ),
                refresh_figure=False,
            )
            created.append(goal)
    await _refresh_goal_figures(session, created, today)
    return created


async def to_reads(session: AsyncSession, goals: list[Goal]) -> list[GoalRead]:
    """Goals as the API shows them, with their KPI's code and the target at its scale."""
    kpis = {k.id: k for k in await repository.all_kpis(session)}
    reads = []
    for goal in goals:
        kpi = kpis.get(goal.kpi_id or "")
        fields = {c: getattr(goal, c) for c in GoalRead.model_fields if c != "kpi"}
        fields["kpi"] = kpi.code if kpi else None
        fields["target_value"] = at_scale(kpi, goal.target_value)
        reads.append(GoalRead.model_validate(fields))
    return reads


async def template_read(session: AsyncSession, template: GoalTemplate) -> GoalTemplateRead:
    """A template as the API shows it, each target at its KPI's scale."""
    kpis = {k.code: k for k in await repository.all_kpis(session)}
    items = []
    for stored in template.items:
        item = TemplateItemRead.model_validate(stored)
        item.target_value = at_scale(kpis.get(item.kpi or ""), item.target_value)
        items.append(item)
    return GoalTemplateRead(id=template.id, name=template.name, items=items)
