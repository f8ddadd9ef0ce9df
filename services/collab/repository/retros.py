"""Queries on retrospectives and the knowledge base."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from collab.models import (
    KnowledgeArticle,
    Retrospective,
)
from collab.repository.rows import one
from collab.repository.search import TextSearch, matching, no_relevance
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
ArticleSearch = TextSearch


def article_search_statement(
    *, search: ArticleSearch | None, category: str | None, page: PageQuery
) -> Select[Any]:
    """The statement ``search_articles`` runs (one page plus one row): the GIN index on
    ``search_tokens`` serves the match."""
    statement = select(KnowledgeArticle)
    relevance = no_relevance()
    if search is not None:
        condition, relevance = matching(
            KnowledgeArticle.search_tokens, KnowledgeArticle.search_title, search
        )
        statement = statement.where(condition)
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
