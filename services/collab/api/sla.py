"""Business-hours calendars and SLA policies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from collab import repository
from collab.api.deps import SettingsDep, TodayDep
from collab.schemas import CalendarPut, CalendarRead, PolicyCreate, PolicyRead
from collab.service import calendars, policies
from shared.api import Page
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter(tags=["sla"])
PolicyPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=repository.POLICY_SORTS, default="rank,created_at")),
]
UnitId = Annotated[str, Path(min_length=1, max_length=36, description="An org unit's id")]


YearQuery = Annotated[
    int | None,
    Query(
        ge=1950,
        le=2999,
        description="The year whose public holidays the read lists (default: this year)",
    ),
]


@router.put("/calendars/{unit_id}", response_model=CalendarRead)
async def put_calendar(
    unit_id: UnitId,
    body: CalendarPut,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    today: TodayDep,
) -> CalendarRead:
    """Set an owner unit's business hours (the unit's manager, HR or an admin). It reaches
    the units below that have no calendar of their own. The unit follows the public holidays
    and make-up working days of its country (the organisation's unless ``country`` says
    otherwise, or none with ``builtin_holidays: false``); its own ``holidays`` and
    ``makeup_days`` add to those and win where they differ. A day in both lists is a 422; a
    make-up day on a working weekday, or a holiday on a day off, is kept with a ``warnings``
    line in the answer."""
    return await calendars.put_calendar(
        session,
        principal=principal,
        settings=settings,
        unit_id=unit_id,
        body=body,
        year=today.year,
    )


@router.get("/calendars/{unit_id}", response_model=CalendarRead)
async def get_calendar(
    unit_id: UnitId,
    session: SessionDep,
    settings: SettingsDep,
    today: TodayDep,
    year: YearQuery = None,
) -> CalendarRead:
    """The business hours a unit's tickets count on: its own calendar, else its nearest
    ancestor's (``inherited_from``), else the default Mon-Fri 09:00-18:00 in the
    organisation's time zone (``is_default``); with the year's built-in public holidays and
    make-up working days (``public_holidays``). The built-in list (the holidays package)
    holds the published Chinese arrangement up to ``public_holidays.known_until`` (the end
    of 2026 today); after it holidays follow from rules and make-up working days are unknown
    until a newer list, or the unit's own ``makeup_days``, gives them."""
    return await calendars.get_calendar(
        session, settings=settings, unit_id=unit_id, year=year or today.year
    )


@router.post("/sla-policies", status_code=201, response_model=PolicyRead)
async def create_policy(
    body: PolicyCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> PolicyRead:
    """An SLA policy chosen by category, units and priority (HR and admins)."""
    policy = await policies.create_policy(session, principal=principal, body=body)
    response.headers["Location"] = f"/collab/sla-policies/{policy.id}"
    return PolicyRead.model_validate(policy)


@router.get("/sla-policies", response_model=Page[PolicyRead])
async def list_policies(session: SessionDep, page: PolicyPage) -> Page[PolicyRead]:
    """The active policies, by default in the order they are tried (lowest rank first)."""
    found, next_cursor = await policies.list_policies(session, page=page)
    return Page[PolicyRead](
        items=[PolicyRead.model_validate(p) for p in found], next_cursor=next_cursor
    )
