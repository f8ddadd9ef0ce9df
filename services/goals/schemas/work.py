"""Check-ins, tasks and weekly reports."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from goals.schemas.common import (
    Ident,
    ReadModel,
)
from shared.api import RequestModel, examples
from shared.periods import Period
from shared.values import Ratio


class Confidence(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class CheckInCreate(RequestModel):
    model_config = examples(
        {
            "month": "2026-03",
            "progress": "0.350000",
            "confidence": "medium",
            "blockers": "Waiting for the product team's launch date",
        }
    )

    month: Period
    progress: Annotated[Ratio, Field(ge=0, le=10)]
    confidence: Confidence
    blockers: Annotated[str, StringConstraints(max_length=4000)] | None = None


class CheckInRead(ReadModel):
    model_config = examples(
        {
            "id": "c1d2e3f4-0000-4000-8000-000000000001",
            "goal_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            "month": "2026-03",
            "progress": "0.350000",
            "confidence": "medium",
            "blockers": "Waiting for the launch date",
            "author_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "created_at": "2026-03-28T10:00:00+00:00",
        }
    )

    id: str
    goal_id: str
    month: str
    progress: Ratio
    confidence: Confidence
    blockers: str | None
    author_id: str
    created_at: datetime


class TaskStatus(StrEnum):
    todo = "todo"
    in_progress = "in_progress"
    blocked = "blocked"
    done = "done"


class Quadrant(StrEnum):
    do_first = "do_first"  # urgent and important
    schedule = "schedule"  # important, not urgent
    delegate = "delegate"  # urgent, not important
    eliminate = "eliminate"  # neither


class TaskCreate(RequestModel):
    model_config = examples(
        {
            "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "title": "Prepare trade-show leads",
            "due_on": "2026-03-20",
            "urgent": True,
            "important": True,
            "key_result_id": None,
            "resources": "Booth budget 20k CNY",
        }
    )

    owner_id: Ident
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    due_on: date
    urgent: bool = False
    important: bool = True
    key_result_id: Ident | None = None
    resources: Annotated[str, StringConstraints(max_length=4000)] | None = None


class TaskUpdate(RequestModel):
    model_config = examples({"status": "done"})

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    due_on: date | None = None
    status: TaskStatus | None = None
    urgent: bool | None = None
    important: bool | None = None
    resources: Annotated[str, StringConstraints(max_length=4000)] | None = None


class TaskRead(ReadModel):
    model_config = examples(
        {
            "id": "e1f2a3b4-0000-4000-8000-000000000001",
            "owner_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "key_result_id": "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            "title": "Call back hot leads",
            "resources": None,
            "due_on": "2026-03-13",
            "status": "todo",
            "urgent": True,
            "important": True,
            "quadrant": "do_first",
            "completed_at": None,
            "version": 1,
        }
    )

    id: str
    owner_id: str
    key_result_id: str | None
    title: str
    resources: str | None
    due_on: date
    status: TaskStatus
    urgent: bool
    important: bool
    quadrant: Quadrant
    completed_at: datetime | None
    version: int


class WeeklyReport(BaseModel):
    model_config = examples(
        {
            "member_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "week_start": "2026-03-09",
            "week_end": "2026-03-15",
            "done": [],
            "next": [],
            "at_risk": [],
            "check_ins": [],
        }
    )

    member_id: str
    week_start: date
    week_end: date
    done: list[TaskRead]
    next: list[TaskRead]
    at_risk: list[TaskRead]
    check_ins: list[CheckInRead]


class MemberWeek(BaseModel):
    """One member's week in a team's weekly report."""

    model_config = examples(
        {
            "member_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "name": "王芳 Wang Fang",
            "done": [],
            "next": [],
            "at_risk": [],
        }
    )

    member_id: str
    name: str
    done: list[TaskRead]
    next: list[TaskRead]
    at_risk: list[TaskRead]


class WeekTotals(BaseModel):
    model_config = examples({"members": 6, "done": 14, "next": 9, "at_risk": 2})

    members: int
    done: int
    next: int
    at_risk: int


class TeamWeeklyReport(BaseModel):
    """A unit's week: each member's done, next and at risk (by member id), and the totals."""

    model_config = examples(
        {
            "unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "include_sub_units": False,
            "week_start": "2026-03-09",
            "week_end": "2026-03-15",
            "members": [],
            "totals": {"members": 0, "done": 0, "next": 0, "at_risk": 0},
        }
    )

    unit_id: str
    include_sub_units: bool
    week_start: date
    week_end: date
    members: list[MemberWeek]
    totals: WeekTotals
