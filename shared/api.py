"""Conventions every service's API shares: strict request models, cursor pages, ETags."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Request
from pydantic import BaseModel, ConfigDict

from shared.errors import PreconditionFailed, PreconditionRequired, Unprocessable

T = TypeVar("T")

MAX_PAGE_SIZE = 200


class RequestModel(BaseModel):
    """Request bodies reject unknown fields: a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next one."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "items": [],
                "next_cursor": "WyIyMDI2LTAxLTA1VDA5OjAwOjAwKzAwOjAwIiwiNmExZCJd",
            }
        }
    )

    items: list[T]
    next_cursor: str | None = None


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([str(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unprocessable("the cursor is not one this API issued") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise Unprocessable("the cursor is not one this API issued")
    return [str(v) for v in values]


def created_cursor_position(cursor: str | None) -> tuple[datetime, str] | None:
    """Where a list ordered by (created_at, id) continues, from a cursor it issued."""
    if cursor is None:
        return None
    created_at, row_id = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(created_at), row_id
    except ValueError as exc:
        raise Unprocessable("the cursor is not one this API issued") from exc


class Created(Protocol):
    created_at: datetime
    id: str


C = TypeVar("C", bound=Created)


def created_page(rows: list[C], limit: int) -> tuple[list[C], str | None]:
    """The first ``limit`` of ``rows`` (fetched as limit + 1) and the cursor to the next."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].created_at.isoformat(), rows[-1].id)


def organisation_today(request: Request) -> date:
    """Today in the organisation's time zone; a dependency, so a test can pin it."""
    return datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


def etag_of(resource_id: str, version: int) -> str:
    return f'"{resource_id}.{version}"'


def check_if_match(if_match: str | None, resource_id: str, version: int) -> None:
    """412 when the client's ETag is stale, 428 when it sent none."""
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag you read")
    if if_match.strip() not in {etag_of(resource_id, version), "*"}:
        raise PreconditionFailed("the resource changed since you read it; read it again")
