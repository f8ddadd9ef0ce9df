"""Production sign-in: with an issuer configured (``SPEARHEAD_JWKS_URL``), the console signs
in by OpenID Connect's authorisation code flow with PKCE (oidc-client-ts) against it, and the
access token the issuer signs is what the console then calls the API with."""

from __future__ import annotations

import json

from playwright.async_api import Browser

from tests.console.conftest import Console, spearhead
from tests.console.oidc_issuer import running_issuer


async def test_the_console_signs_in_with_the_code_flow_and_pkce(
    database_url: str, browser: Browser, console: Console
) -> None:
    person = {"sub": "lead", "name": "销售经理 Lead", "roles": ["manager"], "units": ["u-sales"]}
    with (
        running_issuer(person) as issuer,
        spearhead(
            database_url,
            "oidc",
            SPEARHEAD_JWKS_URL=f"{issuer.url}/jwks",
            SPEARHEAD_JWT_ISSUER=issuer.url,
        ) as url,
    ):
        context = await browser.new_context(locale="zh-CN")
        try:
            page = await context.new_page()
            await page.goto(f"{url}/console/")
            await page.wait_for_url("**/console/signin**")
            assert await page.locator("button[data-member]").count() == 0  # no picker
            await page.get_by_role("button", name="使用企业账号登录").click()
            await page.wait_for_url(f"{url}/console/")
            assert await page.locator("[data-test=who]").inner_text() == "销售经理 Lead"
            token = json.loads(await page.evaluate("sessionStorage.getItem('spearhead.session')"))[
                "token"
            ]
            status = await page.evaluate(
                """async (token) => (await fetch('/goals/org-units',
                     {headers: {Authorization: 'Bearer ' + token}})).status""",
                token,
            )
        finally:
            await context.close()
    (asked,) = issuer.authorize_requests
    assert asked["response_type"] == "code"
    assert asked["client_id"] == "spearhead-console"
    assert asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"] == f"{url}/console/callback"
    (exchanged,) = issuer.token_requests
    assert exchanged["grant_type"] == "authorization_code"
    assert len(exchanged["code_verifier"]) >= 43  # RFC 7636: 43 to 128 characters
    assert status == 200  # the issuer's RS256 token, verified against its JWKS
    assert token.count(".") == 2 and json.loads(
        __import__("base64").urlsafe_b64decode(token.split(".")[0] + "==")
    ) == {"alg": "RS256", "kid": "k1", "typ": "JWT"}
