"""The SLA of a ticket: which targets apply, where its clock stands, which deadlines the
scheduler must act on, and firing them (warning, breach) exactly once.

Each deadline is a row in ``sla_deadlines``. Whatever changes a ticket's clock (a pause, a
new priority, a response, a resolution) moves or drops the ticket's unfired rows in the same
transaction. The scheduler claims due rows with ``FOR UPDATE SKIP LOCKED`` and, in one
transaction, writes the event to the outbox and marks the row fired: a warning or breach is
published once, whatever restarts or how many replicas run."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from collab import repository
from collab.events import Clock, TicketSLAAtRisk, TicketSLABreached, outbox
from collab.models import SlaDeadline, SlaPolicy, Ticket, TicketStep
from collab.service.calendar import (
    BusinessCalendar,
    CalendarError,
    hours_to_seconds,
    seconds_to_hours,
)
from collab.service.unit_calendars import calendar_for
from collab.settings import Settings
from shared.db import Database
from shared.errors import Unprocessable

AT_RISK, BREACHED = "at_risk", "breached"
RESPONSE_KINDS = ("response_at_risk", "response_breached")
RESOLUTION_KINDS = ("resolution_at_risk", "resolution_breached")


def deadline_kind(clock: Clock, what: str) -> str:
    return f"{clock.value}_{what}"


@dataclass(frozen=True)
class Targets:
    policy_id: str | None
    response_hours: Decimal
    resolution_hours: Decimal
    at_risk_share: Decimal


def _matches(values: list[str], value: str) -> bool:
    return not values or value in values


def choose_targets(
    policies: list[SlaPolicy],
    settings: Settings,
    *,
    category: str,
    priority: str,
    requester_unit_id: str,
    owner_unit_id: str,
) -> Targets:
    """The first policy (by rank) whose every condition matches, else the defaults."""
    for policy in policies:
        if (
            _matches(policy.categories, category)
            and _matches(policy.priorities, priority)
            and _matches(policy.requester_unit_ids, requester_unit_id)
            and _matches(policy.owner_unit_ids, owner_unit_id)
        ):
            resolution = policy.resolution_hours.get(priority)
            return Targets(
                policy_id=policy.id,
                response_hours=policy.first_response_hours,
                resolution_hours=Decimal(resolution)
                if resolution is not None
                else settings.resolution_hours[priority],
                at_risk_share=policy.at_risk_share or settings.at_risk_share,
            )
    return Targets(
        policy_id=None,
        response_hours=settings.first_response_hours,
        resolution_hours=settings.resolution_hours[priority],
        at_risk_share=settings.at_risk_share,
    )


async def owner_calendar(
    session: AsyncSession, settings: Settings, ticket: Ticket
) -> BusinessCalendar:
    """The calendar a ticket's clock counts on: its owner unit's effective calendar (its
    own or inherited, with the public holidays of its country)."""
    return await calendar_for(session, settings, unit_id=ticket.owner_unit_id)


async def targets_for(session: AsyncSession, settings: Settings, ticket: Ticket) -> Targets:
    """The targets the active policies give a ticket as it is now."""
    return choose_targets(
        await repository.active_policies(session),
        settings,
        category=ticket.category,
        priority=ticket.priority,
        requester_unit_id=ticket.requester_unit_id,
        owner_unit_id=ticket.owner_unit_id,
    )


def used_seconds(ticket: Ticket, calendar: BusinessCalendar, now: datetime) -> int:
    """Business seconds the ticket's clock has counted by ``now`` (pauses excluded)."""
    running = calendar.seconds_between(ticket.clock_since, now) if ticket.clock_since else 0
    return ticket.business_seconds_used + running


def stop_clock(ticket: Ticket, calendar: BusinessCalendar, now: datetime) -> None:
    ticket.business_seconds_used = used_seconds(ticket, calendar, now)
    ticket.clock_since = None


def start_clock(ticket: Ticket, now: datetime) -> None:
    if ticket.clock_since is None:
        ticket.clock_since = now


def apply_targets(ticket: Ticket, targets: Targets) -> None:
    ticket.policy_id = targets.policy_id
    ticket.response_target_hours = targets.response_hours
    ticket.resolution_target_hours = targets.resolution_hours
    ticket.at_risk_share = targets.at_risk_share


def _running_clocks(ticket: Ticket) -> list[Clock]:
    if ticket.clock_since is None:
        return []
    clocks = []
    if ticket.first_response_at is None:
        clocks.append(Clock.response)
    if ticket.resolved_at is None:
        clocks.append(Clock.resolution)
    return clocks


def target_hours(ticket: Ticket, clock: Clock) -> Decimal:
    return (
        ticket.response_target_hours if clock == Clock.response else ticket.resolution_target_hours
    )


def warning_seconds(target_seconds: int, share: Decimal) -> int:
    """When a clock is at risk: ``share`` of its target, rounded up to a whole second."""
    return math.ceil(Decimal(target_seconds) * share)


