"""Special project bonuses (the monthly stars are in ``stars``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator

from incentives.schemas.common import Currency, Ident, PositiveMoney, Text200, Text2000
from shared.api import RequestModel, examples
from shared.values import Money


class ProjectAward(RequestModel):
    model_config = examples({"member_id": "s1", "amount": {"amount": "5000.00", "currency": "CNY"}})

    member_id: Ident
    amount: PositiveMoney = Field(description="In the project's currency")


class ProjectCreate(RequestModel):
    """Every award is in the project's ``currency`` (another currency: a 422 naming it)."""

    model_config = examples(
        {
            "name": "大客户签约 Big account",
            "description": "Sign the provincial retail chain",
            "currency": "CNY",
            "unit_id": "sales",
            "core": True,
            "awards": [{"member_id": "s1", "amount": {"amount": "5000.00", "currency": "CNY"}}],
        }
    )

    name: Text200
    description: Text2000 | None = None
    currency: Currency | None = Field(
        default=None, description="The project's one currency; none: the configured one"
    )
    unit_id: Ident | None = Field(
        default=None,
        description=(
            "The owner unit (one incentives knows from goals; a manager's own or one below). "
            "None: the lowest unit all the awarded members belong to"
        ),
    )
    core: bool = Field(
        default=True, description="A core project counts in the dashboard's success rate"
    )
    awards: list[ProjectAward] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _distinct(self) -> ProjectCreate:
        if len({a.member_id for a in self.awards}) != len(self.awards):
            raise ValueError("a member appears once in a project's awards")
        return self


class ProjectSuccess(RequestModel):
    model_config = examples({"note": "The contract was signed on 2026-03-12"})

    note: Text2000


class ProjectFailure(RequestModel):
    model_config = examples({"note": "The retailer signed with a competitor on 2026-03-20"})

    note: Text2000


class ProjectState(StrEnum):
    proposed = "proposed"
    successful = "successful"
    failed = "failed"
    approved = "approved"
    paid = "paid"


class ProjectOutcome(StrEnum):
    succeeded = "succeeded"
    failed = "failed"


class AwardRead(BaseModel):
    model_config = examples({"member_id": "s1", "amount": {"amount": "5000.00", "currency": "CNY"}})

    member_id: str
    amount: Money


class ProjectRead(BaseModel):
    model_config = examples(
        {
            "id": "pr-1",
            "name": "Big account",
            "description": None,
            "currency": "CNY",
            "state": "approved",
            "awards": [{"member_id": "s1", "amount": {"amount": "5000.00", "currency": "CNY"}}],
            "created_by": "lead",
            "created_at": "2026-03-01T09:00:00Z",
            "succeeded_by": "lead",
            "success_note": "Signed",
            "approved_by": "fin-1",
            "paid_run_id": None,
            "unit_id": "sales",
            "core": True,
            "outcome": "succeeded",
            "concluded_by": "lead",
            "concluded_at": "2026-03-12T08:00:00Z",
            "failure_note": None,
        },
        from_attributes=True,
    )

    id: str
    name: str
    description: str | None
    currency: str
    state: ProjectState
    awards: list[AwardRead]
    created_by: str
    created_at: datetime
    succeeded_by: str | None
    success_note: str | None
    approved_by: str | None
    paid_run_id: str | None
    unit_id: str | None
    core: bool
    outcome: ProjectOutcome | None = Field(description="Set once the project concluded")
    concluded_by: str | None
    concluded_at: datetime | None
    failure_note: str | None

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        """Stored awards keep the amount as text: read it as Money in the project's
        currency."""
        if not isinstance(data, dict):
            data = {name: getattr(data, name) for name in cls.model_fields}
        awards = [
            award
            if isinstance(award, AwardRead) or isinstance(award.get("amount"), dict)
            else {**award, "amount": {"amount": award["amount"], "currency": data["currency"]}}
            for award in data["awards"]
        ]
        return {**data, "awards": awards}
