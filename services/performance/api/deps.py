"""What performance endpoints depend on beyond the kit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from performance.settings import Settings


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def today(request: Request) -> date:
    """Today in the organisation's time zone (a dependency, so tests can pin it)."""
    return datetime.now(ZoneInfo(settings_of(request).timezone)).date()


SettingsDep = Annotated[Settings, Depends(settings_of)]
TodayDep = Annotated[date, Depends(today)]
