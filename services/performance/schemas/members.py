"""Performance's copy of a member, as read back."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from shared.api import examples


class MemberCopyRead(BaseModel):
    """What performance holds of a member (from goals' ``MemberChanged``): where they sit,
    their position and current mentor, and the version it was copied from."""

    model_config = examples(
        {
            "id": "m-new",
            "name": "赵敏 Zhao Min",
            "home_unit_id": "u-growth",
            "unit_path": ["u-company", "u-marketing", "u-growth"],
            "layer": "execution",
            "tier": "newcomer",
            "manager_id": "m-lead",
            "hired_on": "2026-07-01",
            "left_on": None,
            "leave_reason": None,
            "position_id": "pos-analyst",
            "mentor_id": "m-mentor",
            "source_version": 2,
        },
        from_attributes=True,
    )

    id: str
    name: str
    home_unit_id: str
    unit_path: list[str]
    layer: str
    tier: str
    manager_id: str | None
    hired_on: date
    left_on: date | None
    leave_reason: str | None
    position_id: str | None
    mentor_id: str | None = Field(description="The mentor of the member's current mentorship")
    source_version: int = Field(description="The MemberChanged version this copy holds")
