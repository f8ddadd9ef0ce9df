"""Recruitment: headcount requisitions, candidates, their pipeline steps, the hire, and the
erasure of candidates' personal data."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from goals.schemas.common import Ident, ReadModel, Text200
from shared.api import RequestModel, examples
from shared.periods import PERIOD_PATTERN

CompetencyCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
Note = Annotated[str, StringConstraints(max_length=4000)]
Reason = Annotated[str, StringConstraints(min_length=3, max_length=2000)]


class RecruitmentChannel(StrEnum):
    campus = "campus"
    referral = "referral"
    job_board = "job_board"
    agency = "agency"
    internal = "internal"
    social = "social"
    headhunter = "headhunter"
    event = "event"
    other = "other"


class PipelineStage(StrEnum):
    """The pipeline's stages in order; a requisition may leave out the optional ones."""

    applied = "applied"
    screened = "screened"
    phone_screen = "phone_screen"
    interview_1 = "interview_1"
    interview_2 = "interview_2"
    interview_3 = "interview_3"
    interview_4 = "interview_4"
    interview_5 = "interview_5"
    competency_test = "competency_test"
    case_exercise = "case_exercise"
    background_check = "background_check"
    offer = "offer"


class RequisitionStatus(StrEnum):
    proposed = "proposed"
    approved = "approved"
    rejected = "rejected"
    filled = "filled"
    closed = "closed"


class CandidateStatus(StrEnum):
    active = "active"  # in the pipeline, before an offer
    offered = "offered"  # the offer was made; waiting for the answer
    accepted = "accepted"
    declined = "declined"
    hired = "hired"
    withdrawn = "withdrawn"
    rejected = "rejected"


class CandidateStepOutcome(StrEnum):
    passed = "passed"
    failed = "failed"
    skipped = "skipped"  # an optional stage left out on the way to a later one
    final = "final"  # the answer to the offer, the hire, a withdrawal or a rejection


class CandidateStepResult(StrEnum):
    passed = "passed"
    failed = "failed"


_REQUISITION = {
    "unit_id": "u-growth",
    "position_id": "pos-analyst",
    "period": "2026-Q3",
    "headcount": 2,
    "channels": ["campus", "referral"],
    "reason": "两名分析师支持新品上市 Two analysts for the product launch",
    "hiring_manager_id": "m-lead",
    "stages": [
        "applied",
        "screened",
        "phone_screen",
        "interview_1",
        "interview_2",
        "competency_test",
        "case_exercise",
        "background_check",
        "offer",
    ],
}


class RequisitionCreate(RequestModel):
    model_config = examples(_REQUISITION)

    unit_id: Ident
    position_id: Ident
    period: Annotated[str, StringConstraints(pattern=PERIOD_PATTERN)] = Field(
        description="The hiring period: 2026, 2026-Q3 or 2026-07"
    )
    headcount: int = Field(ge=1, le=1000)
    channels: list[RecruitmentChannel] = Field(min_length=1, max_length=len(RecruitmentChannel))
    reason: Reason
    hiring_manager_id: Ident | None = Field(default=None, description="Default: the proposer")
    stages: list[PipelineStage] | None = Field(
        default=None,
        description=(
            "The pipeline in order. applied, screened, interview_1, competency_test and offer "
            "are always in it; phone_screen, interview_2..interview_5 (rounds in order), "
            "case_exercise and background_check may be left out, except the background check "
            "of a core position. Default: every stage with two interview rounds"
        ),
    )


class RequisitionApprove(RequestModel):
    model_config = examples({"reason": "预算已批 Budgeted"})

    reason: Reason | None = None


class RequisitionReject(RequestModel):
    model_config = examples({"reason": "本季度冻结招聘 Hiring freeze this quarter"})

    reason: Reason


class RequisitionRead(ReadModel):
    model_config = examples(
        {
            **_REQUISITION,
            "id": "7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59",
            "proposed_by": "m-lead",
            "status": "approved",
            "decided_by": "m-hr",
            "decided_at": "2026-06-02T09:30:00+00:00",
            "decision_reason": None,
            "closed_by": None,
            "closed_at": None,
            "close_reason": None,
            "hires": 0,
            "version": 2,
            "created_at": "2026-06-01T09:00:00+00:00",
        }
    )

    id: str
    unit_id: str
    position_id: str
    period: str
    headcount: int
    channels: list[str]
    reason: str
    stages: list[PipelineStage]
    hiring_manager_id: str
    proposed_by: str
    status: RequisitionStatus
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    closed_by: str | None = Field(description="Who stopped it before it was filled")
    closed_at: datetime | None
    close_reason: str | None
    hires: int
    version: int
    created_at: datetime


class CandidateCreate(RequestModel):
    model_config = examples(
        {
            "name": "李雷 Li Lei",
            "email": "li.lei@example.com",
            "phone": "+86 138 0000 0000",
            "channel": "campus",
            "resume_note": "统计学硕士 MSc statistics",
        }
    )

    name: Text200
    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    phone: Annotated[str, StringConstraints(max_length=50)] | None = None
    channel: RecruitmentChannel
    resume_note: Note | None = None


