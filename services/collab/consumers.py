"""Events the collab service consumes, the one place listing its subscriptions, and the
jobs it runs on a timer."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from collab.schemas import MemberChangedV1, OrgUnitChangedV1
from collab.service import copies, sla
from shared.db import Database
from shared.events import Envelope
from shared.inbox import Subscription
from shared.runtime import PeriodicJob

subscription = Subscription(consumer="collab")


@subscription.on(OrgUnitChangedV1)
async def on_org_unit_changed(session: AsyncSession, event: Envelope) -> None:
    await copies.apply_org_unit_changed(session, change=OrgUnitChangedV1.model_validate(event.data))


@subscription.on(MemberChangedV1)
async def on_member_changed(session: AsyncSession, event: Envelope) -> None:
    await copies.apply_member_changed(session, change=MemberChangedV1.model_validate(event.data))


async def run_sla_scheduler(db: Database, settings: Any) -> None:
    """Fire every SLA warning and breach that has fallen due."""
    await sla.fire_due_deadlines(db, settings)


subscriptions = [subscription]
jobs = [
    PeriodicJob(
        name="sla-deadlines",
        run=run_sla_scheduler,
        interval_s=lambda settings: float(settings.sla_scheduler_interval_s),
    )
]
