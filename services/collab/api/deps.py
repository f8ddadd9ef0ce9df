"""What collab endpoints depend on beyond the kit."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request

from collab.settings import Settings
from shared.api import organisation_today
from shared.paging import DEFAULT_PAGE_SIZE, Cursor, Limit, PageQuery, page_query


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def now() -> datetime:
    """The current instant (tests pin it by overriding this function)."""
    return datetime.now(UTC)


# Today in the organisation's time zone (tests pin it by overriding this function).
today = organisation_today


def paged(sortable: Sequence[str], default: str) -> Callable[..., PageQuery]:
    """``shared.paging.page_query`` with its parameters' types spelt out: the kit's
    dependency names a local variable in a string annotation, which FastAPI cannot resolve
    (the OpenAPI document and the ``sort`` parameter fail), so its signature is given here."""
    dependency = page_query(sortable=sortable, default=default)
    description = (
        "Comma-separated fields, `-` for descending: "
        + ", ".join(f"`{name}`" for name in sortable)
        + f". Default `{default}`."
    )
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("limit", keyword, default=DEFAULT_PAGE_SIZE, annotation=Limit),
            inspect.Parameter("cursor", keyword, default=None, annotation=Cursor),
            inspect.Parameter(
                "sort",
                keyword,
                default=None,
                annotation=Annotated[str | None, Query(max_length=200, description=description)],
            ),
        ],
        return_annotation=PageQuery,
    )
    return dependency


SettingsDep = Annotated[Settings, Depends(settings_of)]
NowDep = Annotated[datetime, Depends(now)]
TodayDep = Annotated[date, Depends(today)]
