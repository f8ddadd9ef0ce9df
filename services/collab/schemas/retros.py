"""Bodies of retrospectives and of the knowledge base they file into."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from collab.schemas.common import Code, Day, Ident, LongText, Text200
from collab.schemas.meetings import ActionItemCreate, ActionItemRead
from shared.api import RequestModel, examples

RETRO_PLAN: dict[str, Any] = {
    "project": "Spring launch 2026",
    "unit_id": "u-marketing",
    "ended_on": "2026-03-20",
    "facilitator_id": "m-li",
}
TEMPLATE_ARTICLE: dict[str, Any] = {
    "title": "跨部门需求模板 Cross-department request template",
    "body": "提需求时写清楚目标、截止日期和负责人。State the goal, date and owner.",
    "category": "process",
}


class RetroCreate(RequestModel):
    """A project's retrospective, due ``retro_due_days`` (3) after the project ends."""

    model_config = examples(RETRO_PLAN)

    project: Text200
    unit_id: Ident
    ended_on: Day
    facilitator_id: Ident


class RetroFile(RequestModel):
    """What worked, what failed, and the process changes (each a tracked action); filed in
    the knowledge base under ``category``."""

    model_config = examples(
        {
            "what_worked": "每日站会让需求更清楚 (daily stand-ups made requests clear).",
            "what_failed": "Specs arrived two days late.",
            "process_changes": [
                {
                    "title": "Product facts due 10 days before launch",
                    "owner_id": "m-wang",
                    "due_on": "2026-04-15",
                }
            ],
            "category": "launch",
        }
    )

    what_worked: LongText
    what_failed: LongText
    process_changes: list[ActionItemCreate] = Field(default_factory=list, max_length=100)
    category: Code


class RetroRead(BaseModel):
    model_config = examples(
        {
            **RETRO_PLAN,
            "id": "cf3a4b5c-6d7e-4f8a-9b0c-1d2e3f4a5b6c",
            "due_on": "2026-03-23",
            "status": "due",
            "overdue": False,
            "what_worked": None,
            "what_failed": None,
            "category": None,
            "article_id": None,
            "filed_at": None,
            "action_items": [],
        }
    )

    id: str
    project: str
    unit_id: str
    ended_on: date
    due_on: date
    facilitator_id: str
    status: str
    overdue: bool
    what_worked: str | None
    what_failed: str | None
    category: str | None
    article_id: str | None
    filed_at: datetime | None
    action_items: list[ActionItemRead]


class ArticleCreate(RequestModel):
    model_config = examples(TEMPLATE_ARTICLE)

    title: Text200
    body: LongText
    category: Code


class ArticleRead(BaseModel):
    model_config = examples(
        {
            **TEMPLATE_ARTICLE,
            "id": "d04b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d",
            "retrospective_id": None,
            "created_by": "m-li",
            "created_at": "2026-03-23T08:00:00Z",
        },
        from_attributes=True,
    )

    id: str
    title: str
    body: str
    category: str
    retrospective_id: str | None
    created_by: str
    created_at: datetime
