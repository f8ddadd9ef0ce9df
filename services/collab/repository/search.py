"""What every token search shares (knowledge articles, tickets, meetings): the match on a
GIN-indexed ``search_tokens`` column and the relevance it is ranked by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, cast, func, literal
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

RANK_NORMALISATION = 32
"""``ts_rank_cd``'s rank / (rank + 1): below 1, so an exact title match always ranks first."""


@dataclass(frozen=True)
class TextSearch:
    """A search as ``collab.service.search_tokens`` reads it: the tsquery literal, and the
    normalised text an exact title match equals."""

    tsquery: str
    title: str


def no_relevance() -> ColumnElement[Any]:
    """The relevance of every row of a list read without a search."""
    return literal(0)


def matching(
    tokens: QueryableAttribute[Any], title: QueryableAttribute[Any], search: TextSearch
) -> tuple[ColumnElement[bool], ColumnElement[Any]]:
    """The condition that ``tokens`` hold every part of ``search`` (served by their GIN
    index), and the relevance: 1 for an exact (normalised) ``title`` match, plus the cover
    density of the search's tokens (``ts_rank_cd``, title tokens weighted A, scaled into
    [0, 1))."""
    searched = cast(literal(search.tsquery), TSQUERY)
    condition: ColumnElement[bool] = tokens.bool_op("@@")(searched)
    relevance = case((title == search.title, 1), else_=0) + func.ts_rank_cd(
        tokens, searched, RANK_NORMALISATION
    )
    return condition, relevance
