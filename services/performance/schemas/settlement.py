"""Settling a month: the request and the settlement as read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from performance.events import SettledScore
from shared.api import RequestModel, examples

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class SettleRequest(RequestModel):
    """A first settle needs no reason; a correction (the month is settled already) does."""

    model_config = examples({"reason": None}, {"reason": "A refund reversed s1's March revenue"})

    reason: Reason | None = None


class SettlementRead(BaseModel):
    """The newest settlement of a month: what ``MonthSettled`` published."""

    model_config = examples(
        {
            "month": "2026-03",
            "revision": 1,
            "settled_at": "2026-04-02T09:00:00Z",
            "settled_by": "m-hr",
            "reason": None,
            "scores": [
                {"member_id": "m1", "score": "87.5000", "template_id": "t-1", "template_version": 2}
            ],
        }
    )

    month: str
    revision: int
    settled_at: datetime
    settled_by: str
    reason: str | None
    scores: list[SettledScore]
