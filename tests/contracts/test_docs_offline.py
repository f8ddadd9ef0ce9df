"""``/docs`` renders on a closed network: Debian's Chromium, headless, against a real gateway,
with every request to another host refused and recorded. Swagger UI's assets come from an
installed package (fastapi-offline), so the page shows the operations anyway."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.async_api import Route, async_playwright

from deploy.localinfra import free_port
from gateway.main import create_app
from gateway.settings import GatewayMode, Settings
from tests.conftest import create_database

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
async def gateway_url(
    database_url: str, monkeypatch_module: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    url = await create_database(database_url, f"docs_{uuid.uuid4().hex[:8]}")
    monkeypatch_module.setenv("SPEARHEAD_DATABASE_URL", url)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Settings(mode=GatewayMode.embedded)),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


@pytest.fixture(scope="module")
def monkeypatch_module() -> AsyncIterator[pytest.MonkeyPatch]:  # type: ignore[misc]
    with pytest.MonkeyPatch.context() as patch:
        yield patch


async def _rendered(gateway_url: str, path: str, selector: str) -> tuple[list[str], list[str]]:
    """The texts of ``selector`` on ``path``, and every request to another host (refused)."""
    assert shutil.which(CHROMIUM), "Debian's chromium is not installed: run `make tools`"
    outside: list[str] = []
    own = urlsplit(gateway_url).netloc

    async def only_own_host(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own:
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            page = await browser.new_page()
            await page.route("**/*", only_own_host)
            await page.goto(f"{gateway_url}{path}")
            await page.wait_for_selector(selector, timeout=60_000)
            texts = await page.locator(selector).all_inner_texts()
        finally:
            await browser.close()
    return texts, outside


async def test_swagger_ui_renders_every_service_without_the_internet(gateway_url: str) -> None:
    texts, outside = await _rendered(gateway_url, "/docs", ".opblock-summary-path")
    assert outside == []
    paths = {t.replace("\u200b", "").strip() for t in texts}
    for expected in (
        "/goals/org-units",
        "/performance/review-cycles",
        "/incentives/plans",
        "/collab/tickets",
        "/auth/dev-token",
    ):
        assert expected in paths
    assert len(texts) >= 100  # every operation of the merged document has its block
