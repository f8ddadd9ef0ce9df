"""Team composition for HR (goals owns the organisation and its members): for a unit and
every unit and squad below it, who is there on a day by function and layer, and age band
and gender only as aggregates over groups of at least ``composition_min_group`` members.
A smaller group is withheld: its answer carries no age or gender numbers at all. No member
id or name is ever in the answer. HR and admins only: managers see their people one by
one elsewhere, and aggregates over a small team would tell them about individuals.

Squads count the members in the squad (their home unit is elsewhere); departments, teams
and the company count the members whose home unit is the unit or any unit below it."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.models import Member, OrgUnit
from goals.schemas.composition import (
    AgeBands,
    CompositionGroup,
    CountedBy,
    GenderCounts,
    UnitComposition,
)
from goals.schemas.org import Gender, Layer
from goals.service.access import ancestors, descendants, require_admin
from shared.auth import Principal
from shared.errors import NotFound

UNASSIGNED = "unassigned"
KINDS = ("company", "department", "team", "squad")


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_bands(members: list[Member], day: date) -> AgeBands:
    bands = AgeBands()
    for member in members:
        if member.birth_date is None:
            bands.unrecorded += 1
            continue
        age = age_on(member.birth_date, day)
        if age < 25:
            bands.under_25 += 1
        elif age < 35:
            bands.age_25_34 += 1
        elif age < 45:
            bands.age_35_44 += 1
        elif age < 55:
            bands.age_45_54 += 1
        else:
            bands.age_55_plus += 1
    return bands


def gender_counts(members: list[Member]) -> GenderCounts:
    counts = Counter(m.gender if m.gender in set(Gender) else "unrecorded" for m in members)
    return GenderCounts(**{str(k): v for k, v in counts.items()})


def _active_on(unit: OrgUnit, day: date) -> bool:
    return (unit.starts_on is None or unit.starts_on <= day) and (
        unit.ends_on is None or day <= unit.ends_on
    )


async def unit_composition(
    session: AsyncSession, *, principal: Principal, unit_id: str, as_of: date, min_group: int
) -> UnitComposition:
    require_admin(principal)
    tree = await repository.unit_tree(session)
    if unit_id not in tree:
        raise NotFound(f"org unit {unit_id} does not exist")
    units = {
        u.id: u
        for u in await repository.org_units_in(session, unit_ids=descendants(tree, {unit_id}))
    }
    groups = [
        u for u in units.values() if u.id == unit_id or u.kind != "squad" or _active_on(u, as_of)
    ]
    homes = [u for u in units if units[u].kind != "squad"]
    squads = [u.id for u in groups if u.kind == "squad"]
    present, in_squads = await repository.members_present(
        session, home_unit_ids=homes, squad_ids=squads, on=as_of
    )
    by_id = {m.id: m for m in present}
    positions = await repository.positions_by_id(
        session, position_ids={m.position_id for m in present if m.position_id}
    )
    home_members: dict[str, list[Member]] = {}
    for member in present:
        for ancestor in ancestors(tree, member.home_unit_id):
            home_members.setdefault(ancestor, []).append(member)
    depth = {u: len(ancestors(tree, u)) for u in units}
    ordered = sorted(groups, key=lambda u: (u.id != unit_id, depth[u.id], u.name, u.id))
    members_of: dict[str, list[Member]] = {}
    for unit in ordered:
        if unit.kind == "squad":
            members_of[unit.id] = [by_id[m] for m in in_squads.get(unit.id, []) if m in by_id]
        else:
            members_of[unit.id] = home_members.get(unit.id, [])
    reasons = withheld_reasons(ordered, members_of, depth, min_group)
    answer = []
    for unit in ordered:
        members = members_of[unit.id]
        functions = Counter(
            positions[m.position_id].function if m.position_id in positions else UNASSIGNED
            for m in members
        )
        layers = {layer.value: 0 for layer in Layer}
        layers.update(Counter(m.layer for m in members))
        group = CompositionGroup(
            unit_id=unit.id,
            name=unit.name,
            kind=unit.kind,
            counted_by=(
                CountedBy.squad_membership if unit.kind == "squad" else CountedBy.home_unit_subtree
            ),
            headcount=len(members),
            functions=dict(sorted(functions.items())),
            layers=layers,
            withheld=unit.id in reasons,
            withheld_reason=reasons.get(unit.id),
        )
        if not group.withheld:
            group.age_bands = age_bands(members, as_of)
            group.genders = gender_counts(members)
        answer.append(group)
    return UnitComposition(unit_id=unit_id, as_of=as_of, min_group_size=min_group, groups=answer)


def withheld_reasons(
    groups: list[OrgUnit],
    members_of: dict[str, list[Member]],
    depth: dict[str, int],
    min_group: int,
) -> dict[str, str]:
    """Why each withheld group is withheld. A group under ``min_group`` members is. So is a
    unit whose members outside its shown sub-units are fewer than ``min_group`` (but some):
    its numbers minus its shown sub-units' would give theirs by subtraction. Decided from the
    deepest units up, so a unit counts a sub-unit withheld for either reason as not shown."""
    reasons: dict[str, str] = {}
    for unit in groups:
        size = len(members_of[unit.id])
        if size < min_group:
            reasons[unit.id] = (
                f"{size} 人,少于 {min_group} 人,不显示年龄与性别 "
                f"({size} members, fewer than {min_group}: age and gender are not shown)"
            )
    units = [u for u in groups if u.kind != "squad"]
    for unit in sorted(units, key=lambda u: -depth[u.id]):
        if unit.id in reasons:
            continue
        shown_below = {
            m.id
            for child in units
            if child.parent_id == unit.id and child.id not in reasons
            for m in members_of[child.id]
        }
        rest = len({m.id for m in members_of[unit.id]} - shown_below)
        if 0 < rest < min_group:
            reasons[unit.id] = (
                f"其下属单元之外只有 {rest} 人,少于 {min_group} 人:显示本单元会由减法暴露他们 "
                f"(only {rest} members are outside its shown sub-units, fewer than {min_group}: "
                "its age and gender minus theirs would show them)"
            )
    return reasons
