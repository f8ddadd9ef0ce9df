"""Events the goals service consumes. It is the source of the organisation; what it learns
from others is which units collab's data grants let read each other's KPI figures."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.schemas.contracts import DataGrantChangedV1
from shared.events import Envelope
from shared.inbox import Subscription

subscription = Subscription(consumer="goals")


@subscription.on(DataGrantChangedV1)
async def on_data_grant_changed(session: AsyncSession, event: Envelope) -> None:
    grant = DataGrantChangedV1.model_validate(event.data)
    await repository.upsert_grant(
        session,
        values={
            "id": grant.grant_id,
            "grantor_unit_id": grant.grantor_unit_id,
            "grantee_unit_id": grant.grantee_unit_id,
            "data_set": grant.data_set,
            "valid_until": grant.valid_until,
            "active": grant.active,
            "source_version": grant.version,
        },
    )


subscriptions = [subscription]
