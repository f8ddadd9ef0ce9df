"""Who may decide what about a review (issue 12). Nobody decides about their own review,
whatever their roles; the manager assessment is the manager of record's; a manager
calibrates within their units' subtree, HR and admins anywhere. Each refusal is a
``DecisionRefused`` that names its rule, who asked, what and about whom."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import MemberCopy, Review
from shared.auth import Principal, Role
from shared.errors import (
    NOT_MANAGER_OF_RECORD,
    OUT_OF_SCOPE,
    SELF_DECISION,
    DecisionRefused,
)


def refused(
    rule: str, detail: str, *, principal: Principal, action: str, subject: str
) -> DecisionRefused:
    return DecisionRefused(rule, detail, actor=principal.member_id, action=action, subject=subject)


def not_about_self(principal: Principal, review: Review, *, action: str) -> None:
    """Refuse a decision about the caller's own review."""
    if principal.member_id == review.member_id:
        raise refused(
            SELF_DECISION,
            f"nobody may {action} on their own review",
            principal=principal,
            action=action,
            subject=review.id,
        )


def is_manager_of_record(principal: Principal, review: Review) -> bool:
    return review.manager_id is not None and principal.member_id == review.manager_id


def require_manager_of_record(principal: Principal, review: Review, *, action: str) -> None:
    """Only the review's manager of record (``Review.manager_id``), never the reviewee."""
    not_about_self(principal, review, action=action)
    if not is_manager_of_record(principal, review):
        raise refused(
            NOT_MANAGER_OF_RECORD,
            f"only the reviewee's manager of record may {action}",
            principal=principal,
            action=action,
            subject=review.id,
        )


def require_manager_of_record_or_hr(principal: Principal, review: Review, *, action: str) -> None:
    """The manager of record, HR or an admin; never the reviewee."""
    not_about_self(principal, review, action=action)
    if not (is_manager_of_record(principal, review) or principal.has(Role.hr, Role.admin)):
        raise refused(
            NOT_MANAGER_OF_RECORD,
            f"only the reviewee's manager of record or HR may {action}",
            principal=principal,
            action=action,
            subject=review.id,
        )


async def require_calibrator(session: AsyncSession, principal: Principal, review: Review) -> None:
    """HR and admins calibrate any review but their own; a manager those of members in the
    subtree of their units (by the member's unit path)."""
    action = "calibrate"
    not_about_self(principal, review, action=action)
    if principal.has(Role.hr, Role.admin):
        return
    if principal.has(Role.manager):
        member = await repository.get_member(session, member_id=review.member_id)
        if member is not None and set(member.unit_path or [member.home_unit_id]) & set(
            principal.org_units
        ):
            return
    raise refused(
        OUT_OF_SCOPE,
        "a review is calibrated by HR or by a manager of the reviewee's units",
        principal=principal,
        action=action,
        subject=review.id,
    )


def is_active(member: MemberCopy | None, today: date) -> bool:
    """A member known to performance who has not left (a leave date still ahead is fine)."""
    return member is not None and (member.left_on is None or member.left_on > today)
