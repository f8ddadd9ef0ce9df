"""Tickets between units: opening and reading them, edits, the status machine, comments and
attachments, and the conflict path (root cause, negotiation, escalation to a mediator,
decision).

Every change locks its ticket first (``history.lock_for_change``) and records itself at an
instant no earlier than anything the ticket has recorded, so concurrent changes (and the
deadline scheduler) form one history whose replay gives the stored clock."""

from collab.service.tickets.conflicts import decide, escalate, negotiate, note_root_cause
from collab.service.tickets.conversation import (
    add_attachment,
    add_comment,
    attachments,
    comments,
    steps,
)
from collab.service.tickets.edits import update_ticket
from collab.service.tickets.history import get_ticket
from collab.service.tickets.opening import list_tickets, open_ticket, to_read
from collab.service.tickets.status import reopen, transition

__all__ = [
    "add_attachment",
    "add_comment",
    "attachments",
    "comments",
    "decide",
    "escalate",
    "get_ticket",
    "list_tickets",
    "negotiate",
    "note_root_cause",
    "open_ticket",
    "reopen",
    "steps",
    "to_read",
    "transition",
    "update_ticket",
]
