"""What serialises the writers of derived pay, and the one order every transaction takes
its locks in (see ``shared.locks``).

A member's pay for a period is derived from their inputs: the live projection, their lines
in a draft run, the difference owed once the period is paid. A transaction that writes any
of it first takes the member's pay lock for the period (``lock_pay``, one call with every
key), so it reads the inputs only after every earlier writer of them committed. Work over a
whole period (creating or recalculating a run) takes every slot (``lock_all_pay``): it must
also exclude writers of members it does not know of yet.

A draft run's lines are written only with the run's row locked, which is what approving it
takes: a run is approved either before a writer reads its inputs (the writer then sees it
approved and owes differences instead) or after that writer committed.

The order, in every transaction: the queue entries a job claims, then pay locks (one call),
then draft run rows (by id), then anything else; approving and exporting a run take only
its row. Commission is serialised apart, per member and period (``lock_revenue``): the
tiers of a deal depend on every entry recorded before it."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from shared.locks import SLOTS, lock_keys, slot_of

PAY = "incentives.pay"
REVENUE = "incentives.revenue"
# The "period" of what the next run pays a member beyond their plan: adjustments and project
# bonuses. Taking any pay lock also waits for a run being created (it holds every slot).
NEXT_RUN = "next-run"


def pay_key(member_id: str, period: str) -> str:
    """The lock key of a member's pay for a period."""
    return f"{member_id}|{period}"


async def lock_pay(session: AsyncSession, keys: Iterable[tuple[str, str]]) -> None:
    """Hold the pay locks of these (member, period) pairs until the transaction ends."""
    await lock_keys(session, PAY, (pay_key(member_id, period) for member_id, period in keys))


@functools.cache
def _a_key_per_slot() -> tuple[str, ...]:
    # lock_keys locks the slots its keys hash to; a key for each slot locks them all.
    found: dict[int, str] = {}
    n = 0
    while len(found) < SLOTS:
        key = f"every-slot|{n}"
        found.setdefault(slot_of(key), key)
        n += 1
    return tuple(found.values())


async def lock_all_pay(session: AsyncSession) -> None:
    """Hold every pay lock until the transaction ends: no member's pay is written meanwhile."""
    await lock_keys(session, PAY, _a_key_per_slot())


async def lock_revenue(session: AsyncSession, *, member_id: str, period: str) -> None:
    """Serialise the entries of one member and period: tiers depend on the running total."""
    await lock_keys(session, REVENUE, [pay_key(member_id, period)])
