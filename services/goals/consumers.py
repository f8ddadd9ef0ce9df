"""Events the goals service consumes, and the jobs it runs on a timer (risk evaluation,
the erasure of expired candidate data). It is the source of
the organisation; what it learns from others is which units collab's data grants let read
each other's KPI figures."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.schemas.contracts import DataGrantChangedV1
from goals.service import retention, risk
from shared.db import Database
from shared.events import Envelope
from shared.inbox import Subscription
from shared.runtime import PeriodicJob

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


async def run_risk_evaluation(db: Database, settings: Any) -> None:
    """Evaluate every live goal's risk state, publishing each change."""
    await risk.evaluate_on_timer(db, settings)


async def run_candidate_erasure(db: Database, settings: Any) -> None:
    """Erase the personal data of candidates not hired, closed past the retention period."""
    await retention.erase_on_timer(db, settings)


subscriptions = [subscription]
jobs = [
    PeriodicJob(
        name="risk-evaluation",
        run=run_risk_evaluation,
        interval_s=lambda settings: float(settings.risk_evaluation_interval_s),
    ),
    PeriodicJob(
        name="candidate-erasure",
        run=run_candidate_erasure,
        interval_s=lambda settings: float(settings.candidate_erasure_interval_s),
    ),
]
