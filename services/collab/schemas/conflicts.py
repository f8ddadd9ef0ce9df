"""Bodies of a ticket's conflict path (root cause, negotiation, escalation, decision) and
the steps it records (mirrors ``service/tickets/conflicts.py``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from collab.schemas.common import Ident, LongText
from shared.api import RequestModel, examples


class RootCause(StrEnum):
    goals_disagree = "goals_disagree"
    resources_contested = "resources_contested"
    priorities_unclear = "priorities_unclear"
    information_missing = "information_missing"
    process_gap = "process_gap"
    other = "other"


class EscalationMode(StrEnum):
    mediate = "mediate"
    arbitrate = "arbitrate"


class RootCauseCreate(RequestModel):
    model_config = examples(
        {"root_cause": "resources_contested", "note": "Both launches need the same designer."}
    )

    root_cause: RootCause
    note: LongText


class NegotiationCreate(RequestModel):
    model_config = examples({"note": "Product offers the specs on Friday; marketing asks Wed."})

    note: LongText


class EscalationCreate(RequestModel):
    """Hand the conflict to a named third party who mediates or arbitrates."""

    model_config = examples(
        {"mediator_id": "m-director", "mode": "arbitrate", "note": "No agreement on the date."}
    )

    mediator_id: Ident
    mode: EscalationMode
    note: LongText


class DecisionCreate(RequestModel):
    model_config = examples(
        {"decision": "Specs by Thursday; the landing page moves one day.", "note": None}
    )

    decision: LongText
    note: LongText | None = None


class StepRead(BaseModel):
    """One recorded step of a ticket: who, when, what."""

    model_config = examples(
        {
            "id": "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
            "kind": "escalation",
            "actor_id": "m-li",
            "at": "2026-03-10T03:00:00Z",
            "detail": {"mediator_id": "m-director", "mode": "arbitrate", "note": "No agreement."},
        },
        from_attributes=True,
    )

    id: str
    kind: str
    actor_id: str
    at: datetime
    detail: dict[str, Any]
    timezone: str | None = Field(
        default=None,
        description="For SLA warnings and breaches: the owner unit's calendar time zone",
    )
    at_local: datetime | None = Field(
        default=None,
        description="For SLA warnings and breaches: ``at`` in the owner unit's time zone, "
        "with its offset",
    )
