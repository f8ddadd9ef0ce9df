"""Collab's part of the invariant checker (see ``shared.verify``): every ticket's status, SLA
clock, due times and at-risk instants, deadlines and breach flags against a replay of its
recorded status history on its owner unit's calendar; its version against its recorded
changes; warnings and breaches against the clock that should have been running; the search
columns of the knowledge base, tickets and meetings; action items' done times; and collab's
copies of goals' members and org units.

Read-only. A deadline that is due but not yet fired is not drift (the scheduler is simply
behind); a ticket whose owner unit's calendar changed after the ticket was opened is checked
for everything but its clock figures, which were computed on the calendar of their time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from collab import verify_reads
from collab.events import Clock
from collab.models import SlaDeadline, Ticket, TicketStep, UnitCalendar
from collab.service import search_tokens, sla, unit_calendars
from collab.service.calendar import BusinessCalendar, CalendarError, hours_to_seconds
from collab.service.clock_history import ReplayedClock, replay
from collab.settings import Settings
from shared.verify import Copy, Drift, copy_of, same, text_of

SERVICE = "collab"
CHUNK = 500
# The steps that each come with one ``version`` increment of their ticket.
VERSIONED_STEP_KINDS = frozenset(
    {"status", "changed", "reopened", "root_cause", "escalation", "decision"}
)
ALERT_STEP_KINDS = {"sla_at_risk": sla.AT_RISK, "sla_breached": sla.BREACHED}


@dataclass(frozen=True)
class OwnerCalendar:
    calendar: BusinessCalendar
    changed_at: datetime | None


def _text(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return text_of(value)


def _same(stored: object, expected: object) -> bool:
    if isinstance(stored, datetime) and isinstance(expected, datetime):
        return stored == expected
    return same(stored, expected)


class _TicketCheck:
    """The drift of one ticket, collected as its values are compared."""

    def __init__(self, ticket: Ticket) -> None:
        self.ticket = ticket
        self.found: list[Drift] = []

    def compare(
        self, kind: str, name: str, stored: object, expected: object, detail: str = ""
    ) -> None:
        if not _same(stored, expected):
            self.found.append(
                Drift(
                    SERVICE,
                    kind,
                    f"{self.ticket.id} {name}",
                    _text(stored),
                    _text(expected),
                    detail=detail,
                )
            )


def ticket_drift(
    ticket: Ticket,
    steps: Sequence[TicketStep],
    deadlines: Sequence[SlaDeadline],
    owner: OwnerCalendar,
) -> list[Drift]:
    """One ticket's stored derived values against its steps (in recorded order)."""
    check = _TicketCheck(ticket)
    clock = replay(steps, owner.calendar)
    check.compare("ticket-status", "status", ticket.status, clock.status, "the last status step")
    check.compare(
        "ticket-version",
        "version",
        ticket.version,
        1 + sum(step.kind in VERSIONED_STEP_KINDS for step in steps),
        "one more than the recorded changes",
    )
    fired = {d.kind for d in deadlines if d.fired_at is not None}
    for which in Clock:
        kind = sla.deadline_kind(which, sla.BREACHED)
        check.compare(
            "sla-breach-flag",
            f"{which.value}_breached",
            getattr(ticket, f"{which.value}_breached"),
            kind in fired,
            "set exactly when the clock's breach deadline fired",
        )
    _check_alerts(check, steps, fired, clock)
    if owner.changed_at is None or owner.changed_at <= ticket.created_at:
        _check_clock(check, clock, deadlines, fired)
    return check.found


def _check_alerts(
    check: _TicketCheck, steps: Sequence[TicketStep], fired: set[str], clock: ReplayedClock
) -> None:
    """Each fired deadline left one step, at an instant its clock was running."""
    ticket = check.ticket
    recorded: dict[str, int] = {}
    for step in steps:
        what = ALERT_STEP_KINDS.get(step.kind)
        if what is None:
            continue
        which = str(step.detail.get("clock"))
        kind = f"{which}_{what}"
        recorded[kind] = recorded.get(kind, 0) + 1
        answered = ticket.first_response_at
        stopped = not clock.running_at(step.at) or (
            which == Clock.response.value and answered is not None and step.at > answered
        )
        if stopped:
            check.compare(
                "sla-alert-while-stopped",
                f"{kind} at",
                step.at,
                None,
                f"published for a clock that was not running then (first response {answered})",
            )
    for kind in sorted(fired | set(recorded)):
        check.compare(
            "sla-alert-recorded",
            f"{kind} steps",
            recorded.get(kind, 0),
            1 if kind in fired else 0,
            "one step for each fired deadline",
        )


