"""The gateway's console routes: built files under /console (client routes answered with the
index page, nothing outside the build folder), how the console signs in, and the development
picker's people, absent in production."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from deploy.localinfra import free_port
from gateway.main import create_app
from gateway.settings import Settings
from tests.conftest import TEST_JWT_SECRET


def _dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def _settings(dist: Path, **more: object) -> Settings:
    return Settings(
        console_dist=str(dist),
        goals_url=_dead_url(),
        performance_url=_dead_url(),
        incentives_url=_dead_url(),
        collab_url=_dead_url(),
        **more,  # type: ignore[arg-type]
    )


@asynccontextmanager
async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as c,
    ):
        yield c


async def test_built_files_and_client_routes(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<div id=app></div>", encoding="utf-8")
    (dist / "assets" / "index-abc.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not served", encoding="utf-8")
    async with _client(_settings(dist)) as client:
        bare = await client.get("/console")
        asset = await client.get("/console/assets/index-abc.js")
        route = await client.get("/console/rep/score?month=2026-03")
        missing = await client.get("/console/assets/gone.js")
        outside = await client.get("/console/..%2Fsecret.txt")
    assert (bare.status_code, bare.headers["location"]) == (308, "/console/")
    assert asset.text == "console.log(1)"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert route.text == "<div id=app></div>"
    assert route.headers["cache-control"] == "no-cache"
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert outside.text == "<div id=app></div>"  # the index page, never the file beside


async def test_an_unbuilt_console_says_how_to_build_it(tmp_path: Path) -> None:
    async with _client(_settings(tmp_path / "nothing")) as client:
        response = await client.get("/console/")
    assert response.status_code == 503
    assert "make console" in response.json()["detail"]


async def test_sign_in_method_follows_the_issuer_and_the_picker_is_absent_in_production(
    tmp_path: Path,
) -> None:
    async with _client(_settings(tmp_path)) as client:
        development = (await client.get("/auth/sign-in")).json()
        people = await client.get("/auth/dev-users")  # goals is down here
    assert development["method"] == "development"
    assert people.status_code == 503
    production = _settings(
        tmp_path,
        environment="production",
        jwt_secret=TEST_JWT_SECRET,
        jwks_url="https://id.example.test/jwks",
        jwt_issuer="https://id.example.test",
        console_client_id="console-prod",
    )
    async with _client(production) as client:
        oidc = (await client.get("/auth/sign-in")).json()
        absent = await client.get("/auth/dev-users")
        document_paths = (await client.get("/openapi.json")).json()["paths"]
    assert oidc == {
        "method": "oidc",
        "issuer": "https://id.example.test",
        "client_id": "console-prod",
        "scope": "openid profile",
    }
    assert absent.status_code == 404
    assert "/auth/dev-users" not in document_paths
    assert "/auth/sign-in" in document_paths
