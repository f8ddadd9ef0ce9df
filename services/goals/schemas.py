"""Request and response bodies of the goals API."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.api import RequestModel


class OrgUnitKind(StrEnum):
    company = "company"
    department = "department"
    team = "team"
    squad = "squad"


class OrgUnitCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "市场部 Marketing",
                "kind": "department",
                "parent_id": "0b6f3c1e-8a4e-4c1f-9d6a-2f1e5b7c9a10",
            }
        }
    )

    name: str = Field(min_length=1, max_length=200)
    kind: OrgUnitKind
    parent_id: str | None = Field(default=None, max_length=36)


class OrgUnitRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "name": "市场部 Marketing",
                "kind": "department",
                "parent_id": "0b6f3c1e-8a4e-4c1f-9d6a-2f1e5b7c9a10",
                "version": 1,
                "created_at": "2026-01-05T09:00:00+00:00",
                "updated_at": "2026-01-05T09:00:00+00:00",
            }
        },
    )

    id: str
    name: str
    kind: OrgUnitKind
    parent_id: str | None
    version: int
    created_at: datetime
    updated_at: datetime
