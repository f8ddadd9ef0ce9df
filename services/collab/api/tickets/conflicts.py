"""The conflict path of a ticket: root cause, negotiation, escalation to a mediator and the
decision. Each records a step the same way, so one helper declares the four routes."""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from pydantic import BaseModel

from collab.api.deps import NowDep
from collab.models import TicketStep
from collab.schemas import (
    DecisionCreate,
    EscalationCreate,
    NegotiationCreate,
    RootCauseCreate,
    StepRead,
)
from collab.service import tickets
from shared.auth import CurrentPrincipal
from shared.db import SessionDep

router = APIRouter(tags=["tickets"])


def _step_route(
    path: str, body_type: type[BaseModel], record: Callable[..., Awaitable[TicketStep]], doc: str
) -> None:
    """``POST /tickets/{ticket_id}/<path>``: ``record`` the body as a step of the ticket; the
    route is named after ``record`` (its operation id) and documented by ``doc``."""

    async def endpoint(
        ticket_id: str,
        body: BaseModel,
        session: SessionDep,
        principal: CurrentPrincipal,
        now: NowDep,
    ) -> StepRead:
        step = await record(session, principal=principal, ticket_id=ticket_id, body=body, now=now)
        return StepRead.model_validate(step)

    # FastAPI reads the body's schema from the annotation, so each route states its own.
    endpoint.__annotations__["body"] = body_type
    endpoint.__name__ = endpoint.__qualname__ = record.__name__
    endpoint.__doc__ = doc
    router.add_api_route(
        f"/tickets/{{ticket_id}}/{path}",
        endpoint,
        methods=["POST"],
        status_code=201,
        response_model=StepRead,
    )


_step_route(
    "root-cause",
    RootCauseCreate,
    tickets.note_root_cause,
    "Record why the sides disagree (goals disagree, resources contested, ...).",
)
_step_route(
    "negotiations",
    NegotiationCreate,
    tickets.negotiate,
    "Record a round of negotiation between the sides.",
)
_step_route(
    "escalation",
    EscalationCreate,
    tickets.escalate,
    "Escalate to a named third party who mediates or arbitrates (and then sees it).",
)
_step_route(
    "decision",
    DecisionCreate,
    tickets.decide,
    "Record the decision: the mediator's once escalated, else the parties' agreement.",
)
