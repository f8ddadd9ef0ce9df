"""Review cycles, 360 feedback, reviews and calibration."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, model_validator

from performance.schemas.common import Points, Rating, Ratio, Share, Text200
from performance.schemas.distribution import (
    DistributionAcknowledgement,
    DistributionAcknowledgementCreate,
    RatingShare,
)
from performance.schemas.scorecards import Population
from shared.api import RequestModel, examples
from shared.periods import Period


class CycleKind(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    annual = "annual"


class CycleState(StrEnum):
    draft = "draft"
    self_assessment = "self_assessment"
    manager_assessment = "manager_assessment"
    calibration = "calibration"
    closed = "closed"


class Source(StrEnum):
    self = "self"
    manager = "manager"
    peer = "peer"
    customer = "customer"


class RatingBand(RequestModel):
    """A band of the rating scale: the rating of a final score of at least ``min_score``."""

    model_config = examples({"rating": "A", "min_score": "80"})

    rating: Annotated[str, StringConstraints(min_length=1, max_length=10)]
    min_score: Annotated[Points, Field(ge=0, le=200)]


def _default_scale() -> list[RatingBand]:
    return [
        RatingBand(rating=r, min_score=Decimal(m))
        for r, m in (("S", 90), ("A", 80), ("B", 70), ("C", 60), ("D", 0))
    ]


class CycleCreate(RequestModel):
    """A review cycle for a population. The final score is ``results x w_results + ability x
    w_ability + attitude x w_attitude``; ability and attitude come from 360 ratings (1-5,
    shown as 20-100) weighted by source."""

    model_config = examples(
        {
            "name": "Sales Q1 2026",
            "kind": "quarterly",
            "period": "2026-Q1",
            "population": {"unit_ids": ["team-sales"]},
            "weights": {"results": "0.6", "ability": "0.2", "attitude": "0.2"},
            "source_weights": {"self": "0.1", "manager": "0.5", "peer": "0.2", "customer": "0.2"},
            "peers_anonymous": True,
            "min_peer_answers": 3,
            "target_distribution": {"S": "0.1", "A": "0.2", "B": "0.5", "C": "0.15", "D": "0.05"},
        }
    )

    name: Text200
    kind: CycleKind
    period: Period
    population: Population = Field(default_factory=Population)
    weights: dict[str, Share] = Field(
        default_factory=lambda: {
            "results": Decimal("0.6"),
            "ability": Decimal("0.2"),
            "attitude": Decimal("0.2"),
        }
    )
    source_weights: dict[Source, Share] = Field(
        default_factory=lambda: {
            Source.self: Decimal("0.1"),
            Source.manager: Decimal("0.5"),
            Source.peer: Decimal("0.2"),
            Source.customer: Decimal("0.2"),
        }
    )
    peers_anonymous: bool = True
    min_peer_answers: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Peer answers a review needs before its reviewee sees any peer rating "
        "(the service's setting when left out)",
    )
    rating_scale: list[RatingBand] = Field(
        default_factory=_default_scale, min_length=1, max_length=10
    )
    target_distribution: dict[str, Share] = Field(
        default_factory=lambda: {
            "S": Decimal("0.1"),
            "A": Decimal("0.2"),
            "B": Decimal("0.5"),
            "C": Decimal("0.15"),
            "D": Decimal("0.05"),
        }
    )

    @model_validator(mode="after")
    def _check(self) -> CycleCreate:
        grain = {"monthly": "month", "quarterly": "quarter", "annual": "year"}[self.kind]
        if self.period.grain != grain:
            raise ValueError(f"a {self.kind} cycle needs a {grain} period")
        if (
            set(self.weights) != {"results", "ability", "attitude"}
            or sum(self.weights.values()) != 1
        ):
            raise ValueError("weights are results, ability and attitude, adding up to 1")
        if sum(self.source_weights.values()) != 1:
            raise ValueError("source weights must add up to 1")
        ratings = [band.rating for band in self.rating_scale]
        if (
            set(self.target_distribution) - set(ratings)
            or sum(self.target_distribution.values()) != 1
        ):
            raise ValueError("the target distribution covers the scale's ratings and adds up to 1")
        return self


class CycleRead(BaseModel):
    model_config = examples(
        {
            "id": "c-1",
            "name": "Sales Q1 2026",
            "kind": "quarterly",
            "period": "2026-Q1",
            "state": "self_assessment",
            "population": {"unit_ids": ["team-sales"], "layers": [], "tiers": []},
            "weights": {"results": "0.600000", "ability": "0.200000", "attitude": "0.200000"},
            "source_weights": {
                "self": "0.100000",
                "manager": "0.500000",
                "peer": "0.200000",
                "customer": "0.200000",
            },
            "peers_anonymous": True,
            "min_peer_answers": 3,
            "rating_scale": [
                {"rating": "A", "min_score": "80.0000"},
                {"rating": "B", "min_score": "0.0000"},
            ],
            "target_distribution": {"A": "0.300000", "B": "0.700000"},
            "distribution_acknowledgement": None,
        },
        from_attributes=True,
    )

    id: str
    name: str
    kind: CycleKind
    period: str
    state: CycleState
    population: Population
    weights: dict[str, Ratio]
    source_weights: dict[str, Ratio]
    peers_anonymous: bool
    min_peer_answers: int
    rating_scale: list[RatingBand]
    target_distribution: dict[str, Ratio]
    distribution_acknowledgement: DistributionAcknowledgement | None = None


class Advance(RequestModel):
    """The next state. Closing a cycle whose ratings are further from the target
    distribution than the tolerance needs ``acknowledge_distribution`` with a reason."""

    model_config = examples(
        {"to": "manager_assessment"},
        {"to": "closed", "acknowledge_distribution": {"reason": "A weak quarter for the team"}},
    )

    to: CycleState
    acknowledge_distribution: DistributionAcknowledgementCreate | None = None


class FeedbackCreate(RequestModel):
    model_config = examples(
        {
            "source": "peer",
            "ability": "4",
            "attitude": "5",
            "comment": "Always shares leads with the team",
        }
    )

    source: Source
    ability: Rating
    attitude: Rating
    comment: Annotated[str, StringConstraints(max_length=4000)] | None = None


class CustomerFeedbackCreate(RequestModel):
    model_config = examples({"ability": "5", "attitude": "4", "comment": "Answers within the hour"})

    ability: Rating
    attitude: Rating
    comment: Annotated[str, StringConstraints(max_length=4000)] | None = None


class InviteCreate(RequestModel):
    model_config = examples({"customer_name": "Acme Trading Co.", "valid_days": 14})

    customer_name: Text200
    valid_days: int = Field(default=14, ge=1, le=90)


class InviteRead(BaseModel):
    model_config = examples(
        {
            "token": "vR3...",
            "path": "/performance/customer-feedback/vR3...",
            "expires_at": "2026-04-14T00:00:00+00:00",
        }
    )

    token: str
    path: str
    expires_at: datetime


class FeedbackRead(BaseModel):
    """One rating as the reader may see it: a peer's name is hidden from the reviewee."""

    model_config = examples(
        {
            "id": "f-1",
            "source": "peer",
            "author": None,
            "ability": "4.00",
            "attitude": "5.00",
            "comment": "Always shares leads",
        }
    )

    id: str
    source: Source
    author: str | None
    ability: Rating
    attitude: Rating
    comment: str | None


