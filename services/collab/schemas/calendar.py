"""Bodies of a unit's business-hours calendar: its own hours and days, the country whose
public holidays and make-up working days it follows (see ``service/public_holidays.py`` for
how far the built-in list reaches), and where a calendar read came from."""

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
    "country": None,
    "region": None,
    "builtin_holidays": True,
}
COUNTRY_TEXT = (
    "ISO 3166-1 code of the country whose public holidays and make-up working days the unit "
    "follows (CN: 中国法定节假日和调休); empty for the organisation's setting"
)
PUBLIC_EXAMPLE: dict[str, Any] = {
    "country": "CN",
    "region": None,
    "year": 2026,
    "days_off": [{"date": "2026-10-01", "name": "国庆节"}],
    "makeup_days": ["2026-09-20", "2026-10-10"],
    "known_until": "2026-12-31",
    "coverage": "2026 年及以前的节假日和调休上班日均已收录; ...",
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
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}$")] | None = Field(
        default=None, description=COUNTRY_TEXT
    )
    region: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,10}$")] | None = Field(
        default=None, description="The country's region (ISO 3166-2 subdivision), if any"
    )
    builtin_holidays: bool = Field(
        default=True,
        description="Follow the country's public holidays and make-up working days (the "
        "unit's own holidays and make-up days are added to them and win where they differ); "
        "false for the unit's own days only",
    )


class NamedDay(BaseModel):
    model_config = examples({"date": "2026-10-01", "name": "国庆节"})

    date: date
    name: str


class PublicHolidaysRead(BaseModel):
    """One year of the built-in public days a calendar follows. Up to ``known_until`` the
    list is the published one, make-up working days included; after it, holidays follow
    from rules and make-up working days are unknown (``coverage`` says so in words)."""

    model_config = examples(PUBLIC_EXAMPLE)

    country: str
    region: str | None
    year: int
    days_off: list[NamedDay]
    makeup_days: list[date]
    known_until: date | None = Field(
        description="The last day whose make-up working days are known; null where the "
        "country has none"
    )
    coverage: str


class CalendarRead(BaseModel):
    """A unit's effective calendar: its own, else its nearest ancestor's
    (``inherited_from``), else the organisation's default (``is_default``). Windows are
    local times in ``timezone``; ``holidays`` and ``makeup_days`` are the ones typed into
    that calendar, the built-in ones are in ``public_holidays``. ``warnings`` are plain
    words on days that look mistyped (a weekday make-up day, a weekend holiday)."""

    model_config = examples(
        {
            **CALENDAR_EXAMPLE,
            "unit_id": "u-product",
            "version": 2,
            "is_default": False,
            "inherited_from": None,
            "public_holidays": PUBLIC_EXAMPLE,
            "warnings": [],
        }
    )

    unit_id: str
    timezone: str
    week: dict[str, list[str]]
    holidays: list[date]
    makeup_days: list[date]
    makeup_hours: list[str]
    country: str | None
    region: str | None
    builtin_holidays: bool
    version: int
    is_default: bool
    inherited_from: str | None = Field(
        description="The ancestor unit whose calendar this unit follows; null when it is "
        "the unit's own or the default"
    )
    public_holidays: PublicHolidaysRead | None
    warnings: list[str]
