"""What scores are computed from: each member's monthly KPI attainments (goals' figures) and
the share of requests answered within the SLA (collab's tickets). Each writer takes the
members' scoring locks first (``scoring.lock_scoring``), writes the inputs, then rescores
each member and month it touched once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from performance import repository
from performance.models import CollabRequest, IndicatorInput
from performance.service.scorecards import COLLAB_SOURCE, answered_share, q6
from performance.service.scoring import lock_scoring, recompute, recompute_many
from shared.locks import lock_keys

# Two events of one ticket (a breach, then the resolution) write the same request row.
REQUEST_LOCKS = "performance.collab-request"
# How many of the events behind an input it names (the newest).
EVENTS_KEPT = 20


@dataclass(frozen=True)
class KpiFigure:
    """A member's attainment of a KPI for a month, as one ``KPIUpdated`` gives it."""

    member_id: str
    month: str
    kpi: str
    attainment: Decimal | None
    event_id: str
    event_time: datetime
    version: int | None = None
    correlation_id: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.member_id, self.month, f"kpi:{self.kpi}")


def _older(found: IndicatorInput, figure: KpiFigure) -> bool:
    """Whether ``figure`` is older than the one ``found`` holds: the figure's version says
    which is newer; the event time only where a version is missing."""
    if figure.version is not None and found.source_version is not None:
        return figure.version < found.source_version
    return found.last_event_time is not None and figure.event_time < found.last_event_time


async def record_kpis(session: AsyncSession, figures: list[KpiFigure]) -> None:
    """Keep each member's latest attainment of each KPI for the month, then rescore each
    member and month once. Figures are taken in order, as if one by one: an older one
    arriving after a newer one changes nothing; each one taken is named in the input's
    events. A poll of a thousand figures costs a handful of statements."""
    if not figures:
        return
    await lock_scoring(session, {f.member_id for f in figures})
    found = await repository.inputs_by_key(session, keys=[f.key for f in figures])
    touched: dict[tuple[str, str], str | None] = {}
    for figure in figures:
        value = None if figure.attainment is None else q6(figure.attainment)
        current = found.get(figure.key)
        if current is None:
            current = found[figure.key] = IndicatorInput(
                member_id=figure.member_id,
                month=figure.month,
                source=figure.key[2],
                value=value,
                event_ids=[figure.event_id],
                last_event_time=figure.event_time,
                source_version=figure.version,
            )
            session.add(current)
        elif _older(current, figure):
            continue  # an older figure arriving late: the newer one stands
        else:
            current.value = value
            current.event_ids = [*current.event_ids, figure.event_id][-EVENTS_KEPT:]
            current.last_event_time = figure.event_time
            current.source_version = figure.version
        touched[(figure.member_id, figure.month)] = figure.correlation_id
    await session.flush()
    causes = {pair: cause for pair, cause in touched.items() if cause is not None}
    await recompute_many(session, touched, causes=causes)


async def record_request(
    session: AsyncSession,
    *,
    ticket_id: str,
    member_id: str,
    month: str,
    within_sla: bool,
    event_id: str,
) -> None:
    """A request answered (or breached) by a member: the collaboration indicator's input is
    the month's share answered within the SLA; a breach is final for its ticket. A request
    counts for the member and month of its first event."""
    await lock_keys(session, REQUEST_LOCKS, [ticket_id])
    request = await repository.get_collab_request(session, ticket_id=ticket_id)
    if request is not None:
        # A later event of the ticket (resolved after its breach, in another month or by
        # another assignee) changes the request where it was first counted.
        member_id, month = request.member_id, request.month
    await lock_scoring(session, [member_id])
    if request is None:
        await repository.add(
            session,
            row=CollabRequest(
                ticket_id=ticket_id,
                member_id=member_id,
                month=month,
                within_sla=within_sla,
                event_ids=[event_id],
            ),
        )
    else:
        request.within_sla = request.within_sla and within_sla
        request.event_ids = [*request.event_ids, event_id]
        await session.flush()
    in_sla, total, events = await repository.collab_counts(
        session, member_id=member_id, month=month
    )
    found = await repository.get_input(
        session, member_id=member_id, month=month, source=COLLAB_SOURCE, for_update=True
    )
    share = answered_share(in_sla, total)
    if found is None:
        await repository.add(
            session,
            row=IndicatorInput(
                member_id=member_id,
                month=month,
                source=COLLAB_SOURCE,
                value=share,
                answered_in_sla=in_sla,
                requests=total,
                event_ids=events[-EVENTS_KEPT:],
            ),
        )
    else:
        found.value, found.answered_in_sla, found.requests = share, in_sla, total
        found.event_ids = events[-EVENTS_KEPT:]
        await session.flush()
    await recompute(session, member_id=member_id, month=month)
