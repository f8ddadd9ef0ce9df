"""Special project bonuses and the monthly marketing stars."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from incentives import repository
from incentives.api.deps import NowDep, SettingsDep
from incentives.schemas import (
    ProjectCreate,
    ProjectFailure,
    ProjectRead,
    ProjectSuccess,
    StarAwardRead,
    StarsCreate,
)
from incentives.schemas.rewards import ProjectState
from incentives.service import access, rewards, stars
from shared.api import Page
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.errors import NotFound
from shared.paging import PageQuery, page_query

router = APIRouter()

ProjectPage = Annotated[
    PageQuery, Depends(page_query(["created_at", "name", "state"], default="created_at"))
]
StarPage = Annotated[PageQuery, Depends(page_query(["month", "awarded_at"], default="month"))]


@router.post("/projects", status_code=201, response_model=ProjectRead, tags=["rewards"])
async def create_project(
    body: ProjectCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    response: Response,
) -> ProjectRead:
    """A special project with a one-off amount per member (a manager for their units'
    members, HR or admin); never one that pays you (403 ``self-decision``; a member outside a
    manager's units: 403 ``out-of-scope``)."""
    access.require_manager(principal)
    project = await rewards.create_project(session, principal, settings, body)
    response.headers["Location"] = f"/incentives/projects/{project.id}"
    return ProjectRead.model_validate(project, from_attributes=True)


@router.get("/projects", response_model=Page[ProjectRead], tags=["rewards"])
async def list_projects(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: ProjectPage,
    state: ProjectState | None = None,
) -> Page[ProjectRead]:
    """Special projects (finance and HR), optionally in one state, oldest first by default."""
    access.require_finance_or_hr(principal)
    found, cursor = await repository.projects_page(
        session, page=page, state=None if state is None else state.value
    )
    return Page(
        items=[ProjectRead.model_validate(p, from_attributes=True) for p in found],
        next_cursor=cursor,
    )


@router.post("/projects/{project_id}/success", response_model=ProjectRead, tags=["rewards"])
async def mark_successful(
    project_id: str,
    body: ProjectSuccess,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> ProjectRead:
    """Mark the project successful (a manager for their units' members, HR or admin), with
    what made it so; never a project that pays you (403 ``self-decision``, ``out-of-scope``).
    It concludes the project (a concluded one: 409), published as ``ProjectConcluded``."""
    access.require_manager(principal)
    project = await rewards.get_project(session, project_id)
    project = await rewards.mark_successful(session, principal, project, body, now=now)
    return ProjectRead.model_validate(project, from_attributes=True)


@router.post("/projects/{project_id}/fail", response_model=ProjectRead, tags=["rewards"])
async def mark_failed(
    project_id: str,
    body: ProjectFailure,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> ProjectRead:
    """Mark the project failed, with what happened: its bonuses are never paid. The same
    people as for a success (403 ``self-decision``, ``out-of-scope``); a concluded project:
    409. Published as ``ProjectConcluded``."""
    access.require_manager(principal)
    project = await rewards.get_project(session, project_id)
    project = await rewards.mark_failed(session, principal, project, body, now=now)
    return ProjectRead.model_validate(project, from_attributes=True)


@router.post("/projects/{project_id}/approve", response_model=ProjectRead, tags=["rewards"])
async def approve_project(
    project_id: str, session: SessionDep, principal: CurrentPrincipal
) -> ProjectRead:
    """Approve the bonuses (finance; not the one who marked it successful, never a project
    that pays you: 403 ``self-decision``): the next payout run pays them."""
    access.require_finance(principal)
    project = await rewards.get_project(session, project_id)
    project = await rewards.approve(session, principal, project)
    return ProjectRead.model_validate(project, from_attributes=True)


@router.post("/stars", status_code=201, response_model=StarAwardRead, tags=["rewards"])
async def award_stars(
    body: StarsCreate, session: SessionDep, principal: CurrentPrincipal, settings: SettingsDep
) -> StarAwardRead:
    """Name the month's marketing stars (HR or admin), once, from performance's settlement of
    the month (none held yet: 409, the month is not settled); each is published as
    ``StarAwarded``. A newer settlement re-awards the month by itself (``StarRevoked`` and
    ``StarAwarded`` with its reason)."""
    principal.require(*access.STAR_AWARDERS)
    award = await stars.award_stars(session, principal, settings, body.month)
    return StarAwardRead.model_validate(award, from_attributes=True)


@router.get("/stars", response_model=Page[StarAwardRead], tags=["rewards"])
async def list_stars(session: SessionDep, page: StarPage) -> Page[StarAwardRead]:
    """Every month's stars, by month: they are published to everyone."""
    found, cursor = await repository.star_awards_page(session, page=page)
    return Page(
        items=[StarAwardRead.model_validate(a, from_attributes=True) for a in found],
        next_cursor=cursor,
    )


@router.get("/stars/{month}", response_model=StarAwardRead, tags=["rewards"])
async def month_stars(month: str, session: SessionDep) -> StarAwardRead:
    """One month's stars (``2026-03``): the current stars, the settlement revision and reason
    they come from, each settled member's eligibility, and every revision's history; 404 when
    none were awarded."""
    award = await repository.get_stars(session, month=month)
    if award is None:
        raise NotFound(f"no stars awarded for {month}")
    return StarAwardRead.model_validate(award, from_attributes=True)
