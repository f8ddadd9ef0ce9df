"""Queries on performance's copies of goals' org (members, units), scorecard templates,
indicator inputs, collab requests and live scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from performance.models import (
    CollabRequest,
    IndicatorInput,
    LiveScore,
    MemberCopy,
    OrgUnitCopy,
    ScorecardTemplate,
)
from shared.locks import namespace_id
from shared.paging import Column, PageQuery

TEMPLATE_SET_LOCK = "performance.scorecard-templates"


async def get_org_unit(session: AsyncSession, *, unit_id: str) -> OrgUnitCopy | None:
    return await session.get(OrgUnitCopy, unit_id)


async def get_member(session: AsyncSession, *, member_id: str) -> MemberCopy | None:
    return await session.get(MemberCopy, member_id)


async def members_by_ids(
    session: AsyncSession, *, member_ids: Iterable[str]
) -> dict[str, MemberCopy]:
    wanted = list(set(member_ids))
    if not wanted:
        return {}
    rows = await session.scalars(select(MemberCopy).where(MemberCopy.id.in_(wanted)))
    return {row.id: row for row in rows}


async def members(session: AsyncSession) -> list[MemberCopy]:
    return list((await session.scalars(select(MemberCopy).order_by(MemberCopy.id))).all())


async def members_under(session: AsyncSession, *, unit_ids: Iterable[str]) -> list[MemberCopy]:
    """Members whose unit path passes through any of ``unit_ids`` (their subtrees)."""
    units = set(unit_ids)
    if not units:
        return []
    return [m for m in await members(session) if units & set(m.unit_path or [m.home_unit_id])]


# ----------------------------------------------------------------------------- scorecards


async def lock_template_set(session: AsyncSession, *, exclusive: bool) -> None:
    """Hold the set of scorecard templates until the transaction ends: shared by scorers,
    exclusive by a change of the set (a new template)."""
    take = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await session.execute(
        text(f"SELECT {take}(:namespace, 0)"), {"namespace": namespace_id(TEMPLATE_SET_LOCK)}
    )


async def current_templates(session: AsyncSession) -> list[ScorecardTemplate]:
    rows = await session.scalars(
        select(ScorecardTemplate)
        .where(ScorecardTemplate.current)
        .order_by(ScorecardTemplate.created_at)
    )
    return list(rows.all())


TEMPLATE_COLUMNS: dict[str, Column] = {
    "created_at": ScorecardTemplate.created_at,
    "key": ScorecardTemplate.key,
    "name": ScorecardTemplate.name,
}
TEMPLATE_SORTS = tuple(TEMPLATE_COLUMNS)


async def current_templates_page(
    session: AsyncSession, *, page: PageQuery
) -> tuple[list[ScorecardTemplate], str | None]:
    """One page of the current templates, in the page's order."""
    return await page.fetch(
        session,
        select(ScorecardTemplate).where(ScorecardTemplate.current),
        TEMPLATE_COLUMNS,
        ScorecardTemplate.id,
    )


async def latest_version(session: AsyncSession, *, key: str) -> int:
    return int(
        await session.scalar(
            select(func.coalesce(func.max(ScorecardTemplate.version), 0)).where(
                ScorecardTemplate.key == key
            )
        )
        or 0
    )


async def retire_template(session: AsyncSession, *, key: str) -> None:
    await session.execute(
        update(ScorecardTemplate).where(ScorecardTemplate.key == key).values(current=False)
    )


async def get_input(
    session: AsyncSession, *, member_id: str, month: str, source: str, for_update: bool = False
) -> IndicatorInput | None:
    return await session.get(IndicatorInput, (member_id, month, source), with_for_update=for_update)


async def inputs_of(
    session: AsyncSession, *, member_id: str, month: str
) -> dict[str, IndicatorInput]:
    rows = await session.scalars(
        select(IndicatorInput).where(
            IndicatorInput.member_id == member_id, IndicatorInput.month == month
        )
    )
    return {row.source: row for row in rows}


