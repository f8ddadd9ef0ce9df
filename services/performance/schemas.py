"""Request and response bodies of the performance API, and the slim copies of the events it
consumes (only the fields it needs)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OrgUnitChangedV1(BaseModel):
    """Performance's copy of goals' ``OrgUnitChanged`` (version 1)."""

    model_config = ConfigDict(extra="ignore")

    unit_id: str
    name: str
    kind: str
    parent_id: str | None = None
    version: int


class OrgUnitRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "example": {
                "id": "6a1d2c3b-0f4e-4b7a-8c9d-1e2f3a4b5c6d",
                "name": "市场部 Marketing",
                "kind": "department",
                "parent_id": None,
                "source_version": 1,
            }
        },
    )

    id: str
    name: str
    kind: str
    parent_id: str | None
    source_version: int
