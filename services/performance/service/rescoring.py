"""Re-scoring a past month on purpose: creating or changing a template never rewrites an
earlier month's score (``scoring.create_template``); HR re-scores one with a stated template
version, and the re-score is kept with who, when, why and the score before and after. The
month stays with that version afterwards (``LiveScore.pinned_template_id``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import ScoreRescore
from performance.schemas import RescoreCreate, RescoreRead
from performance.service.access import require_hr
from performance.service.decisions import refused
from performance.service.scorecards import specificity
from performance.service.scoring import lock_scoring, recompute_many
from shared.auth import Principal
from shared.errors import SELF_DECISION, invalid


async def rescore(
    session: AsyncSession, *, principal: Principal, body: RescoreCreate
) -> list[RescoreRead]:
    """Re-score each member's month with ``body.template_id`` (HR or admin, never one's own
    score): each member needs a live score for the month, and the version's population must
    include them. Returns one record per member, in the order given."""
    require_hr(principal)
    members = list(dict.fromkeys(body.member_ids))
    if principal.member_id in members:
        raise refused(
            SELF_DECISION,
            "nobody re-scores their own score",
            principal=principal,
            action="re-score",
            subject=principal.member_id,
        )
    await lock_scoring(session, members)
    template = next(
        (t for t in await repository.all_templates(session) if t.id == body.template_id), None
    )
    if template is None:
        raise invalid("template_id", f"no scorecard template version {body.template_id}")
    copies = await repository.members_by_ids(session, member_ids=members)
    pairs = [(member_id, body.month) for member_id in members]
    before = await repository.scores_by_pair(session, pairs=pairs)
    for index, member_id in enumerate(members):
        if (member_id, body.month) not in before:
            raise invalid(
                f"member_ids.{index}", f"{member_id} has no score for {body.month} to re-score"
            )
        copy = copies.get(member_id)
        if copy is None or specificity(template.population, copy) is None:
            raise invalid(
                "template_id",
                f"the population of {template.key} v{template.version} does not include "
                f"{member_id}",
            )
    old = {
        pair: (score.score, score.template_id, score.template_version)
        for pair, score in before.items()
    }
    for score in before.values():
        score.pinned_template_id = template.id
    await recompute_many(session, pairs)
    after = await repository.scores_by_pair(session, pairs=pairs)
    now = datetime.now(UTC)
    records = []
    for pair in pairs:
        old_score, old_template, old_version = old[pair]
        record = ScoreRescore(
            id=str(uuid.uuid4()),
            member_id=pair[0],
            month=pair[1],
            old_score=old_score,
            new_score=after[pair].score,
            old_template_id=old_template,
            old_template_version=old_version,
            template_id=template.id,
            template_version=template.version,
            reason=body.reason,
            rescored_by=principal.member_id,
            rescored_at=now,
        )
        session.add(record)
        records.append(record)
    await session.flush()
    return [RescoreRead.model_validate(record) for record in records]
