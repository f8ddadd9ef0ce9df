"""A ticket's SLA clock replayed from its recorded status history: pure, no I/O.

The clock runs while a ticket is open or in progress and stops while it waits on the
requester and once it is resolved (or closed); every move is a step with the instant it was
made. Replaying the steps in their recorded order gives what the stored clock must say: the
business seconds of the finished running spans, and the start of the span still running."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from collab.models import TicketStep
from collab.service.calendar import BusinessCalendar

RUNNING_STATUSES = frozenset({"open", "in_progress"})
STOPPED_STATUSES = frozenset({"waiting_on_requester", "resolved", "closed"})
# The step kinds that move a ticket to a status (``opened`` to open, ``reopened`` to in progress).
STATUS_STEP_KINDS = ("opened", "status", "reopened")


def status_after(step: TicketStep) -> str | None:
    """The status a step moved its ticket to, or None for a step that moves nothing."""
    if step.kind == "opened":
        return "open"
    if step.kind == "reopened":
        return "in_progress"
    if step.kind == "status":
        to = step.detail.get("to")
        return to if isinstance(to, str) else None
    return None


@dataclass(frozen=True)
class RunningSpan:
    """One stretch of time the clock ran; ``end`` is None while it still runs."""

    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class ReplayedClock:
    """The clock as the history tells it, on the owner unit's calendar."""

    calendar: BusinessCalendar
    spans: tuple[RunningSpan, ...]
    status: str | None

    @property
    def running_since(self) -> datetime | None:
        """Where the running span started (the stored ``clock_since``), None when stopped."""
        if self.spans and self.spans[-1].end is None:
            return self.spans[-1].start
        return None

    @property
    def seconds_used(self) -> int:
        """Business seconds of the finished spans (the stored ``business_seconds_used``)."""
        return sum(
            self.calendar.seconds_between(span.start, span.end)
            for span in self.spans
            if span.end is not None
        )

    def seconds_used_at(self, instant: datetime) -> int:
        """Business seconds the clock had counted at ``instant``."""
        total = 0
        for span in self.spans:
            if span.start >= instant:
                break
            end = instant if span.end is None or span.end > instant else span.end
            total += self.calendar.seconds_between(span.start, end)
        return total

    def running_at(self, instant: datetime) -> bool:
        """Whether the clock ran at ``instant``; a span's both ends count (a deadline due at
        the very instant the clock stops has fallen due)."""
        return any(
            span.start <= instant and (span.end is None or instant <= span.end)
            for span in self.spans
        )


def replay(steps: Iterable[TicketStep], calendar: BusinessCalendar) -> ReplayedClock:
    """The clock that ``steps`` (one ticket's, in recorded order) imply."""
    spans: list[RunningSpan] = []
    since: datetime | None = None
    status: str | None = None
    for step in steps:
        to = status_after(step)
        if to is None:
            continue
        status = to
        if to in RUNNING_STATUSES and since is None:
            since = step.at
        elif to in STOPPED_STATUSES and since is not None:
            spans.append(RunningSpan(since, step.at))
            since = None
    if since is not None:
        spans.append(RunningSpan(since, None))
    return ReplayedClock(calendar=calendar, spans=tuple(spans), status=status)
