"""Events the performance service consumes, and the one place listing its subscriptions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from performance.schemas import (
    KPIUpdatedV1,
    MemberChangedV1,
    OrgUnitChangedV1,
    PositionChangedV1,
    TicketResolvedV1,
    TicketSLABreachedV1,
)
from performance.service import copies, score_inputs
from performance.service.score_inputs import KpiFigure
from shared.events import Envelope
from shared.inbox import Subscription
from shared.periods import Grain, Period

subscription = Subscription(consumer="performance")


@subscription.on(OrgUnitChangedV1)
async def on_org_unit_changed(session: AsyncSession, event: Envelope) -> None:
    await copies.apply_org_unit_changed(session, change=OrgUnitChangedV1.model_validate(event.data))


@subscription.on(MemberChangedV1)
async def on_member_changed(session: AsyncSession, event: Envelope) -> None:
    await copies.apply_member_changed(session, change=MemberChangedV1.model_validate(event.data))


@subscription.on(PositionChangedV1)
async def on_position_changed(session: AsyncSession, event: Envelope) -> None:
    await copies.apply_position_changed(
        session, change=PositionChangedV1.model_validate(event.data)
    )


@subscription.on_many(KPIUpdatedV1)
async def on_kpi_updated(session: AsyncSession, events: list[Envelope]) -> None:
    """Members' monthly KPI figures feed their live scores (other figures are not scored):
    a run of them at once, each member and month rescored once."""
    figures = []
    for event in events:
        figure = KPIUpdatedV1.model_validate(event.data)
        if figure.owner_type != "member" or Period.parse(figure.period).grain != Grain.month:
            continue
        figures.append(
            KpiFigure(
                member_id=figure.owner_id,
                month=figure.period,
                kpi=figure.kpi,
                attainment=figure.attainment,
                event_id=event.id,
                event_time=event.time,
                version=figure.version,
                correlation_id=event.correlationid,
            )
        )
    await score_inputs.record_kpis(session, figures)


@subscription.on(TicketResolvedV1)
async def on_ticket_resolved(session: AsyncSession, event: Envelope) -> None:
    ticket = TicketResolvedV1.model_validate(event.data)
    if ticket.assignee_id is None:
        return
    await score_inputs.record_request(
        session,
        ticket_id=ticket.ticket_id,
        member_id=ticket.assignee_id,
        month=str(Period.month_of(ticket.resolved_at.date())),
        within_sla=ticket.first_response_within_sla,
        event_id=event.id,
    )


@subscription.on(TicketSLABreachedV1)
async def on_ticket_breached(session: AsyncSession, event: Envelope) -> None:
    ticket = TicketSLABreachedV1.model_validate(event.data)
    if ticket.assignee_id is None:
        return
    await score_inputs.record_request(
        session,
        ticket_id=ticket.ticket_id,
        member_id=ticket.assignee_id,
        month=str(Period.month_of(ticket.breached_at.date())),
        within_sla=False,
        event_id=event.id,
    )


subscriptions = [subscription]
