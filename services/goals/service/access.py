"""Who may see and change what in goals.

A member reads and edits their own goals, check-ins and tasks and reads the goals of the
units they belong to; a manager does the same for everyone in the subtree of the units they
manage (the units in their token); HR and admins see and change everything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from shared.access import ancestors as ancestors
from shared.access import descendants as descendants
from shared.access import hidden, require_hr, sees_everything
from shared.auth import Principal, Role
from shared.errors import SELF_DECISION, DecisionRefused, Forbidden


@dataclass
class Scope:
    """What one principal may reach, worked out once per request."""

    principal: Principal
    everything: bool
    managed_units: set[str]  # the subtree of the units the principal manages
    own_units: set[str]  # the units the principal belongs to, with their ancestors

    def may_read_member(self, member_id: str, home_unit_id: str | None) -> bool:
        return (
            self.everything
            or member_id == self.principal.member_id
            or home_unit_id in self.managed_units
        )

    def may_edit_member(self, member_id: str, home_unit_id: str | None) -> bool:
        return self.may_read_member(member_id, home_unit_id)

    def may_read_unit(self, unit_id: str) -> bool:
        return self.everything or unit_id in self.managed_units or unit_id in self.own_units

    def may_edit_unit(self, unit_id: str) -> bool:
        return self.everything or unit_id in self.managed_units


async def scope_of(session: AsyncSession, principal: Principal) -> Scope:
    if sees_everything(principal):
        return Scope(principal, True, set(), set())
    tree = await repository.unit_tree(session)
    managed = descendants(tree, set(principal.org_units)) if principal.has(Role.manager) else set()
    own: set[str] = set()
    for unit in principal.org_units:
        own.update(ancestors(tree, unit))
    home = (await repository.home_units(session, member_ids=[principal.member_id])).get(
        principal.member_id
    )
    if home is not None:
        own.update(ancestors(tree, home))
    return Scope(principal, False, managed, own)


async def owner_home(session: AsyncSession, *, owner_type: str, owner_id: str) -> str | None:
    if owner_type != "member":
        return None
    return (await repository.home_units(session, member_ids=[owner_id])).get(owner_id)


async def require_owner(
    session: AsyncSession,
    scope: Scope,
    *,
    owner_type: str,
    owner_id: str,
    write: bool,
    hide: bool = True,
) -> None:
    """Raise unless the principal may read (or write) what ``owner`` owns.

    Hidden reads are 404 so that a member cannot learn whom goals exist for."""
    if scope.everything:
        return
    if owner_type == "member":
        home = await owner_home(session, owner_type=owner_type, owner_id=owner_id)
        allowed = (
            scope.may_edit_member(owner_id, home)
            if write
            else scope.may_read_member(owner_id, home)
        )
    else:
        allowed = scope.may_edit_unit(owner_id) if write else scope.may_read_unit(owner_id)
    if allowed:
        return
    if not write:
        if hide:
            raise hidden()
        raise Forbidden("you may not read what this owner owns")
    raise Forbidden("you may not change what this owner owns")


def not_own_target(scope: Scope, owner_type: str, owner_id: str, *, action: str) -> None:
    """A member's KPI targets are what their attainment, and so their pay, is measured
    against: nobody sets or changes their own, whatever their roles (403 self-decision)."""
    if owner_type == "member" and owner_id == scope.principal.member_id:
        raise DecisionRefused(
            SELF_DECISION,
            "your own KPI target is set by your manager or HR, not by you",
            actor=scope.principal.member_id,
            action=action,
            subject=owner_id,
        )


KPI_FIGURES = "kpi_figures"


async def require_kpi_reader(
    session: AsyncSession, scope: Scope, *, owner_type: str, owner_id: str, today: date
) -> None:
    """KPI figures are read by whoever may read their owner, and by the units that the
    owner's unit (or a unit above it) granted ``kpi_figures`` in collab, until the grant
    ends."""
    try:
        await require_owner(
            session, scope, owner_type=owner_type, owner_id=owner_id, write=False, hide=False
        )
        return
    except Forbidden:
        unit = (
            owner_id
            if owner_type != "member"
            else await owner_home(session, owner_type=owner_type, owner_id=owner_id)
        )
        grantors = await repository.granting_units(
            session, grantee_unit_ids=scope.own_units, data_set=KPI_FIGURES, today=today
        )
        if unit is None or not grantors & set(ancestors(await repository.unit_tree(session), unit)):
            raise


def require_admin(principal: Principal) -> None:
    """The org tree and the members are HR's and admins' to change."""
    require_hr(principal)
