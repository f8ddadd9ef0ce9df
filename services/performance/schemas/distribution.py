"""A cycle's rating distribution against its target, and the acknowledgement a cycle closed
away from its target keeps."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from performance.schemas.common import Ratio, Share
from shared.api import RequestModel, examples


class RatingShare(BaseModel):
    """How many reviews have a rating, their share of the cycle and the gap to the target."""

    model_config = examples(
        {"rating": "A", "count": 2, "share": "0.500000", "target": "0.200000", "gap": "0.300000"}
    )

    rating: str
    count: int
    share: Share
    target: Share
    gap: Annotated[Ratio, Field(ge=-1, le=1)]


class DistributionAcknowledgementCreate(RequestModel):
    """Why the cycle closes away from its target distribution."""

    model_config = examples({"reason": "A weak quarter for the team: C ratings stand"})

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class DistributionAcknowledgement(BaseModel):
    """Who closed the cycle away from its target distribution, why, and the numbers then."""

    model_config = examples(
        {
            "acknowledged_by": "m-hr",
            "acknowledged_at": "2026-04-03T10:00:00Z",
            "reason": "A weak quarter for the team: C ratings stand",
            "tolerance": "0.050000",
            "ratings": [
                {
                    "rating": "C",
                    "count": 3,
                    "share": "0.750000",
                    "target": "0.100000",
                    "gap": "0.650000",
                }
            ],
        }
    )

    acknowledged_by: str
    acknowledged_at: datetime
    reason: str
    tolerance: Ratio
    ratings: list[RatingShare]
