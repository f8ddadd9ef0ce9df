"""Scorecard templates and live monthly scores: the flows that write them.

An indicator turns its input (a KPI's attainment, or the share of requests answered within
the SLA) into points along its curve; the score is the sum of weight x points (the pure
rules are in ``scorecards``). Every score keeps its explanation: each indicator's input,
points, weight, contribution, the template version and the events behind the input.

A live score is derived state: it is right only if it is computed after every other writer
of its inputs has committed. Every writer (a KPI figure, a collab ticket, a member's change,
a new template) therefore first takes the lock of each member it rescores (``lock_scoring``)
and only then reads anything; see ``shared.locks``. Locks are always taken in one order, so
that two writers never wait on each other in a cycle: a ticket's request, then the template
set, then the members."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.events import ScoreComputed, ScoreLine, outbox
from performance.models import CollabRequest, IndicatorInput, LiveScore, ScorecardTemplate
from performance.schemas import IndicatorLine, ScoreRead, TemplateCreate
from performance.service.access import require_hr, require_member_visible
from performance.service.scorecards import (
    COLLAB_SOURCE,
    answered_share,
    q6,
    score_sheet,
    template_for,
)
from shared.auth import Principal
from shared.errors import NotFound
from shared.locks import lock_keys

# One key per member, not per member and month: a member's change and a new template rescore
# every month of a member, months that must be known (read) only after the lock is held.
SCORE_LOCKS = "performance.live-score"
# Two events of one ticket (a breach, then the resolution) write the same request row.
REQUEST_LOCKS = "performance.collab-request"
_HELD = "performance.live-score-locks"


def _held(session: AsyncSession) -> set[str]:
    """The members whose scoring lock this session's current transaction holds."""
    transaction = session.sync_session.get_transaction()
    held = session.info.get(_HELD)
    if held is None or held[0] is not transaction:
        held = session.info[_HELD] = (transaction, set())
    members: set[str] = held[1]
    return members


async def _lock_members(session: AsyncSession, member_ids: Iterable[str]) -> None:
    members = set(member_ids)
    await lock_keys(session, SCORE_LOCKS, members)
    _held(session).update(members)


async def lock_scoring(session: AsyncSession, member_ids: Iterable[str]) -> None:
    """Wait for, and hold until the transaction ends, the right to rescore these members
    (and to write their inputs). Take it once per transaction, with every member, before
    reading anything a score is computed from: under READ COMMITTED every later statement
    sees what the previous holder committed, so the last writer computes the final score.

    The template set is held shared: a new template (``lock_all_scoring``) waits for the
    scorers running and makes new ones wait, so no score is computed from a template set
    that is about to change without being rescored after the change."""
    await repository.lock_template_set(session, exclusive=False)
    await _lock_members(session, member_ids)


async def lock_all_scoring(session: AsyncSession) -> list[str]:
    """For a change of the template set: hold the template set exclusively (no scorer runs
    meanwhile), then every known member's lock; returns those members."""
    await repository.lock_template_set(session, exclusive=True)
    members = [member.id for member in await repository.members(session)]
    await _lock_members(session, members)
    return members


async def create_template(
    session: AsyncSession, *, principal: Principal, body: TemplateCreate
) -> ScorecardTemplate:
    """A new template, or a new version of one: the old version stays for old scores.
    Every member's scores are recomputed with the new set of templates."""
    require_hr(principal)
    # Before the version is read: two new versions of one key are serialised too.
    members = await lock_all_scoring(session)
    version = await repository.latest_version(session, key=body.key) + 1
    await repository.retire_template(session, key=body.key)
    template: ScorecardTemplate = await repository.add(
        session,
        row=ScorecardTemplate(
            id=str(uuid.uuid4()),
            key=body.key,
            version=version,
            name=body.name,
            population=body.population.model_dump(mode="json"),
            indicators=[i.model_dump(mode="json") for i in body.indicators],
            current=True,
            created_by=principal.member_id,
        ),
    )
    for member_id in members:
        for month in await repository.months_with_inputs(session, member_id=member_id):
            await recompute(session, member_id=member_id, month=month)
    return template


