"""Events the performance service publishes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from pydantic import ConfigDict

from performance.models import outbox as outbox_table
from shared.events import Event, EventCatalog
from shared.outbox import Outbox

catalog = EventCatalog("performance")
outbox = Outbox(outbox_table, catalog)


@catalog.register
class ScoreComputed(Event):
    """A member's live monthly score changed; ``indicators`` explains it line by line."""

    event_type: ClassVar[str] = "performance.score.computed"
    event_name: ClassVar[str] = "ScoreComputed"
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s1",
                "month": "2026-03",
                "score": "82.4000",
                "revision": 3,
                "template_key": "execution",
                "template_version": 1,
                "indicators": [
                    {
                        "code": "revenue",
                        "input": "1.04",
                        "points": "104",
                        "weight": "0.6",
                        "contribution": "62.4",
                        "events": ["3f2c..."],
                    }
                ],
            }
        }
    )

    member_id: str
    month: str
    score: Decimal
    revision: int
    template_key: str
    template_version: int
    indicators: list[dict[str, Any]]

    def key(self) -> str:
        return self.member_id


@catalog.register
class ReviewClosed(Event):
    """A review was closed (or closed again after a recorded reopen: ``revision`` > 1)."""

    event_type: ClassVar[str] = "performance.review.closed"
    event_name: ClassVar[str] = "ReviewClosed"
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "review_id": "r-1",
                "cycle_id": "c-1",
                "cycle_kind": "quarterly",
                "period": "2026-Q1",
                "member_id": "s1",
                "final_score": "84.20",
                "rating": "A",
                "revision": 1,
                "correction": False,
                "explanation": ["final = 0.6 x results 82.4 + ..."],
            }
        }
    )

    review_id: str
    cycle_id: str
    cycle_kind: str
    period: str
    member_id: str
    final_score: Decimal
    rating: str
    revision: int
    correction: bool
    explanation: list[str]

    def key(self) -> str:
        return self.member_id
