"""A loopback OpenID Connect issuer for the console's production sign-in: discovery, an
authorisation endpoint that signs one chosen person in at once, a token endpoint that checks
the PKCE verifier against the challenge (S256) and signs RS256 tokens, and its JWKS. It
records what the browser sent, so a test can see the code flow with PKCE really ran."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass
class Issuer:
    url: str
    key: rsa.RSAPrivateKey
    # The person the authorisation endpoint signs in: the claims of their access token.
    person: dict[str, Any]
    audience: str = "spearhead"
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def token(self, audience: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": audience, "iat": now, "exp": now + 600, **claims}
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "k1"})


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _handler(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    jwk = json.loads(RSAAlgorithm.to_jwk(issuer.key.public_key()))
    jwks = {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}

    class Handler(BaseHTTPRequestHandler):
        def _json(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("access-control-allow-origin", "*")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_OPTIONS(self) -> None:
            self.send_response(204)
            self.send_header("access-control-allow-origin", "*")
            self.send_header("access-control-allow-headers", "*")
            self.send_header("access-control-allow-methods", "GET, POST")
            self.end_headers()

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/.well-known/openid-configuration":
                self._json(
                    200,
                    {
                        "issuer": issuer.url,
                        "authorization_endpoint": f"{issuer.url}/authorize",
                        "token_endpoint": f"{issuer.url}/token",
                        "jwks_uri": f"{issuer.url}/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "code_challenge_methods_supported": ["S256"],
                    },
                )
            elif parts.path == "/jwks":
                self._json(200, jwks)
            elif parts.path == "/authorize":
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                issuer.authorize_requests.append(query)
                code = secrets.token_urlsafe(16)
                issuer.codes[code] = query
                back = {"code": code, "state": query.get("state", "")}
                self.send_response(302)
                self.send_header("location", f"{query['redirect_uri']}?{urlencode(back)}")
                self.end_headers()
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            issuer.token_requests.append(form)
            asked = issuer.codes.pop(form.get("code", ""), None)
            if (
                asked is None
                or asked.get("code_challenge_method") != "S256"
                or _challenge(form.get("code_verifier", "")) != asked.get("code_challenge")
                or form.get("redirect_uri") != asked.get("redirect_uri")
            ):
                self._json(400, {"error": "invalid_grant"})
                return
            id_claims = {"sub": issuer.person["sub"], "name": issuer.person.get("name")}
            if asked.get("nonce"):
                id_claims["nonce"] = asked["nonce"]
            self._json(
                200,
                {
                    "access_token": issuer.token(issuer.audience, **issuer.person),
                    "id_token": issuer.token(asked["client_id"], **id_claims),
                    "token_type": "Bearer",
                    "expires_in": 600,
                    "scope": asked.get("scope", "openid"),
                },
            )

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_issuer(person: dict[str, Any]) -> Iterator[Issuer]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    issuer = Issuer(url=f"http://127.0.0.1:{server.server_port}", key=key, person=person)
    server.RequestHandlerClass = _handler(issuer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
