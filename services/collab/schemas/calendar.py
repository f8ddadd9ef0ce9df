"""Bodies of a unit's business-hours calendar."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from collab.schemas.common import Day, WindowText
from shared.api import RequestModel, examples

WEEK_EXAMPLE = {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
CALENDAR_EXAMPLE: dict[str, Any] = {
    "timezone": "Asia/Shanghai",
    "week": WEEK_EXAMPLE,
    "holidays": ["2026-04-06"],
    "makeup_days": ["2026-04-12"],
    "makeup_hours": ["09:00-18:00"],
}


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


class CalendarPut(RequestModel):
    """A unit's business hours. Holidays stop work on a weekday; make-up days are weekend
    days worked with ``makeup_hours``."""

    model_config = examples(CALENDAR_EXAMPLE)

    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "Asia/Shanghai"
    week: dict[Weekday, list[WindowText]] = Field(
        default_factory=lambda: {Weekday(d): list(w) for d, w in WEEK_EXAMPLE.items()}
    )
    holidays: list[Day] = Field(default_factory=list, max_length=1000)
    makeup_days: list[Day] = Field(default_factory=list, max_length=1000)
    makeup_hours: list[WindowText] = Field(default_factory=lambda: ["09:00-18:00"], max_length=24)


class CalendarRead(BaseModel):
    model_config = examples(
        {**CALENDAR_EXAMPLE, "unit_id": "u-product", "version": 2, "is_default": False}
    )

    unit_id: str
    timezone: str
    week: dict[str, list[str]]
    holidays: list[date]
    makeup_days: list[date]
    makeup_hours: list[str]
    version: int
    is_default: bool
