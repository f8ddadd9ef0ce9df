"""What every goals endpoint may depend on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from goals.service.access import Scope, scope_of
from goals.settings import Settings
from shared.auth import CurrentPrincipal
from shared.db import SessionDep


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def today(request: Request) -> date:
    """Today in the organisation's time zone (a dependency, so tests can pin it)."""
    return datetime.now(ZoneInfo(settings_of(request).timezone)).date()


async def current_scope(session: SessionDep, principal: CurrentPrincipal) -> Scope:
    return await scope_of(session, principal)


SettingsDep = Annotated[Settings, Depends(settings_of)]
TodayDep = Annotated[date, Depends(today)]
ScopeDep = Annotated[Scope, Depends(current_scope)]
