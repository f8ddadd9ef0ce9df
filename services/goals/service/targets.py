"""Goals and targets: creating goals (after the SMART check of ``smart``), reading and
changing them (cascading and progress are in ``cascade``, templates in ``goal_templates``)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import TargetAdjusted, outbox
from goals.models import Goal, KpiDefinition, TargetAdjustment
from goals.schemas.targets import (
    GoalCreate,
    GoalRead,
    GoalUpdate,
    SmartFinding,
    SmartReport,
)
from goals.service import figures
from goals.service.access import Scope, not_own_target, require_owner
from goals.service.kpis import at_scale, check_scale
from goals.service.references import check_non_negative, check_parent
from goals.service.smart import smart_check
from goals.settings import Settings
from shared.api import check_if_match
from shared.auth import Role
from shared.errors import Conflict, NotFound, Unprocessable, invalid
from shared.paging import PageQuery


async def kpi_by_code(
    session: AsyncSession, code: str | None, field: str = "kpi"
) -> KpiDefinition | None:
    """The KPI a new goal names: a 422 on ``field`` if there is none or it is retired."""
    if code is None:
        return None
    kpi = await repository.kpi_by_code(session, code=code)
    if kpi is None:
        raise invalid(field, f"no KPI with code {code!r}")
    if not kpi.active:
        raise invalid(field, f"the KPI {code!r} is retired: no new goals on it")
    return kpi


async def check_owner_exists(session: AsyncSession, owner_type: str, owner_id: str) -> None:
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
    await check_owner_exists(session, body.owner_type, body.owner_id)
    report = await smart_check(session, body=body, settings=settings, today=today)
    if report.errors:
        raise Unprocessable(
            "the goal fails its SMART check",
            errors=[
                {"loc": ["body", f.field], "msg": f"{f.criterion}: {f.message}", "type": "smart"}
                for f in report.errors
            ],
        )
    kpi = await kpi_by_code(session, body.kpi)
    if kpi is not None:
        check_scale(kpi, body.target_value, "target_value")
    check_non_negative(kpi, body.target_value, "target_value")
    await check_parent(session, kind=body.kind.value, period=body.period, parent_id=body.parent_id)
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
    goal = await add_goal(
        session,
        body=body,
        kpi=kpi,
        warnings=report.warnings,
        created_by=scope.principal.member_id,
        target_field="target_value",
    )
    if refresh_figure:
        await refresh_goal_figures(session, [goal], today)
    return goal, report


async def add_goal(
    session: AsyncSession,
    *,
    body: GoalCreate,
    kpi: KpiDefinition | None,
    warnings: list[SmartFinding],
    created_by: str,
    target_field: str = "children",
) -> Goal:
    """Store a checked goal; a target below zero on a non-negative KPI (a cascade's child
    from negative shares) is still refused, naming ``target_field``."""
    value = body.target_value
    if kpi is not None and kpi.non_negative and value is not None and value < 0:
        raise invalid(
            target_field,
            f"{kpi.code} cannot be negative: {body.owner_id}'s target for {body.period} "
            f"would be {at_scale(kpi, value)}",
        )
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


async def refresh_goal_figures(session: AsyncSession, goals: list[Goal], today: date) -> None:
    """One refresh for every figure whose target these goals set (one lock acquisition)."""
    keys = [
        figures.FigureKey(
            figures.figure_owner_type(goal.owner_type), goal.owner_id, goal.kpi_id, goal.period
        )
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
    check_non_negative(kpi, new_target, "target_value")
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
        await refresh_goal_figures(session, [goal], today)
    return goal


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
