"""Principals from tokens: RS256 with keys from an issuer's JWKS (served here from loopback).
HS256 with the local secret is pinned in tests/unit/test_tokens.py."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from shared.auth import Role, TokenVerifier
from shared.errors import Unauthorized
from shared.settings import ServiceSettings
from tests.helpers import token


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def issuer_key() -> rsa.RSAPrivateKey:
    return _rsa_key()


@pytest.fixture(scope="module")
def jwks_url(issuer_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """A loopback OIDC issuer that serves its public key as a JWKS."""
    jwk = json.loads(RSAAlgorithm.to_jwk(issuer_key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()


def _rs256(key: rsa.RSAPrivateKey, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "sub": "m-42",
        "iss": "spearhead",
        "aud": "spearhead",
        "iat": now,
        "exp": now + 600,
        "roles": ["manager"],
        "units": ["u-sales"],
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})


async def test_rs256_token_verified_with_the_issuers_jwks(
    jwks_url: str, issuer_key: rsa.RSAPrivateKey
) -> None:
    verifier = TokenVerifier(ServiceSettings(jwks_url=jwks_url))
    principal = await verifier.verify(_rs256(issuer_key))
    assert principal.member_id == "m-42"
    assert principal.roles == frozenset({Role.manager})
    assert principal.org_units == ("u-sales",)
    with pytest.raises(Unauthorized):
        await verifier.verify(_rs256(_rsa_key()))  # signed by someone else
    with pytest.raises(Unauthorized):
        await verifier.verify(_rs256(issuer_key, aud="another-app"))
    with pytest.raises(Unauthorized):
        await verifier.verify(token())  # HS256 is not accepted once an issuer is configured
