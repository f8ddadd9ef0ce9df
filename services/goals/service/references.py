"""References checked where they are made, each refused with a 422 naming the field and
why: a goal's parent (its kind and period), a target below zero on a KPI that cannot be
negative, mentors (newcomers get a mentor who is not one, nobody who has left, one mentor
at a time) and promotions that skip a tier without a reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import Goal, KpiDefinition, Member
from goals.schemas.org import Tier
from shared.errors import invalid
from shared.periods import Period

PARENT_KINDS: dict[str, tuple[str, ...]] = {
    "objective": ("objective",),
    "key_result": ("objective",),
    "kpi_target": ("objective", "key_result", "kpi_target"),
}
"""The kinds a goal of each kind may align to: an objective to a higher objective, a key
result to its objective, a KPI target to any goal (a parent target cascades to it)."""

TIERS = [Tier.newcomer.value, Tier.backbone.value, Tier.management_reserve.value]
"""The career tiers in order; a promotion past the next one needs a reason."""


def _a(kind: str) -> str:
    """``kind`` as words with its article: "an objective", "a key result"."""
    words = kind.replace("_", " ").replace("kpi", "KPI")
    return ("an " if words[0] in "aeiou" else "a ") + words


async def check_parent(
    session: AsyncSession, *, kind: str, period: Period, parent_id: str | None
) -> Goal | None:
    """The parent goal, after checking that it exists, that a ``kind`` goal may align to
    it, and that ``period`` lies within the parent's period."""
    if parent_id is None:
        return None
    parent = await repository.get_goal(session, goal_id=parent_id)
    if parent is None:
        raise invalid("parent_id", f"goal {parent_id} does not exist")
    allowed = PARENT_KINDS[kind]
    if parent.kind not in allowed:
        kinds = " or ".join(_a(k) for k in allowed)
        raise invalid(
            "parent_id",
            f"{_a(kind)} aligns to {kinds}; goal {parent_id} is {_a(parent.kind)}",
        )
    if not (parent.period_start <= period.start and period.end <= parent.period_end):
        raise invalid(
            "period",
            f"{period} is not within the period of the parent goal {parent_id} ({parent.period})",
        )
    return parent


def check_non_negative(kpi: KpiDefinition | None, value: Decimal | None, field: str) -> None:
    """A 422 naming ``field`` when ``value`` is a target below zero on a non-negative KPI."""
    if kpi is not None and kpi.non_negative and value is not None and value < 0:
        raise invalid(field, f"{kpi.code} cannot be negative: the target {value} is below zero")


def _leaves(member: Member, role: str, starts_on: date, ends_on: date) -> str | None:
    """Why ``member`` cannot be the mentorship's ``role``: they leave before it ends."""
    if member.left_on is None or member.left_on >= ends_on:
        return None
    if member.left_on < starts_on:
        return f"the {role} {member.id} left on {member.left_on}, before the mentorship starts"
    return f"the {role} {member.id} leaves on {member.left_on}, before the mentorship ends"


async def check_mentorship(
    session: AsyncSession, *, mentor_id: str, mentee_id: str, starts_on: date, ends_on: date
) -> None:
    """The mentee is a newcomer without another mentor in the time, the mentor is not a
    newcomer, and neither leaves before the mentorship would end."""
    if mentor_id == mentee_id:
        raise invalid("mentee_id", "a member cannot mentor themself")
    people: dict[str, Member] = {}
    for field, member_id in (("mentor_id", mentor_id), ("mentee_id", mentee_id)):
        member = await repository.get_member(session, member_id=member_id)
        if member is None:
            raise invalid(field, f"member {member_id} does not exist")
        people[field] = member
    mentor, mentee = people["mentor_id"], people["mentee_id"]
    if mentee.tier != Tier.newcomer:
        raise invalid(
            "mentee_id",
            f"only newcomers get a mentor; member {mentee.id} is {mentee.tier.replace('_', ' ')}",
        )
    if mentor.tier == Tier.newcomer:
        raise invalid("mentor_id", f"a mentor is not a newcomer; member {mentor.id} is one")
    for field, role, member in (("mentor_id", "mentor", mentor), ("mentee_id", "mentee", mentee)):
        problem = _leaves(member, role, starts_on, ends_on)
        if problem is not None:
            raise invalid(field, f"{problem} ({starts_on} to {ends_on})")
    for other in await repository.mentorships_of_mentee(session, mentee_id=mentee_id):
        if other.starts_on < ends_on and starts_on < other.ends_on:
            raise invalid(
                "mentee_id",
                f"member {mentee_id} already has mentor {other.mentor_id} from "
                f"{other.starts_on} to {other.ends_on}, overlapping {starts_on} to {ends_on}",
            )


def check_promotion(old_tier: str, new_tier: str | None, reason: str | None) -> None:
    """A promotion past the next tier (newcomer to management reserve) needs a reason."""
    if new_tier is None or new_tier not in TIERS or old_tier not in TIERS:
        return
    old, new = TIERS.index(old_tier), TIERS.index(new_tier)
    if new - old > 1 and not reason:
        skipped = ", ".join(TIERS[old + 1 : new])
        raise invalid(
            "reason",
            f"{old_tier} to {new_tier} skips {skipped}: a promotion past the next tier needs "
            "a reason",
        )
