"""What incentives keeps from other services' events: members and org units (goals), KPI
definitions and figures (goals), closed reviews and live scores (performance). Copies only
move forward: an older version, event or revision arriving late changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import MemberCopy, OrgUnitCopy
from incentives.schemas import (
    KPIDefinitionChangedV1,
    KPIUpdatedV1,
    MemberChangedV1,
    OrgUnitChangedV1,
    ReviewClosedV1,
    ScoreComputedV1,
)
from incentives.service import recalc
from incentives.service.recalc import Queued
from shared.db import upsert_newer


async def org_unit_changed(session: AsyncSession, *, change: OrgUnitChangedV1) -> None:
    """Keep the newer version of the unit (the dashboard's subtrees follow its parent)."""
    await upsert_newer(
        session,
        model=OrgUnitCopy,
        values={
            "id": change.unit_id,
            "name": change.name,
            "kind": change.kind,
            "parent_id": change.parent_id,
            "source_version": change.version,
        },
    )


async def member_changed(session: AsyncSession, *, change: MemberChangedV1) -> None:
    """Keep the newer version of the member; when what pay depends on changed, look at their
    pay again for every period a plan exists for."""
    # Locked: a version being applied at the same time commits first, and this one is then
    # compared with it (not with what both read before), so no change goes unqueued.
    before = await repository.get_member(session, member_id=change.member_id, lock=True)
    if before is not None and before.source_version >= change.version:
        return  # an older (or the same) version arriving late changes nothing
    unit_path = change.unit_path or [change.home_unit_id]
    pay_fields = (unit_path, change.layer, change.hired_on, change.left_on)
    unchanged = before is not None and pay_fields == (
        before.unit_path,
        before.layer,
        before.hired_on,
        before.left_on,
    )
    await upsert_newer(
        session,
        model=MemberCopy,
        values={
            "id": change.member_id,
            "name": change.name,
            "home_unit_id": change.home_unit_id,
            "unit_path": unit_path,
            "layer": change.layer,
            "tier": change.tier,
            "manager_id": change.manager_id,
            "hired_on": change.hired_on,
            "left_on": change.left_on,
            "position_id": change.position_id,
            "mentor_id": change.mentor_id,
            "source_version": change.version,
        },
    )
    session.expire_all()
    if unchanged:
        return
    # Plans and proration may differ now: look again at every period a plan exists for.
    await recalc.queue(
        session,
        [
            Queued(
                change.member_id,
                period,
                f"member record changed (version {change.version})",
                {"member_version": change.version},
            )
            for period in await repository.plan_periods(session)
        ],
    )


async def kpi_definition_changed(session: AsyncSession, *, change: KPIDefinitionChangedV1) -> None:
    """Keep the newest version of the KPI definition (plans name only active ones)."""
    await repository.save_kpi_definition(
        session,
        values={
            "code": change.code,
            "name": change.name,
            "unit": change.unit,
            "active": change.active,
            "source_version": change.version,
        },
    )


C = TypeVar("C")
K = TypeVar("K", bound=Hashable)


def newest_by(
    items: Iterable[C], *, key: Callable[[C], K], replaces: Callable[[C, C], bool]
) -> dict[K, C]:
    """Of the items of a poll, the one that stands per key, taken in order as if they had
    come one by one: a later item replaces the kept one when ``replaces(later, kept)``."""
    kept: dict[K, C] = {}
    for item in items:
        found = kept.get(key(item))
        if found is None or replaces(item, found):
            kept[key(item)] = item
    return kept


@dataclass(frozen=True)
class Figure:
    """One ``KPIUpdated`` as incentives reads it."""

    figure: KPIUpdatedV1
    event_id: str
    event_time: datetime

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.figure.owner_id, self.figure.kpi, self.figure.period)

    def newer_than(self, other: Figure) -> bool:
        """Whether this figure replaces ``other`` (as the stored copy's rule has it)."""
        mine, theirs = self.figure.version, other.figure.version
        if mine is not None and theirs is not None:
            return theirs <= mine
        return other.event_time <= self.event_time


async def kpis_updated(session: AsyncSession, figures: list[Figure]) -> None:
    """Members' figures move their live projections (and draft runs) for those periods.
    Of several figures of one member, KPI and period, the newest is kept, as if they had
    come one by one; each member and period is queued once for a look at their pay."""
    newest = newest_by(
        [f for f in figures if f.figure.owner_type == "member"],
        key=lambda f: f.key,
        replaces=lambda f, kept: f.newer_than(kept),
    )
    stored = await repository.save_figures(
        session,
        rows=[
            {
                "member_id": f.figure.owner_id,
                "kpi": f.figure.kpi,
                "period": f.figure.period,
                "actual": f.figure.actual,
                "target": f.figure.target,
                "attainment": f.figure.attainment,
                "event_id": f.event_id,
                "event_time": f.event_time,
                "source_version": f.figure.version,
            }
            for f in newest.values()
        ],
    )
    await recalc.queue(
        session,
        [
            Queued(
                f.figure.owner_id,
                f.figure.period,
                f"{f.figure.kpi} for {f.figure.period} changed (event {f.event_id})",
                {"event": f.event_id, "kpi": f.figure.kpi},
            )
            for key, f in newest.items()
            if key in stored
        ],
    )


async def reviews_closed(session: AsyncSession, reviews: list[tuple[ReviewClosedV1, str]]) -> None:
    """Newer closings of members' reviews move their pay for the reviews' periods: of
    several of one member and period in a poll, the highest revision."""
    newest = newest_by(
        reviews,
        key=lambda r: (r[0].member_id, r[0].period),
        replaces=lambda r, kept: kept[0].revision < r[0].revision,
    )
    stored = await repository.save_reviews(
        session,
        rows=[
            {
                "member_id": review.member_id,
                "period": review.period,
                "review_id": review.review_id,
                "rating": review.rating,
                "final_score": review.final_score,
                "revision": review.revision,
                "event_id": event_id,
            }
            for review, event_id in newest.values()
        ],
    )
    await recalc.queue(
        session,
        [
            Queued(
                review.member_id,
                review.period,
                f"review {review.review_id} closed (revision {review.revision})",
                {"event": event_id, "review_id": review.review_id, "revision": review.revision},
                review_closed=True,
            )
            for key, (review, event_id) in newest.items()
            if key in stored
        ],
    )


async def scores_computed(session: AsyncSession, scores: list[tuple[ScoreComputedV1, str]]) -> None:
    """Keep each member's newest live score for the month (the stars are not chosen from
    these but from performance's settlement of the month): of several in one poll, the
    highest revision."""
    newest = newest_by(
        scores,
        key=lambda s: (s[0].member_id, s[0].month),
        replaces=lambda s, kept: kept[0].revision < s[0].revision,
    )
    await repository.save_scores(
        session,
        rows=[
            {
                "member_id": score.member_id,
                "month": score.month,
                "score": score.score,
                "revision": score.revision,
                "event_id": event_id,
            }
            for score, event_id in newest.values()
        ],
    )
