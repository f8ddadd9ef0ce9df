"""Monthly check-ins on goals, tasks with their quadrant, and the weekly report."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import CheckIn, Task
from goals.schemas.work import (
    CheckInCreate,
    CheckInRead,
    Quadrant,
    TaskCreate,
    TaskRead,
    TaskUpdate,
    WeeklyReport,
)
from goals.service.access import Scope, require_owner
from goals.service.targets import get_goal
from shared.api import check_if_match
from shared.errors import Conflict, NotFound, Unprocessable
from shared.paging import PageQuery
from shared.periods import LAST_DAY, SUPPORTED_RANGE


def quadrant(*, urgent: bool, important: bool) -> Quadrant:
    if urgent and important:
        return Quadrant.do_first
    if important:
        return Quadrant.schedule
    if urgent:
        return Quadrant.delegate
    return Quadrant.eliminate


def task_read(task: Task) -> TaskRead:
    return TaskRead.model_validate(
        {
            **{c: getattr(task, c) for c in TaskRead.model_fields if c != "quadrant"},
            "quadrant": quadrant(urgent=task.urgent, important=task.important),
        }
    )


async def add_check_in(
    session: AsyncSession, *, scope: Scope, goal_id: str, body: CheckInCreate
) -> CheckIn:
    goal = await get_goal(session, scope=scope, goal_id=goal_id)
    await require_owner(
        session, scope, owner_type=goal.owner_type, owner_id=goal.owner_id, write=True
    )
    if body.month.grain != "month":
        raise Unprocessable("a check-in is for a month (2026-03)")
    if not (goal.period_start <= body.month.start and body.month.end <= goal.period_end):
        raise Unprocessable(f"{body.month} is outside the goal's period {goal.period}")
    if await repository.check_ins_of(session, goal_ids=[goal.id], months=[str(body.month)]):
        raise Conflict(f"the goal already has a check-in for {body.month}")
    check_in: CheckIn = await repository.add(
        session,
        row=CheckIn(
            id=str(uuid.uuid4()),
            goal_id=goal.id,
            month=str(body.month),
            progress=body.progress,
            confidence=body.confidence.value,
            blockers=body.blockers,
            author_id=scope.principal.member_id,
        ),
    )
    await session.refresh(check_in)
    return check_in


async def check_ins(
    session: AsyncSession, *, scope: Scope, goal_id: str, page: PageQuery
) -> tuple[list[CheckIn], str | None]:
    """One page of a goal's check-ins."""
    await get_goal(session, scope=scope, goal_id=goal_id)
    return await repository.page_of_check_ins(session, goal_id=goal_id, page=page)


async def create_task(session: AsyncSession, *, scope: Scope, body: TaskCreate) -> Task:
    await require_owner(session, scope, owner_type="member", owner_id=body.owner_id, write=True)
    if await repository.get_member(session, member_id=body.owner_id) is None:
        raise Unprocessable(f"member {body.owner_id} does not exist")
    if body.key_result_id is not None:
        key_result = await repository.get_goal(session, goal_id=body.key_result_id)
        if key_result is None or key_result.kind == "objective":
            raise Unprocessable(f"{body.key_result_id} is not a key result or KPI target")
    task: Task = await repository.add(
        session,
        row=Task(
            id=str(uuid.uuid4()),
            owner_id=body.owner_id,
            key_result_id=body.key_result_id,
            title=body.title,
            resources=body.resources,
            due_on=body.due_on,
            status="todo",
            urgent=body.urgent,
            important=body.important,
            version=1,
        ),
    )
    await session.refresh(task)
    return task


async def get_task(session: AsyncSession, *, scope: Scope, task_id: str) -> Task:
    task = await repository.get_task(session, task_id=task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    await require_owner(session, scope, owner_type="member", owner_id=task.owner_id, write=False)
    return task


async def update_task(
    session: AsyncSession, *, scope: Scope, task_id: str, body: TaskUpdate, if_match: str | None
) -> Task:
    task = await get_task(session, scope=scope, task_id=task_id)
    await require_owner(session, scope, owner_type="member", owner_id=task.owner_id, write=True)
    check_if_match(if_match, task.id, task.version)
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is not None:
            setattr(task, field, value)
    if changes.get("status") == "done" and task.completed_at is None:
        task.completed_at = datetime.now(UTC)
    elif changes.get("status") not in (None, "done"):
        task.completed_at = None
    task.version += 1
    await session.flush()
    await session.refresh(task)
    return task


async def tasks_of(
    session: AsyncSession, *, scope: Scope, owner_id: str, status: str | None, page: PageQuery
) -> tuple[list[Task], str | None]:
    """One page of a member's tasks, optionally of one status."""
    await require_owner(
        session, scope, owner_type="member", owner_id=owner_id, write=False, hide=False
    )
    return await repository.page_of_tasks(session, owner_id=owner_id, status=status, page=page)


def week_of(day: date) -> tuple[date, date]:
    """The Monday and Sunday of ``day``'s week; a 422 on ``week_of`` past the range."""
    week_start = day - timedelta(days=day.weekday())
    week_end = week_start + timedelta(days=6)
    if week_end > LAST_DAY:
        message = f"the week of {day.isoformat()} ends after the supported range, {SUPPORTED_RANGE}"
        raise Unprocessable(
            message, errors=[{"loc": ["query", "week_of"], "msg": message, "type": "value_error"}]
        )
    return week_start, week_end


def week_tasks(
    tasks: list[Task], week_start: date, week_end: date
) -> tuple[list[Task], list[Task], list[Task]]:
    """Of a member's tasks: done in the week, next (due in the week after), and at risk
    (open and blocked or due by the week's end)."""
    start = datetime.combine(week_start, time.min, UTC)
    end = datetime.combine(week_end + timedelta(days=1), time.min, UTC)
    done = [
        t
        for t in tasks
        if t.status == "done" and t.completed_at is not None and start <= t.completed_at < end
    ]
    open_tasks = [t for t in tasks if t.status != "done"]
    at_risk = [t for t in open_tasks if t.status == "blocked" or t.due_on <= week_end]
    upcoming = [
        t for t in open_tasks if t not in at_risk and t.due_on <= week_end + timedelta(days=7)
    ]
    return done, upcoming, at_risk


async def weekly_report(
    session: AsyncSession, *, scope: Scope, member_id: str, day: date
) -> WeeklyReport:
    """The week (Monday to Sunday) around ``day``: done, next, at risk, and the month's
    check-ins on the member's goals."""
    await require_owner(session, scope, owner_type="member", owner_id=member_id, write=False)
    week_start, week_end = week_of(day)
    tasks = await repository.tasks_of(session, owner_id=member_id)
    done, upcoming, at_risk = week_tasks(tasks, week_start, week_end)
    goals = await repository.goals_of(
        session, owner_type="member", owner_ids=[member_id], period=None
    )
    months = {f"{week_start:%Y-%m}", f"{week_end:%Y-%m}"}
    check_ins = (
        await repository.check_ins_of(session, goal_ids=[g.id for g in goals], months=months)
        if goals
        else []
    )
    return WeeklyReport(
        member_id=member_id,
        week_start=week_start,
        week_end=week_end,
        done=[task_read(t) for t in done],
        next=[task_read(t) for t in upcoming],
        at_risk=[task_read(t) for t in at_risk],
        check_ins=[CheckInRead.model_validate(c) for c in check_ins],
    )
