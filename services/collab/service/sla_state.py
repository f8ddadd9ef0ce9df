"""Where a ticket's SLA clocks stand at an instant, as the API shows it: the business time
left on each clock, and whether it is at risk or breached.

One rule, the scheduler's: a clock not yet met is *at risk* from the moment its used
business time reaches ``at_risk_share`` of its target (rounded up to a whole second, when
``TicketSLAAtRisk`` fires) until it reaches the target; from then it is *breached* (when
``TicketSLABreached`` fires), and a breached clock stays breached after it is met. A met
clock (answered, resolved) has no time left and is not at risk. The list filters
(``repository.at_risk_condition``, ``breached_condition``) state the same rule on the
ticket's columns: the due times and at-risk instants that ``sla.reschedule`` keeps."""

from __future__ import annotations

from dataclasses import dataclass

from collab.events import Clock
from collab.models import Ticket
from collab.service.calendar import hours_to_seconds
from collab.service.sla import target_hours, warning_seconds


@dataclass(frozen=True)
class ClockState:
    remaining_seconds: int | None  # None once the clock is met
    at_risk: bool
    breached: bool


def clock_state(ticket: Ticket, clock: Clock, used_seconds: int) -> ClockState:
    """The state of one clock when it has counted ``used_seconds`` of business time."""
    if clock == Clock.response:
        met, recorded_breach = ticket.first_response_at is not None, ticket.response_breached
    else:
        met, recorded_breach = ticket.resolved_at is not None, ticket.resolution_breached
    if met:
        return ClockState(None, False, recorded_breach)
    target = hours_to_seconds(target_hours(ticket, clock))
    breached = recorded_breach or used_seconds >= target
    warn = warning_seconds(target, ticket.at_risk_share)
    return ClockState(
        remaining_seconds=max(0, target - used_seconds),
        at_risk=not breached and used_seconds >= warn,
        breached=breached,
    )
