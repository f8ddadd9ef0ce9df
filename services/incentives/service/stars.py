"""The monthly marketing stars, awarded only from performance's settlement of the month.

Incentives does not decide when a month's scores are final: performance settles a month
(``MonthSettled``) once it is over and every member active in it has a score, and settles it
again to correct it (revision 2, 3, ... with a reason). ``POST /incentives/stars`` awards a
month from the newest settlement incentives holds (409 while it holds none); a newer
revision arriving later re-awards the month at once: stars no longer among the top are
revoked (``StarRevoked``), new ones awarded (``StarAwarded``), each with the settlement's
reason, and the award keeps every revision in its history.

Eligible: a member active the whole month by incentives' copy of the member (hired on or
before its first day, not left before its last). The top share (rounded up) of the eligible
by final score are stars; members tied with the last star's score are stars too, and members
with the same score share the rank."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.events import StarAwarded, StarRevoked, outbox
from incentives.models import MemberCopy, MonthSettlement, StarAward
from incentives.schemas import MonthSettledV1
from incentives.service.calculator import pct
from incentives.settings import Settings
from shared.auth import Principal
from shared.errors import Conflict, Unprocessable
from shared.events import Event
from shared.periods import Period

STAR_RULE = (
    "the top {share} of members active the whole month, by their final score in "
    "performance's settlement of the month; the count is rounded up; members tied with the "
    "last star's score are stars too"
)
SCORE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Choice:
    """The stars a settlement makes, and every member's eligibility."""

    stars: list[dict[str, Any]]
    members: list[dict[str, Any]]
    eligible: int


def why_not(member: MemberCopy | None, month: Period) -> str | None:
    """Why the member cannot be a star of the month (None: active the whole month)."""
    if member is None:
        return "not known to incentives (no member record from goals)"
    if member.hired_on > month.start:
        return f"hired on {member.hired_on.isoformat()}, after the month began"
    if member.left_on is not None and member.left_on < month.end:
        return f"left on {member.left_on.isoformat()}, before the month ended"
    return None


async def choose(
    session: AsyncSession, month: Period, settlement: MonthSettlement, share: Decimal
) -> Choice:
    members = {
        m.id: m
        for m in await repository.members_by_ids(
            session, member_ids={s["member_id"] for s in settlement.scores}
        )
    }
    candidates = []
    for entry in sorted(settlement.scores, key=lambda s: str(s["member_id"])):
        member = members.get(entry["member_id"])
        reason = why_not(member, month)
        candidates.append(
            {
                "member_id": entry["member_id"],
                "name": None if member is None else member.name,
                "score": str(Decimal(entry["score"]).quantize(SCORE_PLACES)),
                "eligible": reason is None,
                "why_not": reason,
            }
        )
    eligible = sorted(
        (c for c in candidates if c["eligible"]),
        key=lambda c: (-Decimal(c["score"]), c["member_id"]),
    )
    if not eligible:
        return Choice([], candidates, 0)
    count = math.ceil(Decimal(len(eligible)) * share)
    cutoff = Decimal(eligible[count - 1]["score"])
    stars = [
        {
            "member_id": c["member_id"],
            "name": c["name"],
            "score": c["score"],
            "rank": 1 + sum(1 for o in eligible if Decimal(o["score"]) > Decimal(c["score"])),
        }
        for c in eligible
        if Decimal(c["score"]) >= cutoff
    ]
    return Choice(stars, candidates, len(eligible))


def _revision(
    settlement: MonthSettlement, stars: list[str], awarded: list[str], revoked: list[str]
) -> dict[str, Any]:
    return {
        "revision": settlement.revision,
        "reason": settlement.reason,
        "settled_by": settlement.settled_by,
        "settled_at": settlement.settled_at.isoformat(),
        "stars": stars,
        "awarded": awarded,
        "revoked": revoked,
    }


