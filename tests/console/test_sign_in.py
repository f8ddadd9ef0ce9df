"""Signing in: the development picker offers goals' members and the staff accounts, a pick
signs in with that person's claims, the language switches, and signing out ends it."""

from __future__ import annotations

import httpx

from tests.console.conftest import Console, PageAs, screen


async def test_picker_offers_the_demo_people_and_signs_in(
    console: Console, page_as: PageAs
) -> None:
    offered = set(console.people)
    assert {"dir", "lead", "s1", "s2", "p1", "demo-admin", "demo-hr", "demo-finance"} <= offered
    assert console.people["lead"]["roles"] == ["manager"]
    assert console.people["s1"]["roles"] == ["member"]
    page = await page_as("s1")
    await screen(page, "/", "home-rep", "h1")
    assert await page.locator("[data-test=who]").inner_text() == "王芳 Wang Fang"
    assert "欢迎" in await page.locator("h1").inner_text()
    await page.select_option("[data-test=locale]", "en")
    assert "Welcome" in await page.locator("h1").inner_text()
    assert await page.evaluate("document.documentElement.lang") == "en"
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/console/signin")
    await page.goto(console.url + "/console/")
    await page.wait_for_url("**/console/signin")


async def test_sign_in_page_is_accessible_and_says_how(console: Console, page_as: PageAs) -> None:
    async with httpx.AsyncClient(base_url=console.url) as client:
        config = (await client.get("/auth/sign-in")).json()
        missing = await client.get("/console/assets/none.js")
        deep = await client.get("/console/rep/score")
    assert config == {
        "method": "development",
        "issuer": None,
        "client_id": None,
        "scope": "openid profile",
    }
    assert missing.status_code == 404
    assert deep.status_code == 200 and '<div id="app">' in deep.text
    page = await page_as("demo-admin")
    await page.get_by_role("button", name="退出登录").click()
    await screen(page, "/signin", "sign-in", "button[data-member=s1]")
