"""Events of goals' talent part (issue 17): a position changed, a requisition approved, a
candidate hired. None carries a candidate's personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel

from goals.events.catalog import catalog
from shared.api import examples
from shared.events import Event


class RequiredCompetencyOut(BaseModel):
    """A competency a position requires, at a level from 1 to 5."""

    model_config = examples({"competency": "data_analysis", "level": 3, "name": "数据分析"})

    competency: str
    level: int
    name: str | None = None


@catalog.register
class PositionChanged(Event):
    """A position was created or changed; keyed by its id. ``version`` is one more at every
    change (a copy keeps the newest); ``jd_version`` only when the job description or the
    required competencies change."""

    event_type: ClassVar[str] = "goals.position.changed"
    event_name: ClassVar[str] = "PositionChanged"
    model_config = examples(
        {
            "position_id": "pos-analyst",
            "unit_id": "u-growth",
            "title": "增长分析师 Growth analyst",
            "function": "analytics",
            "layer": "execution",
            "core": True,
            "jd_version": 2,
            "required_competencies": [
                {"competency": "data_analysis", "level": 3, "name": "数据分析"}
            ],
            "review_due_on": "2027-06-30",
            "active": True,
            "version": 3,
        }
    )

    position_id: str
    unit_id: str
    title: str
    function: str
    layer: str
    core: bool
    jd_version: int
    required_competencies: list[RequiredCompetencyOut]
    review_due_on: date
    active: bool
    version: int

    def key(self) -> str:
        return self.position_id


@catalog.register
class RequisitionApproved(Event):
    """A headcount requisition was approved (by someone other than its proposer and hiring
    manager); candidates may now be added to it. Keyed by the requisition's id."""

    event_type: ClassVar[str] = "goals.requisition.approved"
    event_name: ClassVar[str] = "RequisitionApproved"
    model_config = examples(
        {
            "requisition_id": "7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59",
            "unit_id": "u-growth",
            "position_id": "pos-analyst",
            "period": "2026-Q3",
            "headcount": 2,
            "channels": ["campus", "referral"],
            "proposed_by": "m-lead",
            "approved_by": "m-hr",
            "approved_at": "2026-06-02T09:30:00+00:00",
        }
    )

    requisition_id: str
    unit_id: str
    position_id: str
    period: str
    headcount: int
    channels: list[str]
    proposed_by: str
    approved_by: str
    approved_at: datetime

    def key(self) -> str:
        return self.requisition_id


@catalog.register
class CandidateHired(Event):
    """A candidate was hired: the member was created (its ``MemberChanged`` carries the
    position and the mentor) in the same transaction. No personal data; keyed by the new
    member's id."""

    event_type: ClassVar[str] = "goals.candidate.hired"
    event_name: ClassVar[str] = "CandidateHired"
    model_config = examples(
        {
            "candidate_id": "c1d2e3f4-0000-4000-8000-000000000001",
            "requisition_id": "7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59",
            "position_id": "pos-analyst",
            "unit_id": "u-growth",
            "member_id": "m-new-analyst",
            "hired_on": "2026-07-01",
            "mentor_id": "m-mentor",
            "core": True,
        }
    )

    candidate_id: str
    requisition_id: str
    position_id: str
    unit_id: str
    member_id: str
    hired_on: date
    mentor_id: str
    core: bool

    def key(self) -> str:
        return self.member_id
