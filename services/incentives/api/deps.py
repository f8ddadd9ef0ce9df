"""What incentives endpoints depend on beyond the kit."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import Depends, Query, Request

from incentives.settings import Settings
from shared.paging import DEFAULT_PAGE_SIZE, Cursor, Limit, PageQuery, page_query


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(settings_of)]


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
