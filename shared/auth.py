"""Identity: a Principal from a JWT (HS256 locally, RS256 via JWKS from an OIDC issuer).

Every service depends on ``CurrentPrincipal``; what the principal may see is decided in the
service that owns the data.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwt.types import Options
from pydantic import BaseModel, ConfigDict

from shared.errors import Forbidden, Unauthorized
from shared.settings import ServiceSettings


class Role(StrEnum):
    member = "member"
    manager = "manager"
    hr = "hr"
    finance = "finance"
    admin = "admin"


class Principal(BaseModel):
    """Who is calling: the member, the org units they belong to or manage, and their roles."""

    model_config = ConfigDict(frozen=True)

    member_id: str
    org_units: tuple[str, ...] = ()
    roles: frozenset[Role] = frozenset({Role.member})
    name: str | None = None

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def require(self, *roles: Role) -> None:
        if not self.has(*roles):
            raise Forbidden(f"this needs one of the roles: {', '.join(sorted(roles))}")


# Tokens a verifier remembers at most (then it starts again): one per active session.
VERIFIED_TOKENS_KEPT = 10_000


class TokenVerifier:
    """Verifies bearer tokens with the service's settings."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self._jwks = (
            jwt.PyJWKClient(settings.jwks_url, cache_keys=True) if settings.jwks_url else None
        )
        self._verified: dict[str, tuple[Principal, float]] = {}

    def _decode(self, token: str) -> dict[str, Any]:
        options: Options = {"require": ["exp", "sub", "iat"]}
        if self._jwks is not None:
            key = self._jwks.get_signing_key_from_jwt(token).key
            return jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self.settings.jwt_issuer,
                audience=self.settings.jwt_audience,
                options=options,
            )
        return jwt.decode(
            token,
            self.settings.jwt_secret,
            algorithms=["HS256"],
            issuer=self.settings.jwt_issuer,
            audience=self.settings.jwt_audience,
            options=options,
        )

    async def verify(self, token: str) -> Principal:
        """The caller a token names. A token verified once is known until it expires: each
        request of a session would otherwise pay the signature check again."""
        known = self._verified.get(token)
        if known is not None and known[1] > time.time():
            return known[0]
        try:
            if self._jwks is not None:
                # The JWKS client fetches keys over HTTP synchronously: keep it off the loop.
                claims = await asyncio.to_thread(self._decode, token)
            else:
                claims = self._decode(token)
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired") from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized(f"the token is not valid: {exc}") from exc
        principal = principal_from_claims(claims)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            self._verified.clear()
        self._verified[token] = (principal, float(claims["exp"]))
        return principal


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """The caller a verified token names, its claims checked strictly: ``sub`` a non-empty
    string, ``roles`` a list of known roles, ``units`` a list of unit ids, ``name`` a string.
    Anything else is a 401: a string ``units`` is not one unit per character, an object
    ``roles`` is not a set of its keys."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > 100:
        raise Unauthorized("the token's claims are not valid: sub must be a non-empty string")
    roles = claims.get("roles", ["member"])
    known = {r.value for r in Role}
    if (
        not isinstance(roles, list)
        or not roles
        or not all(isinstance(r, str) and r in known for r in roles)
    ):
        raise Unauthorized(
            "the token's claims are not valid: roles must be a non-empty list of "
            + ", ".join(sorted(known))
        )
    units = claims.get("units", [])
    if not isinstance(units, list) or not all(
        isinstance(u, str) and u.strip() and len(u) <= 100 for u in units
    ):
        raise Unauthorized("the token's claims are not valid: units must be a list of unit ids")
    name = claims.get("name")
    if name is not None and not isinstance(name, str):
        raise Unauthorized("the token's claims are not valid: name must be a string")
    return Principal(
        member_id=sub,
        org_units=tuple(dict.fromkeys(units)),
        roles=frozenset(Role(r) for r in roles),
        name=name,
    )


def mint_token(
    settings: ServiceSettings,
    *,
    member_id: str,
    roles: list[str] | None = None,
    units: list[str] | None = None,
    name: str | None = None,
    ttl: timedelta = timedelta(hours=8),
) -> str:
    """An HS256 token signed with the local secret: for development and tests only."""
    if settings.is_production:
        raise Forbidden("tokens are not minted in production")
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": member_id,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
        "roles": roles or ["member"],
        "units": units or [],
    }
    if name:
        claims["name"] = name
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


_bearer = HTTPBearer(auto_error=False, description="A JWT issued by Spearhead's identity provider")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
