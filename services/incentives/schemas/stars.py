"""The monthly marketing stars: awarded from performance's settlement of the month."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from shared.api import RequestModel, examples
from shared.periods import Grain, Period
from shared.values import Points, Ratio


class StarsCreate(RequestModel):
    model_config = examples({"month": "2026-03"})

    month: Period

    @model_validator(mode="after")
    def _a_month(self) -> StarsCreate:
        if self.month.grain != Grain.month:
            raise ValueError("stars are awarded for a month, e.g. 2026-03")
        return self


class Star(BaseModel):
    model_config = examples(
        {"member_id": "s1", "name": "王芳 Wang Fang", "score": "120.0000", "rank": 1}
    )

    member_id: str
    name: str
    score: Points
    rank: int


class StarCandidate(BaseModel):
    """A member of the settlement: their final score, and whether they could be a star
    (active the whole month by incentives' copy of the member) or why not."""

    model_config = examples(
        {
            "member_id": "s3",
            "name": "李雷 Li Lei",
            "score": "98.0000",
            "eligible": False,
            "why_not": "hired on 2026-03-10, after the month began",
        }
    )

    member_id: str
    name: str | None
    score: Points
    eligible: bool
    why_not: str | None = Field(description="Why the member could not be a star; null if eligible")


class StarRevision(BaseModel):
    """One settlement revision the stars were (re)awarded from: its reason and who settled,
    the stars after it, and those it revoked and added."""

    model_config = examples(
        {
            "revision": 2,
            "reason": "Late revenue of 2026-03 corrected",
            "settled_by": "m-hr",
            "settled_at": "2026-04-03T09:00:00Z",
            "stars": ["s2"],
            "awarded": ["s2"],
            "revoked": ["s1"],
        }
    )

    revision: int
    reason: str | None
    settled_by: str
    settled_at: datetime
    stars: list[str]
    awarded: list[str]
    revoked: list[str]


class StarAwardRead(BaseModel):
    model_config = examples(
        {
            "month": "2026-03",
            "eligible": 18,
            "share": "0.100000",
            "rule": "the top 10% of members active the whole month, by score; ties share",
            "stars": [
                {"member_id": "s1", "name": "王芳 Wang Fang", "score": "120.0000", "rank": 1}
            ],
            "awarded_by": "hr-1",
            "awarded_at": "2026-04-01T09:00:00Z",
            "revision": 1,
            "reason": None,
            "members": [
                {
                    "member_id": "s1",
                    "name": "王芳 Wang Fang",
                    "score": "120.0000",
                    "eligible": True,
                    "why_not": None,
                }
            ],
            "history": [
                {
                    "revision": 1,
                    "reason": None,
                    "settled_by": "m-hr",
                    "settled_at": "2026-04-01T08:00:00Z",
                    "stars": ["s1"],
                    "awarded": ["s1"],
                    "revoked": [],
                }
            ],
        },
        from_attributes=True,
    )

    month: str
    eligible: int
    share: Ratio
    rule: str
    stars: list[Star]
    awarded_by: str
    awarded_at: datetime
    revision: int | None = Field(
        description="The settlement revision the stars come from (null: awarded before "
        "months were settled)"
    )
    reason: str | None = Field(description="The reason of that settlement (a correction's)")
    members: list[StarCandidate] = Field(description="The settlement's members, by member id")
    history: list[StarRevision] = Field(description="Every revision awarded, oldest first")
