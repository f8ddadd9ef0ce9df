"""References checked where they are made, from performance's own data and copies (never a
call to another service): a 422 naming the field and why."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import MemberCopy
from performance.service.scorecards import template_for
from shared.errors import invalid
from shared.periods import Period


async def known_member(
    session: AsyncSession, member_id: str, field: str = "member_id"
) -> MemberCopy:
    """The member's copy; a 422 on ``field`` for a member performance does not know."""
    member = await repository.get_member(session, member_id=member_id)
    if member is None:
        raise invalid(field, f"{member_id} is not a member known to performance")
    return member


async def review_of_member(session: AsyncSession, *, member_id: str, review_id: str) -> None:
    """An improvement plan's review exists and is the plan's member's own review."""
    review = await repository.get_review(session, review_id=review_id)
    if review is None:
        raise invalid("review_id", f"review {review_id} does not exist")
    if review.member_id != member_id:
        raise invalid(
            "review_id",
            f"review {review_id} is {review.member_id}'s review, not {member_id}'s",
        )


async def indicator_of_member(
    session: AsyncSession, *, member: MemberCopy, indicator: str, today: date
) -> None:
    """A root-cause note's indicator is on the member's scorecard: the version that scores
    this month, or one that scored any of the member's months."""
    templates = await repository.all_templates(session)
    by_id = {t.id: t for t in templates}
    versions = [
        by_id[score.template_id]
        for score in await repository.scores_of_member(session, member_id=member.id)
        if score.template_id in by_id
    ]
    current = template_for(templates, member, str(Period.month_of(today)))
    if current is not None:
        versions.append(current)
    codes = sorted({i["code"] for t in versions for i in t.indicators})
    if indicator not in codes:
        known = ", ".join(codes) if codes else "none: no scorecard fits the member"
        raise invalid(
            "indicator",
            f"{indicator} is not an indicator of {member.id}'s scorecard (its indicators: {known})",
        )


def not_in_future(day: date, *, today: date, field: str) -> None:
    if day > today:
        raise invalid(field, f"{day.isoformat()} is in the future (today is {today.isoformat()})")
