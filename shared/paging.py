"""Every collection is a page (docs/api.md, "Reading"): ``limit``, ``cursor``, ``sort``.

An endpoint declares what it may be sorted by and its default order, takes the ``PageQuery``
dependency that ``page_query`` builds, and answers with ``Page[...]``: in SQL with
``PageQuery.apply`` and ``PageQuery.page``, or for a list it computed with
``PageQuery.page_of``. The cursor is opaque to clients; it carries the sort it was issued for,
so a cursor sent with another sort is a 422 rather than a silently wrong page.

Lists that grow without bound and are read in order of creation (tickets, members) keep their
keyset cursors (``shared.api.created_page``); they take the same ``limit`` and ``cursor``.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Query
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from shared.api import MAX_PAGE_SIZE, decode_cursor, encode_cursor
from shared.errors import Unprocessable

T = TypeVar("T")
M = TypeVar("M")
DEFAULT_PAGE_SIZE = 50

Column = ColumnElement[Any] | QueryableAttribute[Any]
"""What a page sorts by: a model's attribute (``Plan.created_at``) or any column expression."""

Limit = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, at most {MAX_PAGE_SIZE}")
]
Cursor = Annotated[
    str | None,
    Query(max_length=500, description="`next_cursor` of the previous page; absent for the first"),
]


def _query_error(name: str, message: str) -> Unprocessable:
    return Unprocessable(
        message, errors=[{"loc": ["query", name], "msg": message, "type": "value_error"}]
    )


@dataclass(frozen=True)
class PageQuery:
    limit: int
    offset: int
    sort: tuple[tuple[str, bool], ...]
    """(field, descending) pairs, first key first."""

    @property
    def sort_text(self) -> str:
        return ",".join(("-" if descending else "") + name for name, descending in self.sort)

    def next_cursor(self, fetched: int) -> str | None:
        """The cursor after this page, given how many rows were fetched (``limit + 1`` asked)."""
        if fetched <= self.limit:
            return None
        return encode_cursor(self.sort_text, self.offset + self.limit)

    def apply(
        self, statement: Select[Any], columns: Mapping[str, Column], *tiebreak: Column
    ) -> Select[Any]:
        """``statement`` ordered by the sort (then ``tiebreak``, usually the id, so that the
        order is total), one page of it plus one row to tell whether another page follows."""
        order = [columns[n].desc() if desc else columns[n].asc() for n, desc in self.sort]
        return statement.order_by(*order, *tiebreak).offset(self.offset).limit(self.limit + 1)

    async def fetch(
        self,
        session: AsyncSession,
        statement: Select[M],
        columns: Mapping[str, Column],
        *tiebreak: Column,
    ) -> tuple[list[M], str | None]:
        """One page of the rows ``statement`` selects, in this page's order, and the cursor to
        the next: ``await page.fetch(session, select(Plan).where(...), PLAN_SORTS, Plan.id)``."""
        rows = await session.scalars(self.apply(statement, columns, *tiebreak))
        return self.page(rows.all())

    def page(self, rows: Sequence[T]) -> tuple[list[T], str | None]:
        """The page's items and the next cursor, from the rows ``apply`` fetched."""
        return list(rows[: self.limit]), self.next_cursor(len(rows))

    def page_of(
        self, items: Sequence[T], keys: Mapping[str, Callable[[T], Any]]
    ) -> tuple[list[T], str | None]:
        """One page of a list computed in memory, sorted by the same rules (nulls last)."""
        ordered = list(items)
        for name, descending in reversed(self.sort):
            key = keys[name]
            present = [item for item in ordered if key(item) is not None]
            missing = [item for item in ordered if key(item) is None]
            present.sort(key=key, reverse=descending)
            ordered = present + missing
        window = ordered[self.offset : self.offset + self.limit + 1]
        return self.page(window)


def page_query(sortable: Sequence[str], default: str) -> Callable[..., Awaitable[PageQuery]]:
    """The FastAPI dependency of a collection sortable by ``sortable`` (``default`` when the
    client gives no ``sort``): reads ``limit``, ``cursor`` and ``sort``."""
    allowed = tuple(sortable)
    parse_sort(default, allowed)  # a wrong default is the programmer's error, found at import
    description = (
        "Comma-separated fields, `-` for descending: "
        + ", ".join(f"`{name}`" for name in allowed)
        + f". Default `{default}`."
    )

    # async: FastAPI runs a plain function dependency in a worker thread, per request.
    async def dependency(
        limit: Limit = DEFAULT_PAGE_SIZE,
        cursor: Cursor = None,
        sort: Annotated[str | None, Query(max_length=200, description=description)] = None,
    ) -> PageQuery:
        keys = parse_sort(sort or default, allowed)
        text = ",".join(("-" if d else "") + n for n, d in keys)
        offset = 0
        if cursor is not None:
            issued_for, position = decode_cursor(cursor, 2)
            if issued_for != text or not position.isdigit():
                raise _query_error("cursor", "the cursor was issued for another sort; start again")
            offset = int(position)
        return PageQuery(limit=limit, offset=offset, sort=keys)

    return dependency


def parse_sort(text: str, allowed: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        part = part.strip()
        descending = part.startswith("-")
        name = part.removeprefix("-").removeprefix("+")
        if name not in allowed:
            raise _query_error("sort", f"cannot sort by {name!r}; by one of {', '.join(allowed)}")
        if any(name == seen for seen, _ in keys):
            raise _query_error("sort", f"{name!r} is given twice")
        keys.append((name, descending))
    return tuple(keys)