class CandidateScoreIn(RequestModel):
    model_config = examples({"competency": "data_analysis", "level": 4, "note": "solid SQL"})

    competency: CompetencyCode
    level: int = Field(ge=1, le=5)
    note: Annotated[str, StringConstraints(max_length=1000)] | None = None


class CandidateStepCreate(RequestModel):
    model_config = examples(
        {
            "stage": "interview_1",
            "outcome": "passed",
            "criteria": ["结构化思维 structured thinking", "沟通 communication"],
            "scores": [{"competency": "data_analysis", "level": 4, "note": None}],
            "note": "推荐进入下一轮 recommended for the next round",
        }
    )

    stage: PipelineStage
    outcome: CandidateStepResult
    criteria: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    scores: list[CandidateScoreIn] = Field(default_factory=list, max_length=50)
    note: Note | None = Field(default=None, description="Needed when the outcome is failed")


class OfferAnswer(RequestModel):
    model_config = examples({"accepted": True, "note": "7月1日入职 starts 1 July"})

    accepted: bool
    note: Note | None = None


class CandidateClose(RequestModel):
    model_config = examples({"reason": "接受了其他公司的录用 took another offer"})

    reason: Reason


class HireCreate(RequestModel):
    model_config = examples(
        {
            "member_id": "m-new-analyst",
            "hired_on": "2026-07-01",
            "manager_id": "m-lead",
            "mentor_id": "m-mentor",
            "mentorship_months": 3,
            "email": "li.lei@corp.example.com",
        }
    )

    member_id: Ident | None = Field(default=None, description="Optional id for the new member")
    hired_on: date
    manager_id: Ident
    mentor_id: Ident
    mentorship_months: int = Field(default=3, ge=1, le=24)
    email: Annotated[str, StringConstraints(max_length=320)] | None = Field(
        default=None, description="The member's email; default the candidate's"
    )


class CandidateScoreRead(ReadModel):
    model_config = examples({"competency": "data_analysis", "level": 4, "note": None})

    competency: str
    level: int
    note: str | None = None


class CandidateStepRead(ReadModel):
    model_config = examples(
        {
            "seq": 3,
            "stage": "interview_1",
            "outcome": "passed",
            "criteria": ["structured thinking"],
            "scores": [{"competency": "data_analysis", "level": 4, "note": None}],
            "note": "recommended",
            "recorded_by": "m-lead",
            "recorded_at": "2026-06-10T10:00:00+00:00",
        }
    )

    seq: int
    stage: str
    outcome: CandidateStepOutcome
    criteria: list[str]
    scores: list[CandidateScoreRead]
    note: str | None
    recorded_by: str
    recorded_at: datetime


class CandidateRead(ReadModel):
    model_config = examples(
        {
            "id": "c1d2e3f4-0000-4000-8000-000000000001",
            "requisition_id": "7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59",
            "name": "李雷 Li Lei",
            "email": "li.lei@example.com",
            "phone": "+86 138 0000 0000",
            "resume_note": "MSc statistics",
            "channel": "campus",
            "stage": "interview_1",
            "status": "active",
            "close_note": None,
            "closed_on": None,
            "member_id": None,
            "added_by": "m-hr",
            "erased_at": None,
            "version": 3,
            "steps": [],
            "created_at": "2026-06-05T09:00:00+00:00",
        }
    )

    id: str
    requisition_id: str
    name: str | None = Field(description="Null once erased")
    email: str | None
    phone: str | None
    resume_note: str | None
    channel: str
    stage: PipelineStage
    status: CandidateStatus
    close_note: str | None
    closed_on: date | None
    member_id: str | None
    added_by: str
    erased_at: datetime | None
    version: int
    steps: list[CandidateStepRead] = Field(default_factory=list)
    created_at: datetime


class CandidateErasureRead(ReadModel):
    model_config = examples(
        {
            "id": "e1e2e3e4-0000-4000-8000-000000000001",
            "candidate_id": "c1d2e3f4-0000-4000-8000-000000000001",
            "requisition_id": "7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59",
            "closed_on": "2026-01-10",
            "erased_at": "2026-07-10T02:00:00+00:00",
            "retention_days": 180,
            "fields": ["name", "email", "phone", "resume_note", "close_note", "step_notes"],
            "erased_by": "system:candidate-erasure",
        }
    )

    id: str
    candidate_id: str
    requisition_id: str
    closed_on: date
    erased_at: datetime
    retention_days: int
    fields: list[str]
    erased_by: str


class CandidateErasureRun(ReadModel):
    model_config = examples(
        {
            "erased": 1,
            "candidate_ids": ["c1d2e3f4-0000-4000-8000-000000000001"],
            "today": "2026-07-10",
        }
    )

    erased: int
    candidate_ids: list[str]
    today: date
