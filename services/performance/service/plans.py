"""Reading improvement and development plans, and changing a development plan: the member
reads their own, their managers and HR read and change them (a change is never one's own:
``development.manage``). A plan the caller may not see does not exist (404)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import DevelopmentPlan, ImprovementPlan
from performance.schemas import DevelopmentPlanUpdate
from performance.service.access import may_see_member
from performance.service.development import manage
from shared.api import check_if_match
from shared.auth import Principal
from shared.errors import NotFound


async def improvement_plan(
    session: AsyncSession, *, principal: Principal, plan_id: str
) -> ImprovementPlan:
    plan = await repository.get_plan(session, plan_id=plan_id)
    if plan is None or not await may_see_member(session, principal, plan.member_id):
        raise NotFound(f"improvement plan {plan_id} does not exist")
    return plan


async def development_plan(
    session: AsyncSession, *, principal: Principal, plan_id: str, for_update: bool = False
) -> DevelopmentPlan:
    plan = await repository.get_development_plan(session, plan_id=plan_id, for_update=for_update)
    if plan is None or not await may_see_member(session, principal, plan.member_id):
        raise NotFound(f"development plan {plan_id} does not exist")
    return plan


async def update_development_plan(
    session: AsyncSession,
    *,
    principal: Principal,
    plan_id: str,
    body: DevelopmentPlanUpdate,
    if_match: str | None,
) -> DevelopmentPlan:
    """A merge patch of the plan's objectives, with If-Match (412 stale, 428 missing)."""
    plan = await development_plan(session, principal=principal, plan_id=plan_id, for_update=True)
    await manage(session, principal, plan.member_id)
    check_if_match(if_match, plan.id, plan.version)
    if body.objectives is not None:
        plan.objectives = list(body.objectives)
    plan.version += 1
    await session.flush()
    return plan
