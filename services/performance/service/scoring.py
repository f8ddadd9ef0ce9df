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
from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.events import ScoreComputed, ScoreLine, outbox
from performance.models import LiveScore, MemberCopy, ScorecardTemplate
from performance.schemas import IndicatorLine, RescoreRead, ScoreRead, TemplateCreate
from performance.service.access import require_hr, require_member_visible
from performance.service.scorecards import (
    ScoreSheet,
    before_every_version,
    score_sheet,
    template_for,
)
from shared.auth import Principal
from shared.errors import NotFound
from shared.locks import lock_keys
from shared.periods import Period

# One key per member, not per member and month: a member's change and a new template rescore
# every month of a member, months that must be known (read) only after the lock is held.
SCORE_LOCKS = "performance.live-score"
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
    session: AsyncSession, *, principal: Principal, body: TemplateCreate, today: date
) -> ScorecardTemplate:
    """A new template, or a new version of one, effective from ``body.effective_from``
    (default: this month): the old version stays for old scores. Scores of the months from
    the effective month on are recomputed, and so are months with inputs but no score yet
    and months before every other fitting version (no rule was in effect for them); any
    other earlier month keeps the version that made it (history is not rewritten:
    ``rescore`` changes it on purpose)."""
    require_hr(principal)
    effective_from = str(body.effective_from or Period.month_of(today))
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
            effective_from=effective_from,
            current=True,
            created_by=principal.member_id,
        ),
    )
    scored = set(await repository.scored_pairs(session, member_ids=members))
    templates = await repository.all_templates(session)
    copies = await repository.members_by_ids(session, member_ids=members)
    await recompute_many(
        session,
        [
            (member_id, month)
            for member_id, month in await repository.months_with_inputs_of(session, members)
            if month >= effective_from
            or (member_id, month) not in scored
            or (
                member_id in copies
                and before_every_version(
                    [t for t in templates if t.id != template.id], copies[member_id], month
                )
            )
        ],
    )
    return template


async def recompute(session: AsyncSession, *, member_id: str, month: str) -> LiveScore | None:
    """Recompute one member's score for one month (``recompute_many`` of one)."""
    await recompute_many(session, [(member_id, month)])
    return await repository.get_score(session, member_id=member_id, month=month)


async def recompute_many(
    session: AsyncSession,
    pairs: Iterable[tuple[str, str]],
    *,
    causes: Mapping[tuple[str, str], str] | None = None,
) -> int:
    """Recompute the scores of these (member, month) pairs, each once, in a few statements
    whatever their number; publish ``ScoreComputed`` for each that changed, with the
    correlation id of its cause where ``causes`` names one. The caller holds the members'
    locks (``lock_scoring``). Returns how many changed.

    Without the member's copy (their ``MemberChanged`` has not arrived) there is no
    template to score with: the inputs wait, and the score follows the member event."""
    wanted = sorted(set(pairs))
    missing = {member_id for member_id, _month in wanted} - _held(session)
    if missing:
        raise RuntimeError(f"rescoring {sorted(missing)} without holding their locks")
    members = await repository.members_by_ids(session, member_ids={m for m, _ in wanted})
    templates = await repository.all_templates(session)
    by_id = {t.id: t for t in templates}
    existing = await repository.scores_by_pair(
        session, pairs=[pair for pair in wanted if pair[0] in members]
    )
    chosen = {
        (member_id, month): _template_of(
            templates, by_id, members[member_id], month, existing.get((member_id, month))
        )
        for member_id, month in wanted
        if member_id in members
    }
    scored = [pair for pair, template in chosen.items() if template is not None]
    inputs = await repository.inputs_of_months(session, pairs=scored)
    events: list[ScoreComputed] = []
    correlations: list[str | None] = []
    for pair in scored:
        template = chosen[pair]
        assert template is not None
        sheet = score_sheet(template, inputs.get(pair, {}))
        score = _stored(session, existing.get(pair), pair, template, sheet)
        if score is None:
            continue
        events.append(_computed(score, template, sheet))
        correlations.append((causes or {}).get(pair))
    await session.flush()
    await outbox.publish_many(session, events, correlation_ids=correlations)
    return len(events)


def _template_of(
    templates: list[ScorecardTemplate],
    by_id: Mapping[str, ScorecardTemplate],
    member: MemberCopy,
    month: str,
    score: LiveScore | None,
) -> ScorecardTemplate | None:
    """The version a month is scored with: the one a deliberate re-score stated, else the
    one in effect for the month (``scorecards.template_for``)."""
    pinned = by_id.get(score.pinned_template_id or "") if score is not None else None
    return pinned or template_for(templates, member, month)


def _stored(
    session: AsyncSession,
    existing: LiveScore | None,
    pair: tuple[str, str],
    template: ScorecardTemplate,
    sheet: ScoreSheet,
) -> LiveScore | None:
    """The pair's score written from ``sheet``, or None when it is unchanged."""
    explanation = sheet.explanation(template)
    if existing is None:
        row = LiveScore(
            member_id=pair[0],
            month=pair[1],
            score=sheet.score,
            template_id=template.id,
            template_version=template.version,
            explanation=explanation,
            revision=1,
        )
        session.add(row)
        return row
    if (
        existing.score == sheet.score
        and existing.template_id == template.id
        and existing.explanation == explanation
    ):
        return None
    existing.score, existing.template_id = sheet.score, template.id
    existing.template_version, existing.explanation = template.version, explanation
    existing.revision += 1
    return existing


def _computed(score: LiveScore, template: ScorecardTemplate, sheet: ScoreSheet) -> ScoreComputed:
    return ScoreComputed(
        member_id=score.member_id,
        month=score.month,
        score=sheet.score,
        revision=score.revision,
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
    )


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
        rescores=[
            RescoreRead.model_validate(row)
            for row in await repository.rescores_of(session, member_id=member_id, month=month)
        ],
    )
