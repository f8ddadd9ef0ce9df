"""Bodies of the gateway's own endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.api import RequestModel
from shared.auth import Role


class DevTokenRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "demo-admin",
                "roles": ["admin"],
                "units": [],
                "name": "Demo admin",
            }
        }
    )

    member_id: str = Field(min_length=1, max_length=100)
    roles: list[Role] = Field(default_factory=lambda: [Role.member], max_length=5)
    units: list[str] = Field(default_factory=list, max_length=100)
    name: str | None = Field(default=None, max_length=200)


class DevToken(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vLWFkbWluIn0.c2ln",
                "token_type": "bearer",
            }
        }
    )

    access_token: str
    token_type: str = "bearer"
