"""What performance endpoints depend on beyond the kit."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from performance.settings import Settings
from shared.api import organisation_today


async def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Today in the organisation's time zone (tests pin it by overriding this function).
today = organisation_today


SettingsDep = Annotated[Settings, Depends(settings_of)]
TodayDep = Annotated[date, Depends(today)]