async def inputs_by_key(
    session: AsyncSession, *, keys: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str, str], IndicatorInput]:
    """The inputs of these (member, month, source) keys, locked for update."""
    wanted = list(set(keys))
    if not wanted:
        return {}
    rows = await session.scalars(
        select(IndicatorInput)
        .where(
            tuple_(IndicatorInput.member_id, IndicatorInput.month, IndicatorInput.source).in_(
                wanted
            )
        )
        .with_for_update()
    )
    return {(row.member_id, row.month, row.source): row for row in rows}


async def inputs_of_months(
    session: AsyncSession, *, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, IndicatorInput]]:
    """Every input of these (member, month) pairs, by pair and source."""
    wanted = list(set(pairs))
    found: dict[tuple[str, str], dict[str, IndicatorInput]] = defaultdict(dict)
    if wanted:
        rows = await session.scalars(
            select(IndicatorInput).where(
                tuple_(IndicatorInput.member_id, IndicatorInput.month).in_(wanted)
            )
        )
        for row in rows:
            found[(row.member_id, row.month)][row.source] = row
    return found


async def months_with_inputs_of(
    session: AsyncSession, member_ids: Iterable[str]
) -> list[tuple[str, str]]:
    """Every (member, month) with an input, of these members."""
    wanted = list(set(member_ids))
    if not wanted:
        return []
    rows = await session.execute(
        select(IndicatorInput.member_id, IndicatorInput.month)
        .distinct()
        .where(IndicatorInput.member_id.in_(wanted))
    )
    return sorted((member_id, month) for member_id, month in rows.all())


async def get_collab_request(session: AsyncSession, *, ticket_id: str) -> CollabRequest | None:
    return await session.get(CollabRequest, ticket_id, with_for_update=True)


async def collab_counts(
    session: AsyncSession, *, member_id: str, month: str
) -> tuple[int, int, list[str]]:
    rows = (
        await session.scalars(
            select(CollabRequest)
            .where(CollabRequest.member_id == member_id, CollabRequest.month == month)
            .order_by(CollabRequest.ticket_id)
        )
    ).all()
    events = [e for row in rows for e in row.event_ids]
    return sum(1 for r in rows if r.within_sla), len(rows), events


async def get_score(
    session: AsyncSession, *, member_id: str, month: str, for_update: bool = False
) -> LiveScore | None:
    return await session.get(LiveScore, (member_id, month), with_for_update=for_update)


async def scores_by_pair(
    session: AsyncSession, *, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], LiveScore]:
    """The live scores of these (member, month) pairs, locked for update."""
    wanted = list(set(pairs))
    if not wanted:
        return {}
    rows = await session.scalars(
        select(LiveScore)
        .where(tuple_(LiveScore.member_id, LiveScore.month).in_(wanted))
        .with_for_update()
    )
    return {(row.member_id, row.month): row for row in rows}


async def scores_in(
    session: AsyncSession, *, member_id: str, months: Iterable[str]
) -> list[LiveScore]:
    rows = await session.scalars(
        select(LiveScore)
        .where(LiveScore.member_id == member_id, LiveScore.month.in_(list(months)))
        .order_by(LiveScore.month)
    )
    return list(rows.all())


async def scores_of(
    session: AsyncSession, *, member_ids: set[str], months: Iterable[str]
) -> dict[str, list[LiveScore]]:
    """Many members' scores in the months, by member, each list in month order."""
    found: dict[str, list[LiveScore]] = defaultdict(list)
    rows = await session.scalars(
        select(LiveScore)
        .where(LiveScore.member_id.in_(member_ids), LiveScore.month.in_(list(months)))
        .order_by(LiveScore.member_id, LiveScore.month)
    )
    for row in rows:
        found[row.member_id].append(row)
    return found


async def scored_pairs(
    session: AsyncSession, *, member_ids: Iterable[str]
) -> list[tuple[str, str]]:
    """Every (member, month) with a live score, of these members."""
    wanted = list(set(member_ids))
    if not wanted:
        return []
    rows = await session.execute(
        select(LiveScore.member_id, LiveScore.month).where(LiveScore.member_id.in_(wanted))
    )
    return [(member_id, month) for member_id, month in rows.all()]


async def scores_of_member(session: AsyncSession, *, member_id: str) -> list[LiveScore]:
    """Every live score of a member, by month."""
    rows = await session.scalars(
        select(LiveScore).where(LiveScore.member_id == member_id).order_by(LiveScore.month)
    )
    return list(rows.all())
