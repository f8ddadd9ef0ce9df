"""Nominations of the peers who rate a review."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from performance.schemas.common import Ident
from shared.api import RequestModel, examples


class NominationState(StrEnum):
    proposed = "proposed"  # by the reviewee, waiting for the manager of record or HR
    approved = "approved"  # may give peer feedback, once
    declined = "declined"
    answered = "answered"  # gave their peer feedback


class NominationCreate(RequestModel):
    """A peer for the review: proposed when the reviewee asks, approved when the manager of
    record or HR adds them."""

    model_config = examples({"member_id": "4f1c9a2e-7b3d-4e8f-9a6b-2c5d8e1f0a3b"})

    member_id: Ident


class NominationRead(BaseModel):
    """A nomination as the reader may see it: where a cycle's peers are anonymous, the
    reviewee sees its state but not who it names."""

    model_config = examples(
        {
            "id": "n-1",
            "review_id": "r-1",
            "member_id": None,
            "state": "approved",
            "nominated_by": "s1",
            "decided_by": "lead",
            "created_at": "2026-03-25T09:00:00+00:00",
        }
    )

    id: str
    review_id: str
    member_id: str | None = Field(description="The nominee; hidden from an anonymous reviewee")
    state: NominationState
    nominated_by: str | None
    decided_by: str | None
    created_at: datetime
