"""Principals from tokens: an HS256 token signed with the local secret gives its member,
roles and units. (RS256 against an issuer's JWKS needs a loopback HTTP server, so it stays
in tests/test_auth.py.)"""

from __future__ import annotations

import pytest

from shared.auth import Role, TokenVerifier
from shared.settings import ServiceSettings
from tests.conftest import TEST_JWT_SECRET
from tests.helpers import token


@pytest.fixture(autouse=True)
def _test_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """The root session sets the test secret; this tier does not, so each test here does."""
    monkeypatch.setenv("SPEARHEAD_ENVIRONMENT", "test")
    monkeypatch.setenv("SPEARHEAD_JWT_SECRET", TEST_JWT_SECRET)


async def test_hs256_token_gives_the_principal() -> None:
    principal = await TokenVerifier(ServiceSettings()).verify(
        token("m-7", ["hr", "finance"], ["u-1", "u-2"])
    )
    assert principal.member_id == "m-7"
    assert principal.roles == frozenset({Role.hr, Role.finance})
    assert principal.org_units == ("u-1", "u-2")