def _awarded(
    award: StarAward, choice: Choice, settlement: MonthSettlement, member_ids: set[str]
) -> list[StarAwarded]:
    return [
        StarAwarded(
            month=award.month,
            member_id=star["member_id"],
            name=star["name"],
            score=Decimal(star["score"]),
            rank=star["rank"],
            stars=len(choice.stars),
            eligible=choice.eligible,
            rule=award.rule,
            revision=settlement.revision,
            reason=settlement.reason,
        )
        for star in choice.stars
        if star["member_id"] in member_ids
    ]


async def award_stars(
    session: AsyncSession, principal: Principal, settings: Settings, month: Period
) -> StarAward:
    """Award the month from the newest settlement incentives holds (409 if none, or if the
    month is awarded: newer settlements re-award it by themselves)."""
    key = str(month)
    # Locked first: a newer revision arriving meanwhile is stored after this award commits,
    # and then re-awards it; a second award of the month waits, then finds this one.
    settlement = await repository.get_settlement(session, month=key, lock=True)
    if await repository.get_stars(session, month=key) is not None:
        raise Conflict(
            f"the stars of {key} are awarded; a newer settlement by performance re-awards them"
        )
    if settlement is None:
        raise Conflict(
            f"performance has not settled {key}: its stars wait for the month's settlement "
            f"(POST /performance/months/{key}/settle once the month is over and its scores in)"
        )
    choice = await choose(session, month, settlement, settings.star_share)
    if not choice.stars:
        raise Unprocessable(f"no member active the whole of {key} has a settled score")
    stars = [s["member_id"] for s in choice.stars]
    award = await repository.add(
        session,
        row=StarAward(
            month=key,
            eligible=choice.eligible,
            share=settings.star_share,
            rule=STAR_RULE.format(share=pct(settings.star_share)),
            stars=choice.stars,
            awarded_by=principal.member_id,
            revision=settlement.revision,
            reason=settlement.reason,
            members=choice.members,
            history=[_revision(settlement, stars, stars, [])],
        ),
    )
    await outbox.publish_many(session, _awarded(award, choice, settlement, set(stars)))
    return award


async def month_settled(session: AsyncSession, settled: MonthSettledV1, event_id: str) -> None:
    """Keep the newest settlement of the month; when the month's stars were awarded from an
    older revision, re-award them from this one (revoke and reissue with its reason)."""
    stored = await repository.save_settlement(
        session,
        values={
            "month": settled.month,
            "revision": settled.revision,
            "settled_at": settled.settled_at,
            "settled_by": settled.settled_by,
            "reason": settled.reason,
            "scores": [
                {
                    "member_id": s.member_id,
                    "score": str(s.score),
                    "template_id": s.template_id,
                    "template_version": s.template_version,
                }
                for s in settled.scores
            ],
            "event_id": event_id,
        },
    )
    if not stored:
        return  # an older (or the same) revision arriving late changes nothing
    award = await repository.get_stars(session, month=settled.month, lock=True)
    if award is None or (award.revision or 0) >= settled.revision:
        return
    settlement = await repository.get_settlement(session, month=settled.month)
    assert settlement is not None
    await reaward(session, award, settlement)


async def reaward(session: AsyncSession, award: StarAward, settlement: MonthSettlement) -> None:
    """The month's stars from a newer settlement, at the share they were first awarded at:
    who left the top is revoked, who entered it is awarded, each with the reason."""
    choice = await choose(session, Period.parse(award.month), settlement, award.share)
    before = {s["member_id"]: s for s in award.stars}
    after = [s["member_id"] for s in choice.stars]
    revoked = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before))
    award.stars = choice.stars
    award.eligible = choice.eligible
    award.members = choice.members
    award.revision = settlement.revision
    award.reason = settlement.reason
    award.history = [*award.history, _revision(settlement, after, added, revoked)]
    await session.flush()
    events: list[Event] = [
        StarRevoked(
            month=award.month,
            member_id=member_id,
            name=before[member_id]["name"],
            revision=settlement.revision,
            reason=settlement.reason,
            settled_by=settlement.settled_by,
        )
        for member_id in revoked
    ]
    events += _awarded(award, choice, settlement, set(added))
    await outbox.publish_many(session, events)
