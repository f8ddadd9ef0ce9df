"""Retrospectives and the knowledge base."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from collab import repository
from collab.api.deps import NowDep, SettingsDep, TodayDep
from collab.schemas import ArticleCreate, ArticleRead, RetroCreate, RetroFile, RetroRead
from collab.schemas.common import Code
from collab.service import retros
from shared.api import Page
from shared.auth import CurrentPrincipal
from shared.db import SessionDep
from shared.paging import PageQuery, page_query

router = APIRouter()
RetroPage = Annotated[
    PageQuery,
    Depends(page_query(sortable=repository.RETRO_SORTS, default="due_on")),
]
ArticlePage = Annotated[
    PageQuery,
    Depends(page_query(sortable=repository.ARTICLE_SORTS, default="-relevance,-created_at")),
]


@router.post("/retrospectives", status_code=201, tags=["retrospectives"], response_model=RetroRead)
async def create_retro(
    body: RetroCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    today: TodayDep,
    response: Response,
) -> RetroRead:
    """Plan a project's retrospective; it is due 3 days (configurable) after the end. A
    facilitator who is not a member collab knows, or has left, is refused (422)."""
    retro = await retros.create_retro(
        session, principal=principal, settings=settings, body=body, today=today
    )
    response.headers["Location"] = f"/collab/retrospectives/{retro.id}"
    return await retros.to_read(session, retro, today)


@router.get("/retrospectives/overdue", tags=["retrospectives"], response_model=Page[RetroRead])
async def overdue(
    session: SessionDep, principal: CurrentPrincipal, today: TodayDep, page: RetroPage
) -> Page[RetroRead]:
    """Retrospectives past their due date and not filed (your units', or all for HR), the
    longest overdue first unless ``sort`` says otherwise."""
    found, next_cursor = await retros.overdue(session, principal=principal, today=today, page=page)
    return Page[RetroRead](
        items=[await retros.to_read(session, r, today) for r in found], next_cursor=next_cursor
    )


@router.get("/retrospectives/{retro_id}", tags=["retrospectives"], response_model=RetroRead)
async def get_retro(
    retro_id: str, session: SessionDep, principal: CurrentPrincipal, today: TodayDep
) -> RetroRead:
    """A retrospective, its state and its tracked process changes."""
    retro = await retros.get_retro(session, principal=principal, retro_id=retro_id)
    return await retros.to_read(session, retro, today)


@router.post("/retrospectives/{retro_id}/file", tags=["retrospectives"], response_model=RetroRead)
async def file_retro(
    retro_id: str,
    body: RetroFile,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: NowDep,
    today: TodayDep,
) -> RetroRead:
    """Record what worked, what failed and the process changes (tracked as actions), and
    file it in the knowledge base. Refused (422 naming the field) before the project ends
    (``["path", "retro_id"]``), for a change owner who is not a member or has left, and for
    a change due before today."""
    retro = await retros.file_retro(
        session, principal=principal, retro_id=retro_id, body=body, now=now, today=today
    )
    return await retros.to_read(session, retro, today)


@router.post("/knowledge-articles", status_code=201, tags=["knowledge"], response_model=ArticleRead)
async def create_article(
    body: ArticleCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> ArticleRead:
    """Add an article to the knowledge base."""
    article = await retros.create_article(session, principal=principal, body=body)
    response.headers["Location"] = f"/collab/knowledge-articles/{article.id}"
    return ArticleRead.model_validate(article)


@router.get("/knowledge-articles", tags=["knowledge"], response_model=Page[ArticleRead])
async def search_articles(
    session: SessionDep,
    page: ArticlePage,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words or a phrase; every part must appear (see the operation)",
        ),
    ] = None,
    category: Annotated[Code | None, Query(description="Only this category")] = None,
) -> Page[ArticleRead]:
    """Search the knowledge base; best matches (``relevance``) first, then the newest, unless
    ``sort`` says otherwise.

    Title and body are indexed as tokens: text is NFKC-normalised and case-folded (full-width
    and case do not matter); a run of Chinese (or other CJK) characters gives each character
    and each overlapping pair, other letters and digits give words. ``q`` is read the same
    way and every part must appear: one Chinese character finds it anywhere, two find that
    word (``营销`` inside ``数字营销复盘``), a longer run finds only that contiguous run
    (``营销活动``), an English word finds words starting with it (``spec``: ``specs``), a
    number finds that number. An article whose whole title is ``q`` ranks first; title
    matches rank above body matches. A ``q`` of punctuation only finds nothing."""
    found, next_cursor = await retros.search(session, text=q, category=category, page=page)
    return Page[ArticleRead](
        items=[ArticleRead.model_validate(a) for a in found], next_cursor=next_cursor
    )


@router.get("/knowledge-articles/{article_id}", tags=["knowledge"], response_model=ArticleRead)
async def get_article(article_id: str, session: SessionDep) -> ArticleRead:
    """One article."""
    return ArticleRead.model_validate(await retros.get_article(session, article_id=article_id))