def due_at(ticket: Ticket, calendar: BusinessCalendar, seconds: int) -> datetime:
    """When the running clock reaches ``seconds`` of business time (now-ish if it has)."""
    assert ticket.clock_since is not None
    left = max(0, seconds - ticket.business_seconds_used)
    try:
        return calendar.add_seconds(ticket.clock_since, left)
    except CalendarError as exc:
        raise Unprocessable(
            f"the owner unit's calendar has too few working hours for this target: {exc}"
        ) from exc


async def reschedule(session: AsyncSession, ticket: Ticket, calendar: BusinessCalendar) -> None:
    """Recompute the ticket's due times from the business time it has used, and move its
    unfired deadlines to match (dropping those of clocks that no longer run)."""
    running = _running_clocks(ticket)
    for clock in (Clock.response, Clock.resolution):
        kinds = [deadline_kind(clock, AT_RISK), deadline_kind(clock, BREACHED)]
        if clock not in running:
            await repository.drop_deadlines(session, ticket_id=ticket.id, kinds=kinds)
            done = (
                ticket.first_response_at if clock == Clock.response else ticket.resolved_at
            ) is not None
            if not done:  # paused: no due time until the clock runs again
                _set_due(ticket, clock, None)
            _set_at_risk_at(ticket, clock, None)
            continue
        target = hours_to_seconds(target_hours(ticket, clock))
        warn = warning_seconds(target, ticket.at_risk_share)
        due = due_at(ticket, calendar, target)
        at_risk_at = due_at(ticket, calendar, warn)
        _set_due(ticket, clock, due)
        _set_at_risk_at(ticket, clock, at_risk_at)
        await repository.set_deadline(
            session, ticket_id=ticket.id, kind=kinds[0], due_at=at_risk_at
        )
        await repository.set_deadline(session, ticket_id=ticket.id, kind=kinds[1], due_at=due)


def _set_due(ticket: Ticket, clock: Clock, due: datetime | None) -> None:
    if clock == Clock.response:
        ticket.response_due_at = due
    else:
        ticket.resolution_due_at = due


def _set_at_risk_at(ticket: Ticket, clock: Clock, at: datetime | None) -> None:
    if clock == Clock.response:
        ticket.response_at_risk_at = at
    else:
        ticket.resolution_at_risk_at = at


async def fire(
    session: AsyncSession, *, ticket: Ticket, deadline: SlaDeadline, now: datetime
) -> None:
    """Publish what a due deadline means and mark it fired, in the caller's transaction."""
    clock_name, what = deadline.kind.split("_", 1)
    clock = Clock(clock_name)
    common: dict[str, Any] = {
        "ticket_id": ticket.id,
        "clock": clock,
        "assignee_id": ticket.assignee_id,
        "owner_unit_id": ticket.owner_unit_id,
        "requester_unit_id": ticket.requester_unit_id,
        "target_hours": target_hours(ticket, clock),
    }
    if what == BREACHED:
        if clock == Clock.response:
            ticket.response_breached = True
        else:
            ticket.resolution_breached = True
        await outbox.publish(
            session, TicketSLABreached(**common, breached_at=deadline.due_at, detected_at=now)
        )
    else:
        due = ticket.response_due_at if clock == Clock.response else ticket.resolution_due_at
        await outbox.publish(
            session,
            TicketSLAAtRisk(
                **common, at_risk_at=deadline.due_at, due_at=due, share=ticket.at_risk_share
            ),
        )
    await repository.add(
        session,
        row=TicketStep(
            id=str(uuid.uuid4()),
            ticket_id=ticket.id,
            kind=f"sla_{what}",
            actor_id="sla-scheduler",
            at=deadline.due_at,
            detail={"clock": clock.value, "detected_at": now.isoformat()},
        ),
    )
    await repository.mark_fired(session, deadline_ids=[deadline.id], at=now)


async def settle_due(
    session: AsyncSession, *, ticket: Ticket, kinds: tuple[str, ...], now: datetime
) -> None:
    """Fire the ticket's deadlines of ``kinds`` that fell due before the scheduler got to
    them: a response seconds after its breach still publishes the breach, once."""
    for deadline in await repository.deadlines_of(session, ticket_id=ticket.id):
        if deadline.kind in kinds and deadline.fired_at is None and deadline.due_at <= now:
            await fire(session, ticket=ticket, deadline=deadline, now=now)


async def fire_due_deadlines(db: Database, settings: Settings) -> int:
    """One pass of the scheduler: fire every deadline due by now, in batches."""
    fired = 0
    while True:
        async with db.transaction() as session:
            now = datetime.now(UTC)
            claimed = await repository.claim_due_deadlines(
                session, now=now, limit=settings.sla_scheduler_batch
            )
            for deadline, ticket in claimed:
                await fire(session, ticket=ticket, deadline=deadline, now=now)
        fired += len(claimed)
        if len(claimed) < settings.sla_scheduler_batch:
            return fired


def local(instant: datetime | None, calendar: BusinessCalendar) -> datetime | None:
    """``instant`` in the calendar's time zone (with its offset), for reads."""
    return instant.astimezone(calendar.zone) if instant is not None else None


def hours(seconds: int) -> Decimal:
    return seconds_to_hours(seconds)
