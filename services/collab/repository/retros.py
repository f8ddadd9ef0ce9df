"""Queries on retrospectives and the knowledge base."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, cast, func, literal, select
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from collab.models import (
    KnowledgeArticle,
    Retrospective,
)
from collab.repository.rows import one
from shared.paging import Column, PageQuery


async def get_retro(
    session: AsyncSession, *, retro_id: str, for_update: bool = False
) -> Retrospective | None:
    return await one(session, Retrospective, Retrospective.id == retro_id, for_update)


RETRO_COLUMNS: dict[str, Column] = {
    "due_on": Retrospective.due_on,
    "ended_on": Retrospective.ended_on,
    "project": Retrospective.project,
}
RETRO_SORTS = tuple(RETRO_COLUMNS)


async def overdue_retros(
    session: AsyncSession, *, today: date, unit_ids: Sequence[str] | None, page: PageQuery
) -> tuple[list[Retrospective], str | None]:
    """Retros not filed by their due date; ``unit_ids`` None means every unit."""
    statement = select(Retrospective).where(
        Retrospective.status != "filed", Retrospective.due_on < today
    )
    if unit_ids is not None:
        statement = statement.where(Retrospective.unit_id.in_(list(unit_ids)))
    return await page.fetch(session, statement, RETRO_COLUMNS, Retrospective.id)


async def get_article(session: AsyncSession, *, article_id: str) -> KnowledgeArticle | None:
    return await session.get(KnowledgeArticle, article_id)


ARTICLE_SORTS = ("relevance", "created_at", "title")
"""``relevance``: 1 for an exact (normalised) title match, plus the cover density of the
search's tokens (``ts_rank_cd``, title tokens weighted A, scaled into [0, 1))."""
RANK_NORMALISATION = 32
"""``ts_rank_cd``'s rank / (rank + 1): below 1, so an exact title match always ranks first."""


@dataclass(frozen=True)
class ArticleSearch:
    """A search as ``collab.service.search_tokens`` reads it: the tsquery literal, and the
    normalised text an exact title match equals."""

    tsquery: str
    title: str


def article_search_statement(
    *, search: ArticleSearch | None, category: str | None, page: PageQuery
) -> Select[Any]:
    """The statement ``search_articles`` runs (one page plus one row): the GIN index on
    ``search_tokens`` serves the match."""
    statement = select(KnowledgeArticle)
    relevance: ColumnElement[Any] = literal(0)
    if search is not None:
        searched = cast(literal(search.tsquery), TSQUERY)
        statement = statement.where(KnowledgeArticle.search_tokens.bool_op("@@")(searched))
        relevance = case(
            (KnowledgeArticle.search_title == search.title, 1), else_=0
        ) + func.ts_rank_cd(KnowledgeArticle.search_tokens, searched, RANK_NORMALISATION)
    if category is not None:
        statement = statement.where(KnowledgeArticle.category == category)
    columns: dict[str, Column] = {
        "relevance": relevance,
        "created_at": KnowledgeArticle.created_at,
        "title": KnowledgeArticle.title,
    }
    return page.apply(statement, columns, KnowledgeArticle.id)


async def search_articles(
    session: AsyncSession,
    *,
    search: ArticleSearch | None,
    category: str | None,
    page: PageQuery,
) -> tuple[list[KnowledgeArticle], str | None]:
    """One page of the articles matching ``search`` (every article when None) in ``category``."""
    statement = article_search_statement(search=search, category=category, page=page)
    found: list[KnowledgeArticle] = list((await session.scalars(statement)).all())
    return page.page(found)
