"""Settling a month: performance declares a month's scores final once the month is over
and every member active in it has a live score, and publishes them as ``MonthSettled``
(incentives awards stars from it). A member whom no scorecard covers for the month cannot
have a score, so they are not waited for. Settling a settled month again is a correction: it
needs a reason and publishes the next revision with the scores as they are then."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.events import MonthSettled, SettledScore, outbox
from performance.models import MonthSettlement
from performance.schemas.settlement import SettlementRead
from performance.service.access import require_hr
from performance.service.scorecards import template_for
from performance.service.scoring import lock_scoring
from shared.auth import Principal
from shared.errors import Conflict, NotFound, invalid
from shared.locks import lock_keys
from shared.periods import Period

SETTLE_LOCKS = "performance.month-settlement"


async def settle(
    session: AsyncSession, *, principal: Principal, month: str, reason: str | None, today: date
) -> MonthSettlement:
    """Settle ``month`` (HR or admin): 409 while it is not over or while a member active in
    it has no live score (the problem names them); a second settle needs a ``reason``."""
    require_hr(principal)
    period = Period.parse(month)
    if today <= period.end:
        raise Conflict(
            f"{month} is not over yet (today is {today.isoformat()}): a month is settled "
            "from its next day on",
            extensions={"month": month},
        )
    await lock_keys(session, SETTLE_LOCKS, [month])
    previous = await repository.newest_settlement(session, month=month)
    if previous is not None and reason is None:
        raise invalid(
            "reason",
            f"{month} is settled already (revision {previous.revision}): "
            "a correction needs a reason",
        )
    active = await repository.members_by_ids(
        session,
        member_ids=set(
            await repository.members_active_in(session, start=period.start, end=period.end)
        ),
    )
    templates = await repository.all_templates(session)
    scorable = {m.id for m in active.values() if template_for(templates, m, month) is not None}
    # The scores are read under the members' scoring locks: no scorer is half-way meanwhile.
    await lock_scoring(session, [member.id for member in await repository.members(session)])
    scores = await repository.scores_of_month(session, month=month)
    missing = sorted(scorable - {score.member_id for score in scores})
    if missing:
        raise Conflict(
            f"{month} cannot be settled: no live score yet for {', '.join(missing)} "
            "(members active in the month whom a scorecard covers)",
            extensions={"month": month, "missing_member_ids": missing},
        )
    settlement = await repository.add(
        session,
        row=MonthSettlement(
            id=str(uuid.uuid4()),
            month=month,
            revision=previous.revision + 1 if previous is not None else 1,
            reason=reason,
            scores=[
                SettledScore(
                    member_id=score.member_id,
                    score=score.score,
                    template_id=score.template_id,
                    template_version=score.template_version,
                ).model_dump(mode="json")
                for score in scores
            ],
            settled_by=principal.member_id,
            settled_at=datetime.now(UTC),
        ),
    )
    await outbox.publish(session, _event(settlement))
    return settlement


def _event(settlement: MonthSettlement) -> MonthSettled:
    read = to_read(settlement)
    return MonthSettled(**read.model_dump())


def to_read(settlement: MonthSettlement) -> SettlementRead:
    return SettlementRead(
        month=settlement.month,
        revision=settlement.revision,
        settled_at=settlement.settled_at,
        settled_by=settlement.settled_by,
        reason=settlement.reason,
        scores=[SettledScore.model_validate(score) for score in settlement.scores],
    )


async def newest(session: AsyncSession, *, principal: Principal, month: str) -> SettlementRead:
    """The newest settlement of a month (HR and admins: it lists everyone's scores)."""
    require_hr(principal)
    settlement = await repository.newest_settlement(session, month=month)
    if settlement is None:
        raise NotFound(f"{month} has not been settled")
    return to_read(settlement)
