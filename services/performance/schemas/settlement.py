"""Settling a month: the request and the settlement as read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from performance.events import SETTLEMENT_EXAMPLE, SettledScore
from shared.api import RequestModel, examples

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class SettleRequest(RequestModel):
    """A first settle needs no reason; a correction (the month is settled already) does."""

    model_config = examples({"reason": None}, {"reason": "A refund reversed s1's March revenue"})

    reason: Reason | None = None


class SettlementRead(BaseModel):
    """The newest settlement of a month: what ``MonthSettled`` published."""

    model_config = examples(SETTLEMENT_EXAMPLE)

    month: str
    revision: int
    settled_at: datetime
    settled_by: str
    reason: str | None
    scores: list[SettledScore]
