"""Conventions every service's API shares: strict request models, cursor pages, ETags."""

from __future__ import annotations

import base64
import json
from typing import Any, Generic, TypeVar

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


def etag_of(resource_id: str, version: int) -> str:
    return f'"{resource_id}.{version}"'


def check_if_match(if_match: str | None, resource_id: str, version: int) -> None:
    """412 when the client's ETag is stale, 428 when it sent none."""
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag you read")
    if if_match.strip() not in {etag_of(resource_id, version), "*"}:
        raise PreconditionFailed("the resource changed since you read it; read it again")