def _check_clock(
    check: _TicketCheck,
    clock: ReplayedClock,
    deadlines: Sequence[SlaDeadline],
    fired: set[str],
) -> None:
    ticket = check.ticket
    used = clock.seconds_used
    check.compare("sla-clock", "business_seconds_used", ticket.business_seconds_used, used)
    check.compare("sla-clock", "clock_since", ticket.clock_since, clock.running_since)
    answered = ticket.first_response_at
    check.compare(
        "sla-clock",
        "response_business_hours",
        ticket.response_business_hours,
        None if answered is None else sla.hours(clock.seconds_used_at(answered)),
    )
    settled = ticket.status in ("resolved", "closed")
    check.compare(
        "sla-clock",
        "resolution_business_hours",
        ticket.resolution_business_hours,
        sla.hours(used) if settled else None,
    )
    unfired: dict[str, datetime] = {}
    for which in Clock:
        finished = (answered if which == Clock.response else ticket.resolved_at) is not None
        if finished:  # its due time is history, and it has no deadlines left
            continue
        target = hours_to_seconds(sla.target_hours(ticket, which))
        due = _after(clock, target)
        check.compare("sla-due", f"{which.value}_due_at", _due_of(ticket, which), due)
        warning = _after(clock, sla.warning_seconds(target, ticket.at_risk_share))
        at_risk_at = (
            ticket.response_at_risk_at if which == Clock.response else ticket.resolution_at_risk_at
        )
        check.compare("sla-due", f"{which.value}_at_risk_at", at_risk_at, warning)
        if due is None:
            continue
        for what, instant in ((sla.AT_RISK, warning), (sla.BREACHED, due)):
            kind = sla.deadline_kind(which, what)
            if kind not in fired and instant is not None:
                unfired[kind] = instant
    stored = {d.kind: d.due_at for d in deadlines if d.fired_at is None}
    for kind in sorted(set(stored) | set(unfired)):
        check.compare("sla-deadline", kind, stored.get(kind), unfired.get(kind))


def _after(clock: ReplayedClock, seconds: int) -> datetime | None:
    """When the running clock reaches ``seconds``; None while it is stopped."""
    since = clock.running_since
    if since is None:
        return None
    try:
        return clock.calendar.add_seconds(since, max(0, seconds - clock.seconds_used))
    except CalendarError:  # the service refuses such a calendar: nothing to compare
        return None


def _due_of(ticket: Ticket, which: Clock) -> datetime | None:
    return ticket.response_due_at if which == Clock.response else ticket.resolution_due_at


async def _owner_calendars(session: AsyncSession, settings: Settings) -> dict[str, OwnerCalendar]:
    """Every known unit's effective calendar (its own or its nearest ancestor's)."""
    rows: dict[str, UnitCalendar] = await verify_reads.calendars(session)
    parents = {unit.id: unit.parent_id for unit in await verify_reads.org_unit_copies(session)}
    found: dict[str, OwnerCalendar] = {}
    for unit in sorted(set(rows) | set(parents)):
        row = unit_calendars.nearest(unit, parents, rows)
        if row is not None:
            found[unit] = OwnerCalendar(unit_calendars.calendar_of(row, settings), row.updated_at)
    return found


