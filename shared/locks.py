"""Serialising the writers of derived state: transaction-scoped advisory locks on keys.

A value derived from other rows (a figure from its measurements, a score from its inputs) is
only right if it is computed after every other writer of the same key has committed. Each
writer therefore takes ``lock_keys`` on what it will recompute before reading its inputs;
under READ COMMITTED every later statement then sees what the previous holder committed, and
the lock is held until this transaction ends.

Keys are hashed into a bounded number of slots per namespace (so a large import never needs
more than ``SLOTS`` locks) and taken in ascending slot order in one statement, so two writers
never wait on each other in a cycle. Taking locks of one namespace in two separate calls of
one transaction loses that guarantee: collect the keys and call once.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

SLOTS = 512


def namespace_id(namespace: str) -> int:
    """The first int4 of the advisory lock pair: one per kind of derived state."""
    return zlib.crc32(f"derived:{namespace}".encode()) & 0x7FFFFFFF


def slot_of(key: str, slots: int = SLOTS) -> int:
    return zlib.crc32(key.encode()) % slots


async def lock_keys(
    session: AsyncSession, namespace: str, keys: Iterable[str], *, slots: int = SLOTS
) -> list[int]:
    """Wait for and hold (until the transaction ends) the locks of ``keys`` in ``namespace``;
    returns the slots taken, ascending."""
    taken = sorted({slot_of(key, slots) for key in keys})
    if taken:
        # unnest keeps the array's order, so the locks are taken in ascending slot order.
        await session.execute(
            text(
                "SELECT count(pg_advisory_xact_lock(:namespace, slot)) "
                "FROM unnest(CAST(:slots AS int[])) AS slot"
            ),
            {"namespace": namespace_id(namespace), "slots": taken},
        )
    return taken
