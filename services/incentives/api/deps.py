"""What incentives endpoints depend on beyond the kit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Request

from incentives.settings import Settings
from shared.api import organisation_today


async def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def now() -> datetime:
    """The current instant (tests pin it by overriding this function)."""
    return datetime.now(UTC)


# Today in the organisation's time zone (tests pin it by overriding this function).
today = organisation_today


SettingsDep = Annotated[Settings, Depends(settings_of)]
NowDep = Annotated[datetime, Depends(now)]
TodayDep = Annotated[date, Depends(today)]