async def _tickets(session: AsyncSession, settings: Settings) -> list[Drift]:
    owners = await _owner_calendars(session, settings)
    default = OwnerCalendar(unit_calendars.calendar_of(None, settings), None)
    found: list[Drift] = []
    after: str | None = None
    while tickets := await verify_reads.tickets_after(session, after_id=after, limit=CHUNK):
        ids = [t.id for t in tickets]
        steps = await verify_reads.steps_by_ticket(session, ticket_ids=ids)
        deadlines = await verify_reads.deadlines_by_ticket(session, ticket_ids=ids)
        for ticket in tickets:
            found += ticket_drift(
                ticket,
                steps.get(ticket.id, []),
                deadlines.get(ticket.id, []),
                owners.get(ticket.owner_unit_id, default),
            )
        found += await search_drift(
            session,
            "tickets",
            "ticket",
            [Searched(t.id, t.title, t.description, t.search_title) for t in tickets],
        )
        after = ids[-1]
        session.expunge_all()  # a page at a time, however many tickets there are
    for (ticket_id, event_type, which), count in sorted(
        (await verify_reads.sla_events_published(session)).items()
    ):
        found.append(
            Drift(
                SERVICE,
                "sla-event-published",
                f"{ticket_id} {event_type} {which}",
                str(count),
                "1",
                detail="each warning and breach of a clock is published once",
            )
        )
    return found


@dataclass(frozen=True)
class Searched:
    """One row's search columns and the text they are written from."""

    id: str
    title: str
    body: str
    search_title: str


async def search_drift(
    session: AsyncSession, table: str, what: str, rows: Sequence[Searched]
) -> list[Drift]:
    """The rows of ``table`` whose ``search_title`` or ``search_tokens`` are not what
    ``search_tokens`` makes of their text (``what``-search-title, ``what``-search-tokens)."""
    found = [
        Drift(
            SERVICE,
            f"{what}-search-title",
            row.id,
            row.search_title,
            expected,
            detail="the title, normalised",
        )
        for row in rows
        if row.search_title != (expected := search_tokens.normalise(row.title))
    ]
    vectors = {row.id: search_tokens.vector(row.title, row.body) for row in rows}
    for row_id, stored in await verify_reads.tokens_differing(session, vectors, table):
        found.append(
            Drift(
                SERVICE,
                f"{what}-search-tokens",
                row_id,
                stored,
                vectors[row_id],
                detail=f"the {what}'s search tokens, from its title and {SEARCHED_TEXT[what]}",
            )
        )
    return found


SEARCHED_TEXT = {"article": "body", "ticket": "description", "meeting": "goal and minutes"}


async def _articles(session: AsyncSession) -> list[Drift]:
    found: list[Drift] = []
    after: str | None = None
    while articles := await verify_reads.articles_after(session, after_id=after, limit=CHUNK):
        found += await search_drift(
            session,
            "knowledge_articles",
            "article",
            [Searched(a.id, a.title, a.body, a.search_title) for a in articles],
        )
        after = articles[-1].id
        session.expunge_all()
    return found


async def _meetings(session: AsyncSession) -> list[Drift]:
    found: list[Drift] = []
    after: str | None = None
    while meetings := await verify_reads.meetings_after(session, after_id=after, limit=CHUNK):
        found += await search_drift(
            session,
            "meetings",
            "meeting",
            [
                Searched(
                    m.id, m.title, search_tokens.meeting_body(m.goal, m.minutes), m.search_title
                )
                for m in meetings
            ],
        )
        after = meetings[-1].id
        session.expunge_all()
    return found


async def drift(session: AsyncSession) -> list[Drift]:
    """Every stored derived value of collab that its inputs do not imply."""
    settings = Settings()
    found = await _tickets(session, settings)
    found += await _articles(session)
    found += await _meetings(session)
    found += [
        Drift(
            SERVICE,
            "action-item-done-at",
            action.id,
            _text(action.done_at),
            None if action.status != "done" else "the instant it was marked done",
            detail=f"status {action.status}: done_at is set exactly when done",
        )
        for action in await verify_reads.actions_done_out_of_step(session)
    ]
    return found


async def copies(session: AsyncSession) -> list[Copy]:
    """Collab's copies of goals' members and org units (kept from their change events)."""
    members = [
        copy_of(SERVICE, "member", "/goals/members/{id}", m, ("name", "home_unit_id", "manager_id"))
        for m in await verify_reads.member_copies(session)
    ]
    units = [
        copy_of(SERVICE, "org-unit", "/goals/org-units/{id}", u, ("name", "kind", "parent_id"))
        for u in await verify_reads.org_unit_copies(session)
    ]
    return members + units
