"""Check-ins, tasks and weekly reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from goals.api.deps import ScopeDep, TodayDep
from goals.schemas import CheckInCreate, CheckInRead, TaskCreate, TaskRead, TaskUpdate, WeeklyReport
from goals.service import work
from shared.api import IsoDate, etag_of
from shared.db import SessionDep

router = APIRouter()


@router.post(
    "/goals/{goal_id}/check-ins", status_code=201, tags=["check-ins"], response_model=CheckInRead
)
async def add_check_in(
    goal_id: str, body: CheckInCreate, session: SessionDep, scope: ScopeDep
) -> CheckInRead:
    """The month's alignment check-in on a goal: progress, confidence, blockers."""
    return CheckInRead.model_validate(
        await work.add_check_in(session, scope=scope, goal_id=goal_id, body=body)
    )


@router.get("/goals/{goal_id}/check-ins", tags=["check-ins"], response_model=list[CheckInRead])
async def list_check_ins(goal_id: str, session: SessionDep, scope: ScopeDep) -> list[CheckInRead]:
    """A goal's check-ins, month by month."""
    return [
        CheckInRead.model_validate(c)
        for c in await work.check_ins(session, scope=scope, goal_id=goal_id)
    ]


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


@router.get("/members/{member_id}/tasks", tags=["tasks"], response_model=list[TaskRead])
async def list_tasks(member_id: str, session: SessionDep, scope: ScopeDep) -> list[TaskRead]:
    """A member's tasks by due date."""
    return [
        work.task_read(t) for t in await work.tasks_of(session, scope=scope, owner_id=member_id)
    ]


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
