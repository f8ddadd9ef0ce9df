"""The director's department dashboard in a real browser: the plan's eleven figures for the
marketing department in 2026, each with its actual, target, status and a chart by month,
equal to the API's; a service that could not answer named as such; English; and a person
outside the unit sees the API's refusal."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from playwright.async_api import Page, Route

from tests.console.conftest import Console, PageAs, screen

STATUS = {
    "zh-CN": {
        "met": "已达成",
        "at_risk": "有风险",
        "missed": "未达成",
        "no_data": "暂无数据",
        "unavailable": "不可用",
    },
    "en": {
        "met": "Met",
        "at_risk": "At risk",
        "missed": "Missed",
        "no_data": "No data",
        "unavailable": "Unavailable",
    },
}
UNITS = {
    "zh-CN": {"hours": "{} 小时", "hours_per_member": "{} 小时/人", "none": "暂无数据"},
    "en": {"hours": "{} h", "hours_per_member": "{} h per member", "none": "No data"},
}


def shown(figure: dict[str, Any], value: str | None, locale: str = "zh-CN") -> str:
    """A figure's value as the dashboard writes it: a ratio as a percentage (one decimal at
    most), hours with at most two decimals and their unit."""
    if value is None:
        return UNITS[locale]["none"]
    if figure["unit"] == "ratio":
        percent = (Decimal(value) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return f"{percent:,.1f}".rstrip("0").rstrip(".") + "%"
    number = f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"
    number = number.rstrip("0").rstrip(".") if "." in number else number
    return UNITS[locale][figure["unit"]].format(number)


async def text(page: Page, selector: str) -> str:
    return (await page.locator(selector).first.inner_text()).strip()


async def marketing(console: Console) -> str:
    units = (await console.get("dir", "/goals/org-units"))["items"]
    unit: str = next(u["id"] for u in units if u["name"] == "市场部 Marketing")
    return unit


async def check_figures(page: Page, dashboard: dict[str, Any], locale: str) -> None:
    assert await page.locator("article.figure").count() == len(dashboard["figures"])
    for figure in dashboard["figures"]:
        card = f"article[data-figure={figure['key']}]"
        label = figure["label_en"] if locale == "en" else figure["label"]
        assert await text(page, f"{card} h2") == label
        assert await text(page, f"{card} [data-test=actual]") == shown(
            figure, figure["actual"], locale
        )
        target = await text(page, f"{card} [data-test=target]")
        assert target.endswith(shown(figure, figure["target"], locale))
        assert target.startswith("≤" if figure["direction"] == "at_most" else "≥")
        assert await text(page, f"{card} [data-test=status]") == STATUS[locale][figure["status"]]
        if figure["status"] != "unavailable":
            chart = page.locator(f"{card} figure.chart [role=img]")
            aria = await chart.get_attribute("aria-label") or ""
            for point in figure["trend"]:
                assert f"{point['month']} {shown(figure, point['actual'], locale)}" in aria


async def shown_dashboard(page: Page, name: str) -> dict[str, Any]:
    """Open the dashboard screen and return the API's answer it showed, read in the same
    moment: a figure that moves with the clock (first response while a ticket waits) cannot
    be compared with a read made a second earlier."""
    async with page.expect_response(
        lambda r: "/dashboard?" in r.url and r.request.method == "GET" and r.status == 200
    ) as answered:
        await screen(page, "/director/dashboard", name, "article.figure")
    shown: dict[str, Any] = await (await answered.value).json()
    return shown


async def test_department_dashboard_equals_the_api(console: Console, page_as: PageAs) -> None:
    unit = await marketing(console)
    page = await page_as("dir")
    dashboard = await shown_dashboard(page, "director-dashboard")
    assert dashboard["unit_id"] == unit
    assert len(dashboard["figures"]) == 11
    api = await console.get("dir", "/dashboard", unit_id=unit, year=2026)
    assert [f["key"] for f in api["figures"]] == [f["key"] for f in dashboard["figures"]]
    assert await page.locator("[data-test=unit]").input_value() == unit
    assert await page.locator("[data-test=year]").input_value() == "2026"
    await check_figures(page, dashboard, "zh-CN")
    attainment = "article[data-figure=goal_attainment]"
    assert await text(page, f"{attainment} [data-test=actual]") == "30%"
    assert await page.locator("[data-test=services-down]").count() == 0


async def test_dashboard_in_english(console: Console, page_as: PageAs) -> None:
    unit = await marketing(console)
    page = await page_as("dir", locale="en")
    dashboard = await shown_dashboard(page, "director-dashboard-en")
    assert dashboard["unit_id"] == unit
    assert await text(page, "h1") == "Department dashboard"
    await check_figures(page, dashboard, "en")


async def test_an_unavailable_service_is_shown_as_such(console: Console, page_as: PageAs) -> None:
    page = await page_as("dir")

    async def incentives_down(route: Route) -> None:
        answer = await route.fetch()
        body = await answer.json()
        body["services"]["incentives"] = {"status": "unavailable", "detail": "timed out"}
        for figure in body["figures"]:
            if figure["service"] == "incentives":
                figure.update(actual=None, status="unavailable", explanation=[])
        await route.fulfill(response=answer, body=json.dumps(body))

    await page.route("**/dashboard?*", incentives_down)
    await screen(page, "/director/dashboard", "director-dashboard-degraded", "article.figure")
    down = await text(page, "[data-test=services-down] [data-service=incentives]")
    assert down == "激励服务暂不可用\uff08timed out\uff09"  # full-width brackets
    card = "article[data-figure=project_success_rate]"
    assert await text(page, f"{card} [data-test=status]") == "不可用"
    assert await text(page, f"{card} [data-test=unavailable]") == "激励服务暂不可用"
    assert await text(page, f"{card} [data-test=actual]") == "暂无数据"
    # The other services' figures are still there, with their charts.
    assert await page.locator("article.figure figure.chart").count() == 10


async def test_outside_the_unit_the_refusal_is_shown(console: Console, page_as: PageAs) -> None:
    units = (await console.get("p1", "/goals/org-units"))["items"]
    product = next(u["id"] for u in units if u["name"] == "产品部 Product")
    async with console.api("p1") as client:
        refused = await client.get("/dashboard", params={"unit_id": product, "year": 2026})
    assert refused.status_code == 403
    page = await page_as("p1")
    await screen(page, "/director/dashboard", "director-dashboard-refused", "[role=alert]")
    detail = refused.json()["detail"]
    assert await text(page, "[data-test=error-detail]") == f"您无权查看此内容: {detail}"
    await page.get_by_role("button", name="重试").click()
    await page.locator("[role=alert]").wait_for()
