"""Org units, members, squads and mentors."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from goals.schemas.common import (
    Ident,
    ReadModel,
    Text200,
)
from shared.api import RequestModel, examples


class OrgUnitKind(StrEnum):
    company = "company"
    department = "department"
    team = "team"
    squad = "squad"


class Layer(StrEnum):
    management = "management"
    execution = "execution"
    support = "support"


class Tier(StrEnum):
    newcomer = "newcomer"
    backbone = "backbone"
    management_reserve = "management_reserve"


class Gender(StrEnum):
    female = "female"
    male = "male"
    other = "other"


_PERSONAL = "Personal data: shown only to HR, admins and the member; never in events"
BirthDate = Annotated[date, Field(ge=date(1900, 1, 1), description=_PERSONAL)]


class LeaveReason(StrEnum):
    voluntary = "voluntary"
    involuntary = "involuntary"
    retirement = "retirement"
    transfer = "transfer"
    other = "other"


class OrgUnitCreate(RequestModel):
    model_config = examples(
        {
            "name": "市场部 Marketing",
            "kind": "department",
            "parent_id": "0b6f3c1e-8a4e-4c1f-9d6a-2f1e5b7c9a10",
        }
    )

    name: Text200
    kind: OrgUnitKind
    parent_id: Ident | None = None
    starts_on: date | None = Field(default=None, description="Squads only: first day")
    ends_on: date | None = Field(default=None, description="Squads only: last day")


class OrgUnitRead(ReadModel):
    model_config = examples(
        {
            "id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "name": "市场部 Marketing",
            "kind": "department",
            "parent_id": "0b6f3c1e-8a4e-4c1f-9d6a-2f1e5b7c9a10",
            "starts_on": None,
            "ends_on": None,
            "version": 1,
            "created_at": "2026-01-05T09:00:00+00:00",
            "updated_at": "2026-01-05T09:00:00+00:00",
        }
    )

    id: str
    name: str
    kind: OrgUnitKind
    parent_id: str | None
    starts_on: date | None = None
    ends_on: date | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class MemberCreate(RequestModel):
    model_config = examples(
        {
            "name": "王芳 Wang Fang",
            "email": "wang.fang@example.com",
            "home_unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "layer": "execution",
            "title": "Account manager",
            "manager_id": None,
            "tier": "newcomer",
            "hired_on": "2026-01-05",
        }
    )

    id: Ident | None = Field(default=None, description="Optional id from the HR system")
    name: Text200
    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    home_unit_id: Ident
    layer: Layer
    title: Annotated[str, StringConstraints(max_length=200)] | None = None
    manager_id: Ident | None = None
    tier: Tier = Tier.newcomer
    hired_on: date
    position_id: Ident | None = Field(
        default=None, description="An active position of the member's home unit"
    )
    gender: Gender | None = Field(default=None, description=_PERSONAL)
    birth_date: BirthDate | None = None


class MemberUpdate(RequestModel):
    """A JSON merge patch of a member; leaving needs a date and a reason."""

    model_config = examples(
        {
            "left_on": "2026-06-30",
            "leave_reason": "voluntary",
            "leave_note": "moved city",
        }
    )

    name: Text200 | None = None
    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    home_unit_id: Ident | None = None
    layer: Layer | None = None
    title: Annotated[str, StringConstraints(max_length=200)] | None = None
    manager_id: Ident | None = None
    tier: Tier | None = None
    left_on: date | None = None
    leave_reason: LeaveReason | None = None
    leave_note: Annotated[str, StringConstraints(max_length=2000)] | None = None
    position_id: Ident | None = Field(
        default=None, description="An active position of the member's home unit; null: none"
    )
    gender: Gender | None = Field(default=None, description=_PERSONAL)
    birth_date: BirthDate | None = None
    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000)] | None = Field(
        default=None,
        description="Why the tier changes; needed for a promotion past the next tier",
    )


class MemberRead(ReadModel):
    model_config = examples(
        {
            "id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "name": "王芳 Wang Fang",
            "email": "wang.fang@example.com",
            "home_unit_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "layer": "execution",
            "title": "Account manager",
            "manager_id": None,
            "tier": "newcomer",
            "tier_reason": None,
            "hired_on": "2026-01-05",
            "left_on": None,
            "leave_reason": None,
            "leave_note": None,
            "position_id": "pos-account-manager",
            "gender": "female",
            "birth_date": "1994-05-17",
            "version": 1,
        }
    )

    id: str
    name: str
    email: str | None
    home_unit_id: str
    layer: Layer
    title: str | None
    manager_id: str | None
    tier: Tier
    tier_reason: str | None = None
    hired_on: date
    left_on: date | None
    leave_reason: LeaveReason | None
    leave_note: str | None
    position_id: str | None = None
    gender: Gender | None = Field(default=None, description=_PERSONAL + "; else null")
    birth_date: date | None = Field(default=None, description=_PERSONAL + "; else null")
    version: int


class SquadMemberAdd(RequestModel):
    model_config = examples({"member_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a", "role": "data"})

    member_id: Ident
    role: Annotated[str, StringConstraints(min_length=1, max_length=50)]


class SquadMemberRead(ReadModel):
    model_config = examples(
        {
            "squad_id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
            "member_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "role": "data",
        }
    )

    squad_id: str
    member_id: str
    role: str


class MentorshipCreate(RequestModel):
    model_config = examples(
        {
            "mentor_id": "1a2b3c4d-0000-4000-8000-000000000001",
            "mentee_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "starts_on": "2026-01-05",
        }
    )

    mentor_id: Ident
    mentee_id: Ident
    starts_on: date
    months: int = Field(default=3, ge=1, le=24, description="Length; 3 months by default")


class MentorshipRead(ReadModel):
    model_config = examples(
        {
            "id": "b1c2d3e4-0000-4000-8000-000000000001",
            "mentor_id": "1a2b3c4d-0000-4000-8000-000000000001",
            "mentee_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
            "starts_on": "2026-01-05",
            "ends_on": "2026-04-05",
        }
    )

    id: str
    mentor_id: str
    mentee_id: str
    starts_on: date
    ends_on: date
