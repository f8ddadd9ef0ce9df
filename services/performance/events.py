"""Events the performance service publishes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel

from performance.models import outbox as outbox_table
from shared.api import examples
from shared.events import Event, EventCatalog
from shared.outbox import Outbox
from shared.values import Points, Ratio

catalog = EventCatalog("performance")
outbox = Outbox(outbox_table, catalog)


class ScoreLine(BaseModel):
    """One indicator's line of a score: its input, points, weight and contribution, and the
    events behind the input."""

    model_config = examples(
        {
            "code": "revenue",
            "input": "1.040000",
            "points": "104.0000",
            "weight": "0.600000",
            "contribution": "62.4000",
            "events": ["0b8e6d2a-64f1-4c1e-9d55-3d8a0f1e2b3c"],
        },
        frozen=True,
    )

    code: str
    input: Ratio | None
    points: Points
    weight: Ratio
    contribution: Points
    events: list[str]


@catalog.register
class ScoreComputed(Event):
    """A member's live monthly score changed; ``indicators`` explains it line by line."""

    event_type: ClassVar[str] = "performance.score.computed"
    event_name: ClassVar[str] = "ScoreComputed"
    model_config = examples(
        {
            "member_id": "s1",
            "month": "2026-03",
            "score": "62.4000",
            "revision": 3,
            "template_key": "execution",
            "template_version": 1,
            "indicators": [
                {
                    "code": "revenue",
                    "input": "1.040000",
                    "points": "104.0000",
                    "weight": "0.600000",
                    "contribution": "62.4000",
                    "events": ["3f2c..."],
                }
            ],
        }
    )

    member_id: str
    month: str
    score: Points
    revision: int
    template_key: str
    template_version: int
    indicators: list[ScoreLine]

    def key(self) -> str:
        return self.member_id


@catalog.register
class ReviewClosed(Event):
    """A review was closed (or closed again after a recorded reopen: ``revision`` > 1)."""

    event_type: ClassVar[str] = "performance.review.closed"
    event_name: ClassVar[str] = "ReviewClosed"
    model_config = examples(
        {
            "review_id": "r-1",
            "cycle_id": "c-1",
            "cycle_kind": "quarterly",
            "period": "2026-Q1",
            "member_id": "s1",
            "final_score": "84.2000",
            "rating": "A",
            "revision": 1,
            "correction": False,
            "explanation": ["final = 0.6 x results 82.4 + ..."],
        }
    )

    review_id: str
    cycle_id: str
    cycle_kind: str
    period: str
    member_id: str
    final_score: Points
    rating: str
    revision: int
    correction: bool
    explanation: list[str]

    def key(self) -> str:
        return self.member_id


class SettledScore(BaseModel):
    """One member's score as a settlement fixed it, and the template version behind it."""

    model_config = examples(
        {"member_id": "m1", "score": "87.5000", "template_id": "t-1", "template_version": 2},
        frozen=True,
    )

    member_id: str
    score: Points
    template_id: str
    template_version: int


SETTLEMENT_EXAMPLE: dict[str, Any] = {
    "month": "2026-03",
    "revision": 1,
    "settled_at": "2026-04-02T09:00:00Z",
    "settled_by": "m-hr",
    "reason": None,
    "scores": [
        {"member_id": "m1", "score": "87.5000", "template_id": "t-1", "template_version": 2}
    ],
}


@catalog.register
class MonthSettled(Event):
    """A month's scores are final: the month is over and every member active in it has a
    live score. A later settle of the month is a correction (``revision`` > 1, with a
    ``reason``); ``scores`` has one entry per member with a live score, by member id."""

    event_type: ClassVar[str] = "performance.month.settled"
    event_name: ClassVar[str] = "MonthSettled"
    model_config = examples(SETTLEMENT_EXAMPLE)

    month: str
    revision: int
    settled_at: datetime
    settled_by: str
    reason: str | None
    scores: list[SettledScore]

    def key(self) -> str:
        return self.month


@catalog.register
class CompetencyAssessed(Event):
    """A member was assessed in a competency their position requires: the level, the level
    the position required then (of its job description's ``jd_version``) and whether it was
    met. Every assessment is one event; a re-assessment is another."""

    event_type: ClassVar[str] = "performance.competency.assessed"
    event_name: ClassVar[str] = "CompetencyAssessed"
    model_config = examples(
        {
            "assessment_id": "ca-1",
            "member_id": "s1",
            "position_id": "pos-analyst",
            "jd_version": 2,
            "competency": "data_analysis",
            "required_level": 3,
            "level": 4,
            "passed": True,
            "assessed_by": "lead",
            "assessed_on": "2026-05-10",
        }
    )

    assessment_id: str
    member_id: str
    position_id: str
    jd_version: int
    competency: str
    required_level: int
    level: int
    passed: bool
    assessed_by: str
    assessed_on: date

    def key(self) -> str:
        return self.member_id
