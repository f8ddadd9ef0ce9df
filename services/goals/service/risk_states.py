"""Each goal's risk state, and the events that follow its changes.

A goal starts on track (it has no row). Whenever its alert is computed while its period
runs, the alert's status is compared with the stored state; a change is stored and
published through the outbox in the same transaction: ``GoalAtRisk`` (now at risk),
``GoalOffTrack`` (now off track) or ``GoalBackOnTrack`` (on track again). The same state
evaluated again publishes nothing. Concurrent evaluations of a goal queue on its row, so
a change is published once."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository
from goals.events import GoalAtRisk, GoalBackOnTrack, GoalOffTrack, outbox
from goals.schemas.progress import ProgressSource
from goals.schemas.risk import RiskAlert, RiskStatus
from goals.settings import Settings

EVENTS = {
    RiskStatus.at_risk: GoalAtRisk,
    RiskStatus.off_track: GoalOffTrack,
    RiskStatus.on_track: GoalBackOnTrack,
}


async def record(
    session: AsyncSession, *, alerts: list[RiskAlert], today: date, settings: Settings
) -> int:
    """Store the alerts' states that changed and publish one event per change; returns how
    many changed."""
    if not alerts:
        return 0
    known = await repository.risk_states(session, goal_ids=[a.goal_id for a in alerts])
    candidates = [
        a for a in alerts if a.status.value != known.get(a.goal_id, RiskStatus.on_track.value)
    ]
    if not candidates:
        return 0  # nothing moved: no write at all
    locked = await repository.risk_states_for_update(
        session,
        goal_ids=[a.goal_id for a in candidates],
        initial={
            "status": RiskStatus.on_track.value,
            "progress": None,
            "progress_source": ProgressSource.none.value,
            "changed_on": today,
            "changes": 0,
        },
    )
    events = []
    for alert in candidates:
        state = locked[alert.goal_id]
        if state.status == alert.status.value:
            continue  # another evaluation recorded this change first
        events.append(
            EVENTS[alert.status](
                goal_id=alert.goal_id,
                title=alert.title,
                owner_type=alert.owner_type.value,
                owner_id=alert.owner_id,
                period=alert.period,
                status=alert.status.value,
                previous_status=state.status,
                progress=alert.progress,
                progress_source=alert.progress_source.value,
                progress_axis=alert.progress_axis.value if alert.progress_axis else None,
                expected=alert.expected,
                gap=alert.gap,
                threshold=alert.threshold,
                suggested_correction=alert.suggested_correction,
                evaluated_on=today,
            )
        )
        state.status = alert.status.value
        state.progress = alert.progress
        state.progress_source = alert.progress_source.value
        state.changed_on = today
        state.changes += 1
    if events:
        await outbox.publish_many(session, events)
    await session.flush()
    return len(events)
