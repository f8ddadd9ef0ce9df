"""Search columns of tickets and meetings, written the one way search reads them (the same
tokeniser as the knowledge base: ``search_tokens``), and a search as the lists read it."""

from __future__ import annotations

from collab.models import Meeting, Ticket
from collab.repository import TextSearch
from collab.service.search_tokens import meeting_body, normalise, query, vector


def index_ticket(ticket: Ticket) -> None:
    """Fill the ticket's search columns from its title and description (on opening it and
    whenever either changes)."""
    ticket.search_title = normalise(ticket.title)
    ticket.search_tokens = vector(ticket.title, ticket.description)


def index_meeting(meeting: Meeting) -> None:
    """Fill the meeting's search columns from its title, goal and minutes (on planning it
    and when its minutes are recorded)."""
    meeting.search_title = normalise(meeting.title)
    meeting.search_tokens = vector(meeting.title, meeting_body(meeting.goal, meeting.minutes))


def search_of(text: str | None) -> tuple[TextSearch | None, bool]:
    """The search ``text`` asks for (None when it is blank: no filter), and whether it can
    find nothing at all (only punctuation)."""
    if text is None or not text.strip():
        return None, False
    searched = query(text)
    if searched is None:
        return None, True
    return TextSearch(tsquery=searched, title=normalise(text)), False
