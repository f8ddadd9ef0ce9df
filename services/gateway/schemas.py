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


class SignInConfig(BaseModel):
    """How the console signs people in: the development picker, or OpenID Connect."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "method": "oidc",
                "issuer": "https://id.example.com/realms/spark",
                "client_id": "spearhead-console",
                "scope": "openid profile",
            }
        }
    )

    method: str = Field(description="`development` (a picker of demo users) or `oidc`")
    issuer: str | None = Field(default=None, description="The OpenID Connect issuer (oidc only)")
    client_id: str | None = Field(default=None, description="The console's client id (oidc only)")
    scope: str = "openid profile"


class DevUser(BaseModel):
    """Someone the development picker offers, with the claims their token will carry."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "member_id": "s1",
                "name": "王芳 Wang Fang",
                "roles": ["member"],
                "units": ["9b1c8f2e-0d7a-4d8e-9a51-2f6c3b7d1e04"],
                "title": "销售代表 Sales rep",
            }
        }
    )

    member_id: str
    name: str
    roles: list[Role]
    units: list[str]
    title: str
