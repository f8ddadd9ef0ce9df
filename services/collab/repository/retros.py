"""Queries on retrospectives and the knowledge base."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, literal, select
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
"""``relevance`` is the trigram similarity of an article to the search's terms."""


async def search_articles(
    session: AsyncSession,
    *,
    terms: Sequence[str],
    category: str | None,
    page: PageQuery,
) -> tuple[list[KnowledgeArticle], str | None]:
    """Articles whose normalised text contains every term (substring: works for Chinese
    without spaces); ``relevance`` is their trigram similarity to the terms."""
    statement = select(KnowledgeArticle)
    for term in terms:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(KnowledgeArticle.search_text.like(f"%{escaped}%", escape="\\"))
    if category is not None:
        statement = statement.where(KnowledgeArticle.category == category)
    relevance: ColumnElement[Any] = (
        func.similarity(KnowledgeArticle.search_text, " ".join(terms)) if terms else literal(0)
    )
    columns: dict[str, Column] = {
        "relevance": relevance,
        "created_at": KnowledgeArticle.created_at,
        "title": KnowledgeArticle.title,
    }
    return await page.fetch(session, statement, columns, KnowledgeArticle.id)
