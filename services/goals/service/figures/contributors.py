"""Who contributes to whose figure. A member's figure is made of their own measurements; a
unit's of every unit in its subtree, the members homed there, and (for a squad) the squad's
members. Read the other way: the figures one owner's measurements move."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from goals.models import KpiDefinition
from goals.service.access import ancestors, descendants
from goals.service.figures.figure import FigureKey, Owner
from goals.service.figures.loading import Membership, Placement
from goals.service.kpis import dependents
from shared.periods import Period


def subtrees(tree: dict[str, str | None], unit_ids: set[str]) -> dict[str, set[str]]:
    """Each unit with every unit below it."""
    return {u: descendants(tree, {u}) for u in unit_ids}


def contributors_of(
    owners: Iterable[Owner], *, subtree_of: dict[str, set[str]], membership: Membership
) -> dict[Owner, set[Owner]]:
    """The measurement owners whose measurements make each figure owner's figures."""
    found: dict[Owner, set[Owner]] = {}
    for owner_type, owner_id in owners:
        if owner_type == "member":
            found[Owner("member", owner_id)] = {Owner("member", owner_id)}
            continue
        if Owner("unit", owner_id) in found:
            continue
        units = subtree_of[owner_id]
        members = {m for m, home in membership.home_of.items() if home in units}
        members.update(membership.members_of_squad.get(owner_id, []))
        found[Owner("unit", owner_id)] = {Owner("unit", u) for u in units} | {
            Owner("member", m) for m in members
        }
    return found


def owners_moved_by(
    owner: Owner, *, tree: dict[str, str | None], placement: Placement
) -> list[Owner]:
    """The figure owners whose figures ``owner``'s measurements count in: the owner, and
    for a member their home unit's chain and their squads; for a unit its chain."""
    if owner.owner_type != "member":
        return [Owner("unit", u) for u in ancestors(tree, owner.owner_id)]
    moved = [owner]
    if owner.owner_id in placement.home_of:
        moved += [Owner("unit", u) for u in ancestors(tree, placement.home_of[owner.owner_id])]
    moved += [Owner("unit", s) for s in placement.squads_of.get(owner.owner_id, [])]
    return moved


def keys_moved_by(
    touched: Iterable[tuple[str, str, str, date]],
    *,
    kpis: list[KpiDefinition],
    tree: dict[str, str | None],
    placement: Placement,
) -> set[FigureKey]:
    """Every figure the measurements (owner type, owner id, KPI id, day) move: the owners'
    (``owners_moved_by``), the day's month, quarter and year, the KPI and the formulas that
    read it."""
    keys: set[FigureKey] = set()
    # Many measurements share an owner, a KPI or a month: each is resolved once.
    owners_of: dict[Owner, list[Owner]] = {}
    kpis_of: dict[str, set[str]] = {}
    periods_of: dict[tuple[int, int], list[str]] = {}
    for owner_type, owner_id, kpi_id, day in touched:
        owner = Owner(owner_type, owner_id)
        owners = owners_of.get(owner)
        if owners is None:
            owners = owners_of[owner] = owners_moved_by(owner, tree=tree, placement=placement)
        kpi_ids = kpis_of.get(kpi_id)
        if kpi_ids is None:
            kpi_ids = kpis_of[kpi_id] = {kpi_id} | dependents(kpis, {kpi_id})
        periods = periods_of.get((day.year, day.month))
        if periods is None:
            periods = periods_of[(day.year, day.month)] = [
                str(p) for p in Period.month_of(day).enclosing()
            ]
        keys.update(
            FigureKey(o.owner_type, o.owner_id, k, p)
            for o in owners
            for k in kpi_ids
            for p in periods
        )
    return keys