async def recompute(session: AsyncSession, *, member_id: str, month: str) -> LiveScore | None:
    """Recompute one member's score for one month; publish ``ScoreComputed`` if it changed.
    The caller holds the member's lock (``lock_scoring``).

    Without the member's copy (their ``MemberChanged`` has not arrived) there is no
    template to score with: the inputs wait, and the score follows the member event."""
    if member_id not in _held(session):
        raise RuntimeError(f"rescoring {member_id} without holding its lock (lock_scoring)")
    member = await repository.get_member(session, member_id=member_id)
    if member is None:
        return None
    template = template_for(await repository.current_templates(session), member)
    if template is None:
        return None
    inputs = await repository.inputs_of(session, member_id=member_id, month=month)
    sheet = score_sheet(template, inputs)
    explanation = sheet.explanation(template)
    existing = await repository.get_score(
        session, member_id=member_id, month=month, for_update=True
    )
    if (
        existing is not None
        and existing.score == sheet.score
        and existing.template_id == template.id
        and existing.explanation == explanation
    ):
        return existing
    if existing is None:
        existing = await repository.add(
            session,
            row=LiveScore(
                member_id=member_id,
                month=month,
                score=sheet.score,
                template_id=template.id,
                template_version=template.version,
                explanation=explanation,
                revision=1,
            ),
        )
    else:
        existing.score, existing.template_id = sheet.score, template.id
        existing.template_version, existing.explanation = template.version, explanation
        existing.revision += 1
        await session.flush()
    await outbox.publish(
        session,
        ScoreComputed(
            member_id=member_id,
            month=month,
            score=sheet.score,
            revision=existing.revision,
            template_key=template.key,
            template_version=template.version,
            indicators=[
                ScoreLine(
                    code=line.code,
                    input=line.input,
                    points=line.points,
                    weight=line.weight,
                    contribution=line.contribution,
                    events=line.events,
                )
                for line in sheet.lines
            ],
        ),
    )
    return existing


def _older(found: IndicatorInput, *, version: int | None, event_time: datetime) -> bool:
    """Whether a figure is older than the one ``found`` holds."""
    if version is not None and found.source_version is not None:
        return version < found.source_version
    return found.last_event_time is not None and event_time < found.last_event_time


async def record_kpi(
    session: AsyncSession,
    *,
    member_id: str,
    month: str,
    kpi: str,
    attainment: Decimal | None,
    event_id: str,
    event_time: datetime,
    version: int | None = None,
) -> None:
    """Keep a member's latest attainment of a KPI for the month, then rescore. The figure's
    version says which is newer; the event time only where a version is missing."""
    await lock_scoring(session, [member_id])
    source = f"kpi:{kpi}"
    value = None if attainment is None else q6(attainment)
    found = await repository.get_input(
        session, member_id=member_id, month=month, source=source, for_update=True
    )
    if found is None:
        await repository.add(
            session,
            row=IndicatorInput(
                member_id=member_id,
                month=month,
                source=source,
                value=value,
                event_ids=[event_id],
                last_event_time=event_time,
                source_version=version,
            ),
        )
    elif _older(found, version=version, event_time=event_time):
        return  # an older figure arriving late: the newer one stands
    else:
        found.value = value
        found.event_ids = [*found.event_ids, event_id][-20:]
        found.last_event_time = event_time
        found.source_version = version
        await session.flush()
    await recompute(session, member_id=member_id, month=month)


async def record_request(
    session: AsyncSession,
    *,
    ticket_id: str,
    member_id: str,
    month: str,
    within_sla: bool,
    event_id: str,
) -> None:
    """A request answered (or breached) by a member: the collaboration indicator's input is
    the month's share answered within the SLA; a breach is final for its ticket. A request
    counts for the member and month of its first event."""
    await lock_keys(session, REQUEST_LOCKS, [ticket_id])
    request = await repository.get_collab_request(session, ticket_id=ticket_id)
    if request is not None:
        # A later event of the ticket (resolved after its breach, in another month or by
        # another assignee) changes the request where it was first counted.
        member_id, month = request.member_id, request.month
    await lock_scoring(session, [member_id])
    if request is None:
        await repository.add(
            session,
            row=CollabRequest(
                ticket_id=ticket_id,
                member_id=member_id,
                month=month,
                within_sla=within_sla,
                event_ids=[event_id],
            ),
        )
    else:
        request.within_sla = request.within_sla and within_sla
        request.event_ids = [*request.event_ids, event_id]
        await session.flush()
    in_sla, total, events = await repository.collab_counts(
        session, member_id=member_id, month=month
    )
    found = await repository.get_input(
        session, member_id=member_id, month=month, source=COLLAB_SOURCE, for_update=True
    )
    share = answered_share(in_sla, total)
    if found is None:
        await repository.add(
            session,
            row=IndicatorInput(
                member_id=member_id,
                month=month,
                source=COLLAB_SOURCE,
                value=share,
                answered_in_sla=in_sla,
                requests=total,
                event_ids=events[-20:],
            ),
        )
    else:
        found.value, found.answered_in_sla, found.requests = share, in_sla, total
        found.event_ids = events[-20:]
        await session.flush()
    await recompute(session, member_id=member_id, month=month)


async def get_score(
    session: AsyncSession, *, principal: Principal, member_id: str, month: str
) -> ScoreRead:
    """A member's live score for a month, with its explanation."""
    await require_member_visible(session, principal, member_id)
    score = await repository.get_score(session, member_id=member_id, month=month)
    if score is None:
        raise NotFound(f"no score for {member_id} in {month}")
    return ScoreRead(
        member_id=score.member_id,
        month=score.month,
        score=score.score,
        revision=score.revision,
        template_id=score.template_id,
        template_key=score.explanation.get("template_key", ""),
        template_version=score.template_version,
        indicators=[
            IndicatorLine.model_validate(line) for line in score.explanation.get("indicators", [])
        ],
        formula="score = sum of weight x points; points follow each indicator's curve",
    )
