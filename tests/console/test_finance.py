"""Finance's screens in the browser: payout runs by period and state, a run line by line with
its totals (money as zh-CN and en write it), the approval rules shown and the API's refusal
shown word for word, and the error, empty and no-access states."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from playwright.async_api import Locator, Page

from tests.console.conftest import SHOTS, Console, PageAs, answered_503, screen

SYMBOL = {"zh-CN": {"CNY": "¥", "USD": "US$"}, "en": {"CNY": "CN¥", "USD": "$"}}


def money(value: dict[str, str], locale: str = "zh-CN") -> str:
    """``{"amount": "-1234.5", "currency": "CNY"}`` as Intl writes it: ``-¥1,234.50``."""
    amount = Decimal(value["amount"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}{SYMBOL[locale][value['currency']]}{abs(amount):,.2f}"


async def texts(page: Page | Locator, selector: str) -> list[str]:
    return [t.strip() for t in await page.locator(selector).all_inner_texts()]


async def the_run(console: Console) -> dict[str, Any]:
    runs = await console.get("demo-finance", "/incentives/payout-runs", period="2026-Q1")
    assert len(runs["items"]) == 1
    run: dict[str, Any] = runs["items"][0]
    return run


async def test_runs_and_a_runs_lines_equal_the_api(console: Console, page_as: PageAs) -> None:
    runs = (await console.get("demo-finance", "/incentives/payout-runs", limit=200))["items"]
    run = await the_run(console)
    lines = await console.get(
        "demo-finance", f"/incentives/payout-runs/{run['id']}/lines", limit=200
    )
    page = await page_as("demo-finance")
    await screen(page, "/finance/runs", "finance-runs", "[data-run]")
    assert await page.locator("[data-test=count]").inner_text() == f"共 {len(runs)} 个批次"
    row = page.locator(f'tr[data-run="{run["id"]}"]')
    assert await row.locator("[data-test=run-state]").inner_text() == "已导出"
    assert await row.locator("[data-test=run-members]").inner_text() == str(run["members"])
    assert await row.locator("[data-test=run-lines]").inner_text() == str(run["lines"])
    assert await texts(row, "[data-test=run-totals] .total") == [money(t) for t in run["totals"]]
    await row.get_by_role("link").click()
    await page.wait_for_url(f"**/finance/runs/{run['id']}")
    await screen(page, f"/finance/runs/{run['id']}", "finance-run", "[data-test=line]")
    assert await texts(page, "[data-test=run-total]") == [money(t) for t in run["totals"]]
    assert await texts(page, "[data-test=member-total]") == [
        money(m["total"]) for m in run["member_totals"]
    ]
    assert len(lines["items"]) == run["lines"] > 0
    assert await texts(page, "[data-test=line-member]") == [
        line["member_id"] for line in lines["items"]
    ]
    assert await texts(page, "[data-test=line-amount]") == [
        money(line["amount"]) for line in lines["items"]
    ]
    assert await texts(page, "[data-test=line-explanation]") == [
        line["explanation"] for line in lines["items"]
    ]
    # Exported: no approval offered, exporting again gives the same file.
    assert await page.locator("[data-test=approve]").count() == 0
    await page.locator("[data-test=export]").click()
    await page.locator("[data-test=download]").wait_for()
    assert "payroll-2026-Q1" in (
        await page.locator("[data-test=download]").get_attribute("download") or ""
    )


async def test_approval_refused_shows_the_rules_and_the_apis_detail(
    console: Console, page_as: PageAs
) -> None:
    async with console.api("demo-finance") as finance:
        created = await finance.post("/incentives/payout-runs", json={"period": "2026-11"})
    assert created.status_code == 201, created.text
    run = created.json()
    async with console.api("demo-hr") as hr:
        current = await hr.get(f"/incentives/payout-runs/{run['id']}")
        refused = await hr.post(
            f"/incentives/payout-runs/{run['id']}/approve",
            headers={"If-Match": current.headers["etag"]},
        )
    assert refused.status_code == 403
    problem = refused.json()
    page = await page_as("demo-hr")
    await screen(page, f"/finance/runs/{run['id']}", "finance-run-draft", "[data-test=approve]")
    assert await page.locator("[data-test=state]").inner_text() == "草稿"
    rules = await page.locator(".rules li").all_inner_texts()
    assert len(rules) == 5 and "任何人不能独自审批给自己发钱的批次" in rules[1]
    await page.locator("[data-test=approve]").click()
    detail = page.locator("[data-test=refusal-detail]")
    await detail.wait_for()
    assert await detail.inner_text() == f"403 {problem['title']}: {problem['detail']}"
    assert "finance" in problem["detail"]
    await page.screenshot(path=str(SHOTS / "finance-run-refused.png"), full_page=True)
    if run["lines"] == 0:
        assert await page.locator("[data-test=no-lines]").inner_text() == (
            "这个批次没有明细行\uff08本期间没有计划覆盖的成员或待发调整\uff09"
        )
    else:
        assert await page.locator("[data-test=line]").count() == run["lines"]
    after = await console.get("demo-finance", f"/incentives/payout-runs/{run['id']}")
    assert after["state"] == "draft" and after["version"] == run["version"]

    approver = await page_as("demo-finance")
    await screen(
        approver, f"/finance/runs/{run['id']}", "finance-run-finance", "[data-test=approve]"
    )
    await approver.locator("[data-test=recalculate]").click()
    await approver.locator("[data-test=done]").wait_for()
    assert await approver.locator("[data-test=done]").inner_text() == "操作已完成: 重新计算"
    recalculated = await console.get("demo-finance", f"/incentives/payout-runs/{run['id']}")
    assert recalculated["state"] == "draft"
    assert await approver.locator("[data-test=state]").inner_text() == "草稿"


async def test_error_empty_and_no_access_states(console: Console, page_as: PageAs) -> None:
    page = await page_as("demo-finance")

    unavailable = answered_503("incentives is restarting")

    await page.route("**/incentives/payout-runs?*", unavailable)
    await screen(page, "/finance/runs", "finance-runs-error", "[role=alert]")
    assert await page.locator("[data-test=error-detail]").inner_text() == (
        "服务暂不可用: incentives is restarting"
    )
    await page.unroute("**/incentives/payout-runs?*", unavailable)
    await page.get_by_role("button", name="重试").click()
    await page.locator("[data-run]").first.wait_for()

    await screen(page, "/finance/runs?period=2026-Q3", "finance-runs-empty", "[data-test=empty]")
    assert await page.locator("[data-test=empty]").inner_text() == "该条件下没有发放批次"

    async with console.api("lead") as lead:
        answer = await lead.get("/incentives/payout-runs")
    assert answer.status_code == 403
    refused = await page_as("lead")
    await screen(refused, "/finance/runs", "finance-runs-refused", "[role=alert]")
    assert await refused.locator("[data-test=error-detail]").inner_text() == (
        f"您无权查看此内容: {answer.json()['detail']}"
    )


async def test_a_run_in_english(console: Console, page_as: PageAs) -> None:
    run = await the_run(console)
    page = await page_as("demo-admin", locale="en")
    await screen(page, f"/finance/runs/{run['id']}", "finance-run-en", "[data-test=line]")
    assert await page.locator("h1").inner_text() == "Payout run 2026-Q1"
    assert await page.locator("[data-test=state]").inner_text() == "Exported"
    assert await texts(page, "[data-test=run-total]") == [money(t, "en") for t in run["totals"]]
