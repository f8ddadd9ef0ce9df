"""Goal templates: a set of goals written once and applied to owners."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import Goal, GoalTemplate
from goals.schemas.targets import (
    GoalCreate,
    GoalTemplateCreate,
    GoalTemplateRead,
    TemplateApply,
    TemplateItemRead,
)
from goals.service.access import Scope
from goals.service.kpis import at_scale, check_scale
from goals.service.references import check_non_negative
from goals.service.targets import create_goal, kpi_by_code, refresh_goal_figures
from goals.settings import Settings
from shared.auth import Principal, Role
from shared.errors import NotFound, invalid
from shared.paging import PageQuery


async def create_template(
    session: AsyncSession, *, principal: Principal, body: GoalTemplateCreate
) -> GoalTemplate:
    principal.require(Role.admin, Role.hr, Role.manager)
    for index, item in enumerate(body.items):
        if item.kind != "objective" and (item.kpi is None or item.target_value is None):
            raise invalid(f"items.{index}", "a measurable item needs a KPI and a target")
        kpi = await kpi_by_code(session, item.kpi, f"items.{index}.kpi")
        if kpi is not None:
            check_scale(kpi, item.target_value, f"items.{index}.target_value")
        check_non_negative(kpi, item.target_value, f"items.{index}.target_value")
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


async def list_templates(
    session: AsyncSession, *, principal: Principal, page: PageQuery
) -> tuple[list[GoalTemplate], str | None]:
    """One page of the goal templates, for those who may write and apply them."""
    principal.require(Role.admin, Role.hr, Role.manager)
    return await repository.list_templates(session, page=page)


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
    await refresh_goal_figures(session, created, today)
    return created


async def template_read(session: AsyncSession, template: GoalTemplate) -> GoalTemplateRead:
    """A template as the API shows it, each target at its KPI's scale."""
    kpis = {k.code: k for k in await repository.all_kpis(session)}
    items = []
    for stored in template.items:
        item = TemplateItemRead.model_validate(stored)
        item.target_value = at_scale(kpis.get(item.kpi or ""), item.target_value)
        items.append(item)
    return GoalTemplateRead(id=template.id, name=template.name, items=items)
