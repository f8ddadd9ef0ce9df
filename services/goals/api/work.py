"""Check-ins, tasks and weekly reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from goals.api.deps import ScopeDep, SettingsDep, TodayDep
from goals.schemas.work import (
    CheckInCreate,
    CheckInRead,
    TaskCreate,
    TaskRead,
    TaskStatus,
    TaskUpdate,
    TeamWeeklyReport,
    WeeklyReport,
)
from goals.service import risk, unit_reads, work
from shared.api import IsoDate, Page, etag_of
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter()

CheckInsPage = Annotated[
    PageQuery, Depends(page_query(sortable=["month", "created_at"], default="month"))
]
TasksPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=["due_on", "title", "status", "created_at"], default="due_on")),
]


@router.post(
    "/goals/{goal_id}/check-ins", status_code=201, tags=["check-ins"], response_model=CheckInRead
)
async def add_check_in(
    goal_id: str,
    body: CheckInCreate,
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    today: TodayDep,
) -> CheckInRead:
    """The month's alignment check-in on a goal: progress, confidence, blockers. The goal's
    risk, and its ancestors', is evaluated again at once (a change is published)."""
    check_in = await work.add_check_in(session, scope=scope, goal_id=goal_id, body=body)
    await risk.evaluate_with_ancestors(session, goal_id=goal_id, today=today, settings=settings)
    return CheckInRead.model_validate(check_in)


@router.get("/goals/{goal_id}/check-ins", tags=["check-ins"], response_model=Page[CheckInRead])
async def list_check_ins(
    goal_id: str, session: SessionDep, scope: ScopeDep, page: CheckInsPage
) -> Page[CheckInRead]:
    """A goal's check-ins, month by month, a page at a time."""
    found, next_cursor = await work.check_ins(session, scope=scope, goal_id=goal_id, page=page)
    return Page[CheckInRead](
        items=[CheckInRead.model_validate(c) for c in found], next_cursor=next_cursor
    )


@router.post("/tasks", status_code=201, tags=["tasks"], response_model=TaskRead)
async def create_task(
    body: TaskCreate, session: SessionDep, scope: ScopeDep, response: Response
) -> TaskRead:
    """A task under a key result; urgency and importance give its quadrant."""
    task = await work.create_task(session, scope=scope, body=body)
    response.headers["Location"] = f"/goals/tasks/{task.id}"
    response.headers["ETag"] = etag_of(task.id, task.version)
    return work.task_read(task)


@router.get("/tasks/{task_id}", tags=["tasks"], response_model=TaskRead)
async def get_task(
    task_id: str, session: SessionDep, scope: ScopeDep, response: Response
) -> TaskRead:
    """One task."""
    task = await work.get_task(session, scope=scope, task_id=task_id)
    response.headers["ETag"] = etag_of(task.id, task.version)
    return work.task_read(task)


@router.patch("/tasks/{task_id}", tags=["tasks"], response_model=TaskRead)
async def update_task(
    task_id: str,
    body: TaskUpdate,
    session: SessionDep,
    scope: ScopeDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> TaskRead:
    """Change a task (status, due date, urgency...) with If-Match."""
    task = await work.update_task(
        session, scope=scope, task_id=task_id, body=body, if_match=if_match
    )
    response.headers["ETag"] = etag_of(task.id, task.version)
    return work.task_read(task)


@router.get("/members/{member_id}/tasks", tags=["tasks"], response_model=Page[TaskRead])
async def list_tasks(
    member_id: str,
    session: SessionDep,
    scope: ScopeDep,
    page: TasksPage,
    status: TaskStatus | None = None,
) -> Page[TaskRead]:
    """A member's tasks by due date (unless sorted otherwise), optionally of one status, a
    page at a time."""
    found, next_cursor = await work.tasks_of(
        session,
        scope=scope,
        owner_id=member_id,
        status=status.value if status else None,
        page=page,
    )
    return Page[TaskRead](items=[work.task_read(t) for t in found], next_cursor=next_cursor)


@router.get("/members/{member_id}/weekly-report", tags=["tasks"], response_model=WeeklyReport)
async def weekly_report(
    member_id: str,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
    week_of: IsoDate | None = None,
) -> WeeklyReport:
    """The week's report (Monday to Sunday around ``week_of``, this week by default): done,
    next, at risk, and the month's check-ins."""
    return await work.weekly_report(session, scope=scope, member_id=member_id, day=week_of or today)


@router.get("/units/{unit_id}/weekly-report", tags=["tasks"], response_model=TeamWeeklyReport)
async def team_weekly_report(
    unit_id: str,
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
    week_of: IsoDate | None = None,
    include_sub_units: bool = False,
) -> TeamWeeklyReport:
    """A team's week (Monday to Sunday around ``week_of``, this week by default): each
    member's done, next and at risk, and the totals; with ``include_sub_units`` the members
    of the units below too. For the unit's manager, HR and admins."""
    return await unit_reads.team_weekly_report(
        session,
        scope=scope,
        unit_id=unit_id,
        include_sub_units=include_sub_units,
        day=week_of or today,
    )
