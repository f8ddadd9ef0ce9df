"""What every service's access rules stand on, with no rule of its own: the roles that see
everything, the 404 that hides what a caller may not see, and walking an org-unit tree (a
unit's parent id, from the service's own copy of goals' tree).

Each service's ``service/access.py`` says who may do what with its own data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping

from shared.auth import Principal, Role
from shared.errors import NotFound

HIDDEN = "no such resource, or it is not yours to see"


def hidden() -> NotFound:
    """The 404 for what exists but is not the caller's to see: they do not learn it exists."""
    return NotFound(HIDDEN)


def sees_everything(principal: Principal) -> bool:
    """HR and admins see every member and unit."""
    return principal.has(Role.hr, Role.admin)


def require_hr(principal: Principal) -> None:
    """403 unless the caller is HR or an admin."""
    principal.require(Role.hr, Role.admin)


def descendants(tree: Mapping[str, str | None], roots: Iterable[str]) -> set[str]:
    """The units in ``roots`` that ``tree`` (unit -> parent) knows, and every unit below them."""
    children: dict[str, list[str]] = {}
    for unit, parent in tree.items():
        if parent is not None:
            children.setdefault(parent, []).append(unit)
    found: set[str] = set()
    stack = [r for r in roots if r in tree]
    while stack:
        unit = stack.pop()
        if unit not in found:
            found.add(unit)
            stack.extend(children.get(unit, []))
    return found


def ancestors(tree: Mapping[str, str | None], unit_id: str) -> list[str]:
    """The unit and its ancestors in ``tree`` (unit -> parent), nearest first; a cycle ends
    at the first unit seen twice."""
    chain: list[str] = []
    current: str | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = tree.get(current)
    return chain


async def ancestors_by(
    unit_id: str, parent_of: Callable[[str], Awaitable[str | None]]
) -> list[str]:
    """``ancestors`` when parents are looked up one unit at a time (``parent_of`` answers
    None for a root or a unit it does not know)."""
    chain: list[str] = []
    current: str | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = await parent_of(current)
    return chain


def in_subtree(unit_path: Iterable[str], roots: Iterable[str]) -> bool:
    """Whether a unit whose path (the unit and its ancestors) is ``unit_path`` lies in the
    subtree of one of ``roots``."""
    return not set(unit_path).isdisjoint(roots)
