"""References checked where they are made: the members and units a meeting, its minutes or a
retrospective names must be ones collab's copies know (kept by goals' ``MemberChanged`` and
``OrgUnitChanged``; never a call to goals in the request), members still with the
organisation on the day that matters, and dates in an order that can happen. Every refusal
is a 422 whose ``errors`` name each field at fault (``["body", "speaker_ids", 1]``) and why;
all of a request's faults are reported at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from shared.errors import Unprocessable

Loc = tuple[str | int, ...]


class References:
    """The faults found in one request's references; ``raise_any`` refuses it if any."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []

    def refuse(self, loc: Loc, message: str, kind: str) -> None:
        self.errors.append({"loc": list(loc), "msg": message, "type": kind})

    async def members(
        self, session: AsyncSession, named: Sequence[tuple[Loc, str]], *, on: date, when: str
    ) -> None:
        """Each member named at a ``loc`` is known and had not left before ``on`` (``when``
        says what that day is, for the message)."""
        known = await repository.members_by_id(session, member_ids=[m for _, m in named])
        for loc, member_id in named:
            member = known.get(member_id)
            if member is None:
                self.refuse(
                    loc,
                    f"{member_id} is not a member: collab knows no member with this id",
                    "unknown_member",
                )
            elif member.left_on is not None and member.left_on < on:
                self.refuse(
                    loc,
                    f"{member_id} left on {member.left_on.isoformat()}, before {when}",
                    "member_left",
                )

    async def units(self, session: AsyncSession, named: Sequence[tuple[Loc, str]]) -> None:
        known = await repository.known_units(session, unit_ids=[u for _, u in named])
        for loc, unit_id in named:
            if unit_id not in known:
                self.refuse(
                    loc,
                    f"{unit_id} is not an org unit: collab knows no unit with this id",
                    "unknown_unit",
                )

    def raise_any(self) -> None:
        if self.errors:
            detail = "; ".join(
                f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in self.errors
            )
            raise Unprocessable(detail, errors=self.errors)


def listed(field: str, ids: Sequence[str]) -> list[tuple[Loc, str]]:
    """``(loc, id)`` for each id of a list field of the body."""
    return [(("body", field, index), member) for index, member in enumerate(ids)]
