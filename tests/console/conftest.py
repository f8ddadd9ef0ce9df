"""The console in a real browser: Debian's Chromium (headless, driven by Playwright) against a
real embedded Spearhead with `make demo`'s story loaded, every request to another host
refused and recorded.

``console`` is one Spearhead for the whole browser suite (a subprocess on a free port, its
own database); ``page_as(member_id)`` signs in through the development picker as the console
does, and ``api(member_id)`` reads the API with the very claims the picker gave that person,
so a test compares what the screen shows with what the API answers for the same caller.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright

from deploy.demo import tell
from deploy.localinfra import free_port
from shared.auth import mint_token
from shared.settings import ServiceSettings
from tests.conftest import create_database

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "console" / "node_modules" / "axe-core" / "axe.min.js"
# The built console the gateway serves (a helper building elsewhere sets GATEWAY_CONSOLE_DIST).
DIST = Path(os.environ.get("GATEWAY_CONSOLE_DIST") or ROOT / "console" / "dist") / "index.html"
# Screenshots of every screen the suite opens (linked from the README).
SHOTS = ROOT / "build" / "test-output" / "console"


@dataclass
class Console:
    url: str
    people: dict[str, dict[str, Any]]
    outside: list[str] = field(default_factory=list)

    def token(self, member_id: str) -> str:
        """A token with the claims the picker gives ``member_id``."""
        person = self.people[member_id]
        return mint_token(
            ServiceSettings(),
            member_id=member_id,
            roles=person["roles"],
            units=person["units"],
            name=person["name"],
        )

    def api(self, member_id: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.token(member_id)}"},
            timeout=30,
        )

    async def get(self, member_id: str, path: str, **params: Any) -> Any:
        """The API's answer to ``member_id`` (200 asserted)."""
        async with self.api(member_id) as client:
            response = await client.get(path, params=params)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()


@contextmanager
def spearhead(database_url: str, name: str, **env: str) -> Iterator[str]:
    """An embedded Spearhead (``python -m deploy.run_embedded``) on a free port, on a new
    database of the test server, with ``env`` added; stopped afterwards."""
    database = f"{name}_{uuid.uuid4().hex[:8]}"
    # A thread of its own: the caller may be a test already running in the event loop.
    with ThreadPoolExecutor(1) as pool:
        url_db = pool.submit(asyncio.run, create_database(database_url, database)).result()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_path = SHOTS / f"spearhead-{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.run_embedded"],
            env={
                **os.environ,
                "PORT": str(port),
                "SPEARHEAD_DATABASE_URL": url_db,
                "SPEARHEAD_PUBLIC_URL": url,
                **env,
            },
            stdout=log,
            stderr=log,
            cwd=ROOT,
        )
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert process.poll() is None, f"Spearhead stopped; see {log_path}"
                assert time.monotonic() < deadline, "Spearhead did not become ready in 180 s"
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=60)


@pytest.fixture(scope="session")
def console_url(database_url: str) -> Iterator[str]:
    assert DIST.is_file(), "the console is not built: `make test` builds it (`make console`)"
    with spearhead(database_url, "console") as url:
        yield url


@pytest.fixture(scope="session")
async def console(console_url: str) -> Console:
    """Spearhead with the demo story loaded, and the people the picker offers."""
    url = console_url
    await tell(url, "")
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        people = (await client.get("/auth/dev-users", params={"limit": 200})).json()["items"]
    return Console(url=url, people={p["member_id"]: p for p in people})


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    assert shutil.which(CHROMIUM), "Debian's chromium is not installed: run `make tools`"
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield chromium
        await chromium.close()


PageAs = Callable[..., Awaitable[Page]]


@pytest.fixture
async def page_as(browser: Browser, console: Console) -> AsyncIterator[PageAs]:
    """``await page_as("s1")``: a fresh browser context signed in as s1 through the picker
    (Chinese unless ``locale="en"``), on the console's home page."""
    contexts: list[BrowserContext] = []
    own = urlsplit(console.url).netloc

    async def only_own_host(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own:
            await route.continue_()
        else:
            console.outside.append(route.request.url)
            await route.abort()

    async def open_as(member_id: str, locale: str = "zh-CN") -> Page:
        context = await browser.new_context(
            locale=locale, timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
        )
        contexts.append(context)
        await context.add_init_script(
            f"localStorage.setItem('spearhead.locale', {json.dumps(locale)})"
        )
        page = await context.new_page()
        await page.route("**/*", only_own_host)
        await page.goto(f"{console.url}/console/signin")
        await page.locator(f'button[data-member="{member_id}"]').click()
        await page.wait_for_url(lambda u: "/signin" not in u)
        return page

    yield open_as
    for context in contexts:
        await context.close()
    assert console.outside == [], f"the console asked other hosts: {console.outside}"


def answered_503(detail: str) -> Callable[[Route], Awaitable[None]]:
    """A route handler answering 503 problem+json with ``detail``: a service that is down, for
    a screen's error state (``await page.route(pattern, answered_503("goals is down"))``)."""

    async def fulfil(route: Route) -> None:
        await route.fulfill(
            status=503,
            content_type="application/problem+json",
            body=json.dumps(
                {
                    "type": "about:blank",
                    "title": "Service Unavailable",
                    "status": 503,
                    "detail": detail,
                }
            ),
        )

    return fulfil


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now."""
    await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def settled(page: Page) -> None:
    """Every part of the screen has loaded (the live stream keeps the network busy, so
    "network idle" never comes): no element is ``aria-busy`` any more."""
    await page.wait_for_function(
        "() => !document.querySelector('[aria-busy=true]')", timeout=30_000
    )


async def screen(page: Page, path: str, name: str, ready: str) -> Page:
    """Open ``path`` (under /console), wait for ``ready`` (a selector) to show, check it with
    axe-core (0 serious or critical findings) and save a screenshot as ``name``.png."""
    await page.goto(page.url.split("/console/")[0] + "/console" + path)
    await page.locator(ready).first.wait_for(state="visible", timeout=30_000)
    await settled(page)
    violations = await axe_violations(page)
    assert violations == [], f"{path}: accessibility findings {violations}"
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    return page