class ReviewRead(BaseModel):
    """A review as the reader may see it. Until ``min_peer_answers`` peers have answered, the
    reviewee sees no peer rating: the peer items, the ability, attitude and final scores and
    their arithmetic are withheld (``peer_ratings_withheld``), the rating is shown; the
    manager and HR see everything."""

    model_config = examples(
        {
            "id": "r-1",
            "cycle_id": "c-1",
            "member_id": "s1",
            "state": "closed",
            "results_score": "82.4000",
            "ability_score": "80.0000",
            "attitude_score": "86.0000",
            "final_score": "82.6000",
            "rating": "A",
            "calibrated_rating": None,
            "revision": 1,
            "explanation": ["results = average of 3 monthly scores = 82.40"],
            "feedback": [],
            "peer_answers": 3,
            "peer_ratings_withheld": False,
        }
    )

    id: str
    cycle_id: str
    member_id: str
    state: str
    results_score: Points | None
    ability_score: Points | None
    attitude_score: Points | None
    final_score: Points | None
    rating: str | None
    calibrated_rating: str | None
    revision: int
    explanation: list[str]
    feedback: list[FeedbackRead]
    peer_answers: int = Field(description="Peers who have answered")
    peer_ratings_withheld: bool = Field(
        default=False, description="Peer ratings withheld from you, the reviewee, for now"
    )


class CalibrationCreate(RequestModel):
    model_config = examples(
        {"rating": "A", "reason": "Carried the team's biggest account through the launch"}
    )

    rating: Annotated[str, StringConstraints(min_length=1, max_length=10)]
    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000)]


class CalibrationView(BaseModel):
    """How far the cycle's ratings are from the target distribution."""

    model_config = examples(
        {
            "cycle_id": "c-1",
            "reviews": 4,
            "ratings": [
                {
                    "rating": "A",
                    "count": 2,
                    "share": "0.500000",
                    "target": "0.200000",
                    "gap": "0.300000",
                }
            ],
        }
    )

    cycle_id: str
    reviews: int
    ratings: list[RatingShare]


class ReopenCreate(RequestModel):
    model_config = examples({"reason": "A refund reversed March revenue"})

    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000)]
