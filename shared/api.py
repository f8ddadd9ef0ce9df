"""Conventions every service's API shares: strict request models, cursor pages, ETags."""

from __future__ import annotations

import base64
import json
import re
import types
from datetime import date, datetime
from typing import Annotated, Any, Generic, Protocol, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo

from fastapi import Request
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    FutureDatetime,
    NaiveDatetime,
    PastDatetime,
    ValidationInfo,
    field_validator,
)

from shared.errors import PreconditionFailed, PreconditionRequired, Unprocessable
from shared.periods import supported_day

T = TypeVar("T")

MAX_PAGE_SIZE = 200


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _in_range(year: int, month: int, day: int) -> None:
    try:
        written = date(year, month, day)
    except ValueError:
        return  # not a calendar day (2026-02-30): pydantic's own parser says so
    supported_day(written)


def _iso_date(value: Any) -> Any:
    # Pydantic's lax mode reads 0 or "1700000000" as a Unix time; a date here is YYYY-MM-DD.
    if isinstance(value, datetime):
        _in_range(value.year, value.month, value.day)
        return value
    if isinstance(value, date):
        return supported_day(value)
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        year, month, day = value.strip().split("-")
        _in_range(int(year), int(month), int(day))
        return value
    raise ValueError("a date is written YYYY-MM-DD")


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, datetime):
        _in_range(value.year, value.month, value.day)
        return value
    if isinstance(value, str) and _ISO_DATETIME.match(value.strip()):
        text = value.strip()
        _in_range(int(text[0:4]), int(text[5:7]), int(text[8:10]))
        return value
    raise ValueError("a time is written as RFC 3339 with an offset, 2026-03-14T09:30:00+08:00")


def _boolean(value: Any) -> Any:
    # Lax mode takes 0, 1, "yes" or "off" for a boolean; JSON has true and false.
    if isinstance(value, bool):
        return value
    raise ValueError("a boolean is true or false")


def _integer(value: Any) -> Any:
    # Lax mode takes true as 1; a count or a rank is a number.
    if isinstance(value, bool):
        raise ValueError("a number, not true or false")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A date that only ``YYYY-MM-DD`` spells, in the supported range (for query and path
parameters; request bodies check every date field so)."""


def _scalar_check(annotation: Any) -> Any:
    """The strict check for a field of type date, datetime, bool or int (optional or not)."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        if len(kinds) != 1:
            return None
        return _scalar_check(kinds[0])
    if annotation in (AwareDatetime, NaiveDatetime, PastDatetime, FutureDatetime):
        return _iso_datetime
    if isinstance(annotation, type):
        if issubclass(annotation, datetime):
            return _iso_datetime
        if issubclass(annotation, date):
            return _iso_date
        if annotation is bool:
            return _boolean
        if annotation is int:
            return _integer
    return None


class RequestModel(BaseModel):
    """Request bodies reject unknown fields: a typo is an error, not silently ignored. Dates,
    times and booleans are read strictly (no Unix times, no 0 for false)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _strict_scalars(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or info.field_name is None:
            return value
        if isinstance(value, str) and "\x00" in value:
            # Postgres text cannot hold U+0000; refuse it here rather than fail on insert.
            raise ValueError("text may not contain the NUL character (U+0000)")
        check = _scalar_check(cls.model_fields[info.field_name].annotation)
        return value if check is None else check(value)


_EXAMPLES: dict[str, list[tuple[dict[str, Any], ...]]] = {}
"""Each titled model's examples as written, nulls and all (see ``restore_example_nulls``)."""


def examples(*values: dict[str, Any], **config: Any) -> ConfigDict:
    """A model's config carrying its examples: shown in the docs, and each one checked against
    the model's own schema (Spectral checks the first, the OpenAPI ``example``; the contract
    tests check them all), so an example may not leave out a required field, even a nullable
    one. Other config (``from_attributes=True``) goes beside them."""

    def extra(schema: dict[str, Any], cls: type) -> None:
        schema["example"] = values[0]
        if len(values) > 1:
            schema["examples"] = list(values)
        _EXAMPLES.setdefault(str(schema.get("title", cls.__name__)), []).append(values)

    config["json_schema_extra"] = extra
    return ConfigDict(**config)  # type: ignore[typeddict-item,no-any-return]


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def restore_example_nulls(document: dict[str, Any]) -> None:
    """FastAPI writes its document without nulls, the nulls of examples included, so an example
    that gives a nullable required field its ``null`` would lose it and fail its own schema.
    Put back each component schema's examples as its model wrote them."""
    for schema in document.get("components", {}).get("schemas", {}).values():
        for values in _EXAMPLES.get(str(schema.get("title")), []):
            if _without_nulls(values[0]) == schema.get("example"):
                schema["example"] = values[0]
                if len(values) > 1:
                    schema["examples"] = list(values)
                break


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next one."""

    model_config = examples(
        {"items": [], "next_cursor": "WyIyMDI2LTAxLTA1VDA5OjAwOjAwKzAwOjAwIiwiNmExZCJd"}
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
        # An instant outside the supported range (one at the very end of the calendar cannot
        # even be sent to Postgres) was not issued here.
        position = datetime.fromisoformat(created_at)
        supported_day(position.date())
    except ValueError as exc:
        raise Unprocessable("the cursor is not one this API issued") from exc
    return position, row_id


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


async def organisation_today(request: Request) -> date:
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
