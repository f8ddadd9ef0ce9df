"""Project retrospectives (due a few days after a project ends), and the knowledge base they
are filed in, searched through a token index (``search_tokens``: CJK unigrams and bigrams,
words), so Chinese needs no spaces and one- and two-character words are found."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.models import KnowledgeArticle, Retrospective
from collab.schemas import ActionItemRead, ArticleCreate, RetroCreate, RetroFile, RetroRead
from collab.service.access import Scope, may_manage_unit, require_unit_manager, scope_of
from collab.service.meetings import check_actions, new_action_item
from collab.service.references import References
from collab.service.search_tokens import normalise, query, vector
from collab.settings import Settings
from shared.access import hidden
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound, invalid
from shared.paging import PageQuery
from shared.periods import LAST_DAY, SUPPORTED_RANGE

FILED = "filed"


def new_article(
    *, title: str, body: str, category: str, retrospective_id: str | None, created_by: str
) -> KnowledgeArticle:
    """An article row with its search columns filled the one way search reads them."""
    return KnowledgeArticle(
        id=str(uuid.uuid4()),
        title=title,
        body=body,
        category=category,
        retrospective_id=retrospective_id,
        search_title=normalise(title),
        search_tokens=vector(title, body),
        created_by=created_by,
    )


async def create_retro(
    session: AsyncSession,
    *,
    principal: Principal,
    settings: Settings,
    body: RetroCreate,
    today: date,
) -> Retrospective:
    """Plan a retrospective; its facilitator is a member collab knows, still here today."""
    scope = await scope_of(session, principal)
    require_unit_manager(scope, body.unit_id, "plan a unit's retrospective")
    references = References()
    await references.members(
        session,
        [(("body", "facilitator_id"), body.facilitator_id)],
        on=today,
        when=f"today, {today.isoformat()}",
    )
    references.raise_any()
    due_on = body.ended_on + timedelta(days=settings.retro_due_days)
    if due_on > LAST_DAY:
        raise invalid(
            "ended_on",
            f"the retrospective would be due on {due_on.isoformat()}, after the supported "
            f"range ({SUPPORTED_RANGE})",
        )
    retro: Retrospective = await repository.add(
        session,
        row=Retrospective(
            id=str(uuid.uuid4()),
            project=body.project,
            unit_id=body.unit_id,
            ended_on=body.ended_on,
            due_on=due_on,
            facilitator_id=body.facilitator_id,
            status="due",
            created_by=principal.member_id,
        ),
    )
    return retro


def _may_see(scope: Scope, retro: Retrospective) -> bool:
    return (
        scope.everything or retro.unit_id in scope.units or scope.member_id == retro.facilitator_id
    )


async def _find_retro(
    session: AsyncSession, scope: Scope, retro_id: str, *, for_update: bool = False
) -> Retrospective:
    retro = await repository.get_retro(session, retro_id=retro_id, for_update=for_update)
    if retro is None or not _may_see(scope, retro):
        raise hidden()
    return retro


async def get_retro(session: AsyncSession, *, principal: Principal, retro_id: str) -> Retrospective:
    """A retro, for its unit (a manager: and the units above it), its facilitator, HR."""
    return await _find_retro(session, await scope_of(session, principal), retro_id)


def _article_body(body: RetroFile) -> str:
    changes = "\n".join(f"- {c.title} ({c.owner_id}, {c.due_on})" for c in body.process_changes)
    return (
        f"What worked:\n{body.what_worked}\n\nWhat failed:\n{body.what_failed}\n\n"
        f"Process changes:\n{changes or '-'}"
    )


async def file_retro(
    session: AsyncSession,
    *,
    principal: Principal,
    retro_id: str,
    body: RetroFile,
    now: datetime,
    today: date,
) -> Retrospective:
    """Record the retro, file it in the knowledge base, track its process changes. Not
    before the project ends; each change owned by a member still here, due from today on."""
    scope = await scope_of(session, principal)
    retro = await _find_retro(session, scope, retro_id, for_update=True)
    if principal.member_id != retro.facilitator_id and not may_manage_unit(scope, retro.unit_id):
        raise Forbidden("the facilitator or the unit's manager files the retro")
    if retro.status == FILED:
        raise Conflict("this retrospective is filed already")
    references = References()
    if today < retro.ended_on:
        references.refuse(
            ("path", "retro_id"),
            f"the project ends on {retro.ended_on.isoformat()} (the retrospective's "
            f"ended_on): its retrospective is filed from that day on, not today "
            f"({today.isoformat()})",
            "project_not_ended",
        )
    await check_actions(
        session,
        references,
        "process_changes",
        body.process_changes,
        today=today,
        not_before=today,
        not_before_is=f"the day it is filed, {today.isoformat()}",
    )
    references.raise_any()
    title = f"Retrospective: {retro.project}"
    text = _article_body(body)
    article = await repository.add(
        session,
        row=new_article(
            title=title,
            body=text,
            category=body.category,
            retrospective_id=retro.id,
            created_by=principal.member_id,
        ),
    )
    for change in body.process_changes:
        await repository.add(
            session, row=new_action_item(principal, "retrospective", retro.id, change)
        )
    retro.what_worked = body.what_worked
    retro.what_failed = body.what_failed
    retro.category = body.category
    retro.article_id = article.id
    retro.status = FILED
    retro.filed_at = now
    retro.filed_by = principal.member_id
    await session.flush()
    return retro


async def overdue(
    session: AsyncSession, *, principal: Principal, today: date, page: PageQuery
) -> tuple[list[Retrospective], str | None]:
    """Retros past their due date and not filed: all for HR and admins, else your units'
    (a manager's: with the units below them)."""
    scope = await scope_of(session, principal)
    units = None if scope.everything else sorted(scope.units)
    return await repository.overdue_retros(session, today=today, unit_ids=units, page=page)


async def to_read(session: AsyncSession, retro: Retrospective, today: date) -> RetroRead:
    actions = await repository.actions_of(session, source_ids=[retro.id])
    return RetroRead(
        id=retro.id,
        project=retro.project,
        unit_id=retro.unit_id,
        ended_on=retro.ended_on,
        due_on=retro.due_on,
        facilitator_id=retro.facilitator_id,
        status=retro.status,
        overdue=retro.status != FILED and retro.due_on < today,
        what_worked=retro.what_worked,
        what_failed=retro.what_failed,
        category=retro.category,
        article_id=retro.article_id,
        filed_at=retro.filed_at,
        action_items=[ActionItemRead.model_validate(a) for a in actions],
    )


async def create_article(
    session: AsyncSession, *, principal: Principal, body: ArticleCreate
) -> KnowledgeArticle:
    article: KnowledgeArticle = await repository.add(
        session,
        row=new_article(
            title=body.title,
            body=body.body,
            category=body.category,
            retrospective_id=None,
            created_by=principal.member_id,
        ),
    )
    return article


async def get_article(session: AsyncSession, *, article_id: str) -> KnowledgeArticle:
    article = await repository.get_article(session, article_id=article_id)
    if article is None:
        raise NotFound(f"article {article_id} does not exist")
    return article


async def search(
    session: AsyncSession, *, text: str | None, category: str | None, page: PageQuery
) -> tuple[list[KnowledgeArticle], str | None]:
    """One page of the articles holding every part of ``text`` (a Chinese run as a contiguous
    run, a word as a prefix), best first; every article when ``text`` is blank, none when it
    has nothing to search for (only punctuation)."""
    if text is None or not text.strip():
        return await repository.search_articles(session, search=None, category=category, page=page)
    searched = query(text)
    if searched is None:
        return [], None
    search = repository.ArticleSearch(tsquery=searched, title=normalise(text))
    return await repository.search_articles(session, search=search, category=category, page=page)
