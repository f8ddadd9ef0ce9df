"""Events the performance service consumes, and the one place listing its subscriptions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from performance import service
from performance.schemas import OrgUnitChangedV1
from shared.events import Envelope
from shared.inbox import Subscription

subscription = Subscription(consumer="performance")


@subscription.on("goals.org-unit.changed")
async def on_org_unit_changed(session: AsyncSession, event: Envelope) -> None:
    await service.apply_org_unit_changed(
        session, change=OrgUnitChangedV1.model_validate(event.data)
    )


subscriptions = [subscription]
