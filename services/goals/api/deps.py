"""What every goals endpoint may depend on."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from goals.service.access import Scope, scope_of
from goals.settings import Settings
from shared.api import organisation_today
from shared.auth import CurrentPrincipal
from shared.db import SessionDep


async def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Today in the organisation's time zone (tests pin it by overriding this function).
today = organisation_today


async def current_scope(session: SessionDep, principal: CurrentPrincipal) -> Scope:
    return await scope_of(session, principal)


SettingsDep = Annotated[Settings, Depends(settings_of)]
TodayDep = Annotated[date, Depends(today)]
ScopeDep = Annotated[Scope, Depends(current_scope)]
