"""The rep's screens in a real browser, signed in as s1 (and s2, s3): my goals and check-ins,
my tasks board, my weekly report, my live score and my pay (projection, what-if, statements).
Every number on screen is compared with what the API answers the same caller, formatted as
the console's locale writes it; the live test records an actual and sees the score and the
projection change on screen within 2 s, with no reload."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from playwright.async_api import Page, expect

from tests.console.conftest import Console, PageAs, answered_503, screen

CNY = {"zh-CN": "¥", "en": "CN¥"}
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fixed(value: str, digits: int = 2) -> str:
    """A decimal with exactly ``digits`` places, grouped (Intl, zh-CN and en alike)."""
    quantum = Decimal(1).scaleb(-digits)
    return f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,.{digits}f}"


def number(value: str | None, digits: int = 2) -> str:
    """format.number: at most ``digits`` places, trailing zeros dropped, grouped."""
    if value is None:
        return "—"
    text = fixed(value, digits)
    return text.rstrip("0").rstrip(".") if "." in text else text


def pct(value: str | None) -> str:
    """format.percent: a ratio as a percentage with at most one decimal place."""
    if value is None:
        return "—"
    return number(str(Decimal(value) * 100), 1) + "%"


def money(value: dict[str, str], locale: str = "zh-CN") -> str:
    amount = Decimal(value["amount"])
    sign = "-" if amount < 0 else ""
    return f"{sign}{CNY[locale]}{fixed(str(abs(amount)))}"


def day(value: str, locale: str = "zh-CN") -> str:
    year, month, date = (int(part) for part in value[:10].split("-"))
    if locale == "en":
        return f"{MONTHS_EN[month - 1]} {date}, {year}"
    return f"{year}年{month}月{date}日"


async def texts(page: Page, selector: str) -> list[str]:
    return [text.strip() for text in await page.locator(selector).all_inner_texts()]


async def goals_of(console: Console, member: str) -> list[dict[str, Any]]:
    page = await console.get(
        member, "/goals/goals", owner_type="member", owner_id=member, limit=200
    )
    return list(page["items"])


async def test_goals_equal_the_api_and_a_check_in_is_added(
    console: Console, page_as: PageAs
) -> None:
    page = await page_as("s1")
    await screen(page, "/rep/goals", "rep-goals", "[data-test=goals]")
    assert await page.locator("h1").inner_text() == "我的目标"
    goals = await goals_of(console, "s1")
    assert {g["period"] for g in goals} >= {"2026-Q1", "2026-01", "2026-02", "2026-03"}
    assert await page.locator("[data-test=goals] tbody tr").count() == len(goals)
    for goal in goals:
        progress = await console.get("s1", f"/goals/goals/{goal['id']}/progress")
        row = page.locator(f'tr[data-goal="{goal["id"]}"]')
        assert await row.locator("[data-test=period]").inner_text() == goal["period"]
        assert await row.locator("[data-test=target]").inner_text() == number(goal["target_value"])
        assert await row.locator("[data-test=actual]").inner_text() == number(progress["actual"])
        assert await row.locator("[data-test=attainment]").inner_text() == pct(
            progress["attainment"]
        )
        assert await row.locator("[data-test=progress]").inner_text() == pct(progress["progress"])
        assert await row.locator("[data-test=source]").inner_text() == "实测达成"
    # The January target: 120,000 of 100,000.
    january = next(g for g in goals if g["period"] == "2026-01")
    row = page.locator(f'tr[data-goal="{january["id"]}"]')
    assert await row.locator("[data-test=attainment]").inner_text() == "120%"

    # The latest period's goal is picked; it has no check-in yet (the empty state).
    march = next(g for g in goals if g["period"] == "2026-03" and g["kpi"] == "revenue")
    assert await page.locator("[data-test=pick-goal]").input_value() == march["id"]
    await expect(page.locator(".check-ins [data-test=empty]")).to_have_text("该目标还没有打卡记录")
    # Without a progress the API refuses, naming the field.
    await page.locator("[data-test=check-in-progress-input]").fill("")
    await page.get_by_role("button", name="保存打卡").click()
    await expect(page.locator("[data-test=check-in-error]")).to_contain_text("422")
    await page.locator("[data-test=check-in-month]").fill("2026-03")
    await page.locator("[data-test=check-in-progress-input]").fill("85")
    await page.locator("[data-test=check-in-confidence]").select_option("high")
    await page.locator("[data-test=check-in-blockers]").fill("等待报价审批")
    await page.get_by_role("button", name="保存打卡").click()
    await expect(page.locator("[data-test=check-in-saved]")).to_have_text("打卡已保存")
    check_ins = (await console.get("s1", f"/goals/goals/{march['id']}/check-ins"))["items"]
    assert [(c["month"], c["progress"], c["confidence"]) for c in check_ins] == [
        ("2026-03", "0.850000", "high")
    ]
    await expect(page.locator("[data-test=check-ins] tbody tr")).to_have_count(1)
    assert await texts(page, "[data-test=check-ins] [data-test=check-in-progress]") == ["85%"]


async def test_tasks_board_files_each_task_in_its_quadrant(
    console: Console, page_as: PageAs
) -> None:
    # s3 (hired in the talent chapter) has no tasks: the empty state.
    assert (await console.get("s3", "/goals/members/s3/tasks"))["items"] == []
    empty = await page_as("s3")
    await screen(empty, "/rep/tasks", "rep-tasks-empty", "[data-test=empty]")
    assert await empty.locator("[data-test=empty]").inner_text() == "您还没有任务"

    wanted = {
        "do_first": ("拜访重点客户 Call key accounts", True, True, "2026-03-18"),
        "schedule": ("规划二季度商机 Plan the Q2 pipeline", False, True, "2026-03-27"),
        "delegate": ("预订会议室 Book the meeting room", True, False, "2026-03-17"),
        "eliminate": ("整理 CRM 标签 Tidy CRM tags", False, False, "2026-03-20"),
    }
    async with console.api("s1") as client:
        for title, urgent, important, due in wanted.values():
            response = await client.post(
                "/goals/tasks",
                json={
                    "owner_id": "s1",
                    "title": title,
                    "urgent": urgent,
                    "important": important,
                    "due_on": due,
                },
            )
            assert response.status_code == 201, response.text
    tasks = (await console.get("s1", "/goals/members/s1/tasks", limit=200))["items"]
    page = await page_as("s1")
    await screen(page, "/rep/tasks", "rep-tasks", "[data-test=board]")
    for quadrant, (title, _urgent, _important, due) in wanted.items():
        # Each quadrant holds the API's tasks of that quadrant (other chapters may add some,
        # like a meeting's action item), the one made here among them.
        mine = [t for t in tasks if t["quadrant"] == quadrant]
        assert title in [t["title"] for t in mine]
        section = page.locator(f'section[data-quadrant="{quadrant}"]')
        assert await texts(page, f'[data-quadrant="{quadrant}"] [data-test=task-title]') == [
            t["title"] for t in mine
        ]
        assert await texts(page, f'[data-quadrant="{quadrant}"] [data-test=task-due]') == [
            day(t["due_on"]) for t in mine
        ]
        assert await section.locator("[data-test=count]").inner_text() == f"{len(mine)} 项"
        made = section.locator(
            f'[data-task="{next(t["id"] for t in mine if t["title"] == title)}"]'
        )
        assert await made.locator("[data-test=task-due]").inner_text() == day(due)
        assert await made.locator("[data-test=task-status]").inner_text() == "待办"


async def test_weekly_report_in_english(console: Console, page_as: PageAs) -> None:
    report = await console.get("s1", "/goals/members/s1/weekly-report", week_of="2026-03-18")
    page = await page_as("s1", locale="en")
    await screen(page, "/rep/weekly?week_of=2026-03-18", "rep-weekly-en", "[data-test=week-range]")
    assert await page.locator("h1").inner_text() == "My weekly report"
    assert await page.locator("[data-test=week-range]").inner_text() == (
        f"{day(report['week_start'], 'en')} to {day(report['week_end'], 'en')}"
    )
    assert report["week_start"] == "2026-03-16"
    for key in ("done", "next", "at_risk"):
        section = f'[data-section="{key}"]'
        assert await page.locator(f"{section} [data-test=count]").inner_text() == (
            f"({len(report[key])})"
        )
        assert await texts(page, f"{section} [data-test=task-title]") == [
            t["title"] for t in report[key]
        ]
    assert await texts(page, "[data-test=weekly-check-ins] [data-test=check-in-progress]") == [
        pct(c["progress"]) for c in report["check_ins"]
    ]
    # By default: the last week of the latest month s1 has goals in (March 2026 is over).
    latest = await console.get("s1", "/goals/members/s1/weekly-report", week_of="2026-03-31")
    chinese = await page_as("s1")
    await screen(chinese, "/rep/weekly", "rep-weekly", "[data-test=week-range]")
    assert await chinese.locator("[data-test=week-of]").input_value() == "2026-03-31"
    assert await chinese.locator("[data-test=week-range]").inner_text() == (
        f"{day(latest['week_start'])} 至 {day(latest['week_end'])}"
    )
    assert await texts(chinese, '[data-section="next"] [data-test=task-title]') == [
        t["title"] for t in latest["next"]
    ]
    # The previous week: the API's answer for it, on the same page.
    before = await console.get("s1", "/goals/members/s1/weekly-report", week_of="2026-03-11")
    await page.get_by_role("button", name="Previous week").click()
    await expect(page.locator("[data-test=week-range]")).to_have_text(
        f"{day(before['week_start'], 'en')} to {day(before['week_end'], 'en')}"
    )


async def check_score(page: Page, console: Console, month: str) -> dict[str, Any]:
    """The score on screen equals the API's, indicator by indicator (input, the goal's actual
    and target behind a KPI input, points, weight, contribution, source)."""
    score: dict[str, Any] = await console.get("s1", f"/performance/members/s1/scores/{month}")
    await expect(page.locator("[data-test=score-revision]")).to_have_text(str(score["revision"]))
    assert await page.locator("[data-test=score-total]").inner_text() == fixed(score["score"])
    assert await page.locator("[data-test=indicators] tbody tr").count() == len(score["indicators"])
    goals = {g["kpi"]: g for g in await goals_of(console, "s1") if g["period"] == month}
    for line in score["indicators"]:
        row = page.locator(f'tr[data-code="{line["code"]}"]')
        assert await row.locator("th").inner_text() == line["name"]
        assert await row.locator("[data-test=input]").inner_text() == pct(line["input"])
        assert await row.locator("[data-test=points]").inner_text() == fixed(line["points"])
        assert await row.locator("[data-test=weight]").inner_text() == pct(line["weight"])
        assert await row.locator("[data-test=contribution]").inner_text() == fixed(
            line["contribution"]
        )
        behind = "—"
        if line["source"].startswith("kpi:"):
            goal = goals[line["source"][4:]]
            progress = await console.get("s1", f"/goals/goals/{goal['id']}/progress")
            behind = f"{number(progress['actual'])} / {number(progress['target'])}"
            assert await row.locator("[data-test=source]").inner_text() == "KPI revenue"
        await expect(row.locator("[data-test=actual-target]")).to_have_text(behind)
    return score


async def test_score_defaults_to_the_latest_month_and_equals_the_api(
    console: Console, page_as: PageAs
) -> None:
    page = await page_as("s1")
    await screen(page, "/rep/score", "rep-score", "[data-test=indicators]")
    assert await page.locator("[data-test=month]").input_value() == "2026-03"
    score = await check_score(page, console, "2026-03")
    assert [i["code"] for i in score["indicators"]] == ["revenue", "responsiveness"]
    assert await page.locator("[data-test=note]").inner_text() == (
        "· no input this month: 0 points"
    )
    assert "Revenue" in (await page.locator(".chart [role=img]").get_attribute("aria-label") or "")
    # Another month, picked on the page.
    await page.locator("[data-test=month]").fill("2026-02")
    await page.get_by_role("button", name="查看").click()
    await page.wait_for_url("**/rep/score?month=2026-02")
    await expect(page.locator("[data-test=score-total]")).to_have_text(
        fixed((await console.get("s1", "/performance/members/s1/scores/2026-02"))["score"])
    )
    await check_score(page, console, "2026-02")


async def test_pay_projection_statement_and_what_if_equal_the_api(
    console: Console, page_as: PageAs
) -> None:
    page = await page_as("s1")
    await screen(page, "/rep/pay", "rep-pay", "[data-test=statement-lines]")
    [projection] = (await console.get("s1", "/incentives/members/s1/projection"))["items"]
    assert projection["period"] == "2026-Q1"
    assert await page.locator("[data-test=projection-total]").inner_text() == money(
        projection["total"]
    )
    rows = page.locator("[data-test=projection-lines] tbody tr")
    assert await rows.count() == len(projection["lines"])
    for n, line in enumerate(projection["lines"]):
        row = rows.nth(n)
        assert await row.get_attribute("data-rule") == line["rule"]
        assert await row.locator("[data-test=amount]").inner_text() == money(line["amount"])
        assert await row.locator("[data-test=explanation]").inner_text() == line["explanation"]
        assert await row.locator("[data-test=tier]").inner_text() == (line["tier"] or "—")

    # The statement of the projected period (Q1): every run's lines and explanations.
    statement = await console.get("s1", "/incentives/members/s1/statements/2026-Q1")
    assert await page.locator("[data-test=statement-period]").input_value() == "2026-Q1"
    [run] = statement["runs"]
    assert await page.locator("[data-test=run-state]").inner_text() == "已导出"
    assert await page.locator("[data-test=run-total]").inner_text() == money(run["totals"][0])
    lines = page.locator("[data-test=statement-lines] tbody tr")
    assert await lines.count() == len(run["lines"]) == 4
    for n, line in enumerate(run["lines"]):
        row = lines.nth(n)
        assert await row.get_attribute("data-rule") == line["rule"]
        assert await row.locator("[data-test=amount]").inner_text() == money(line["amount"])
        assert await row.locator("[data-test=explanation]").inner_text() == line["explanation"]

    # What if revenue attainment were 130%: the API's answer for it.
    async with console.api("s1") as client:
        response = await client.post(
            "/incentives/what-if",
            json={"member_id": "s1", "period": "2026-Q1", "attainments": {"revenue": "1.30"}},
        )
    assert response.status_code == 200, response.text
    what_if = response.json()
    await page.locator("[data-test=what-if-revenue]").fill("130")
    await expect(page.locator("[data-test=what-if-value]")).to_have_text("130%")
    await expect(page.locator("[data-test=what-if-total]")).to_have_text(money(what_if["total"]))
    difference = Decimal(what_if["total"]["amount"]) - Decimal(projection["total"]["amount"])
    assert await page.locator("[data-test=what-if-difference]").inner_text() == money(
        {"amount": str(difference), "currency": "CNY"}
    )
    assert await texts(page, "[data-test=what-if-lines] [data-test=amount]") == [
        money(line["amount"]) for line in what_if["lines"]
    ]

    # A month without a statement: the empty state; a malformed period is refused on the page.
    await page.locator("[data-test=statement-period]").fill("2026-01")
    await page.get_by_role("button", name="查看").click()
    await expect(page.locator(".statement [data-test=empty]")).to_have_text("该期间没有工资单")
    await page.wait_for_url("**/rep/pay?period=2026-01")
    await page.locator("[data-test=statement-period]").fill("2026-13")
    await page.get_by_role("button", name="查看").click()
    await expect(page.locator("#period-error")).to_have_text(
        "期间格式应为 2026、2026-Q1 或 2026-03"
    )


async def test_error_states_and_refusals(console: Console, page_as: PageAs) -> None:
    page = await page_as("s1")

    unavailable = answered_503("performance is down")

    await page.route("**/performance/members/s1/scores/**", unavailable)
    await screen(page, "/rep/score?month=2026-03", "rep-score-error", "[role=alert]")
    assert (
        await page.locator("[data-test=error-detail]").inner_text()
        == "服务暂不可用: performance is down"
    )
    retry = page.get_by_role("button", name="重试")
    await expect(retry).to_be_visible()
    await page.unroute("**/performance/members/s1/scores/**")
    await retry.click()
    await check_score(page, console, "2026-03")

    async def broken(route: Any) -> None:
        await route.fulfill(
            status=500,
            content_type="application/problem+json",
            body=json.dumps(
                {"title": "Internal Server Error", "status": 500, "detail": "goals failed"}
            ),
        )

    await page.route("**/goals/members/s1/tasks**", broken)
    await screen(page, "/rep/tasks", "rep-tasks-error", "[role=alert]")
    assert await page.locator("[data-test=error-detail]").inner_text() == (
        "500 Internal Server Error: goals failed"
    )

    # A teammate may not see s1's score or pay: the API's refusal, shown as the error state.
    teammate = await page_as("s2")
    for path, name, read in (
        (
            "/rep/score?member=s1&month=2026-03",
            "rep-score-refused",
            "/performance/members/s1/scores/2026-03",
        ),
        (
            "/rep/pay?member=s1&period=2026-Q1",
            "rep-pay-refused",
            "/incentives/members/s1/projection",
        ),
    ):
        async with console.api("s2") as client:
            refused = await client.get(read)
        assert refused.status_code == 404, refused.text
        problem = refused.json()
        assert problem["detail"] == "no such resource, or it is not yours to see"
        await screen(teammate, path, name, "[role=alert]")
        assert await teammate.locator("[data-test=error-detail]").first.inner_text() == (
            f"404 {problem['title']}: {problem['detail']}"
        )


async def test_live_score_and_projection_change_without_reload(
    console: Console, page_as: PageAs
) -> None:
    """THE LIVE TEST: an actual recorded for s1's month changes the score and the projection
    on screen within 2 s (pushed over /live), and neither page reloads."""
    month = "2026-03"
    score_page = await page_as("s1")
    await screen(
        score_page, f"/rep/score?month={month}", "rep-score-live", "[data-test=indicators]"
    )
    pay_page = await page_as("s1")
    await screen(pay_page, "/rep/pay", "rep-pay-live", "[data-test=projection-lines]")
    for page in (score_page, pay_page):
        await expect(page.locator("[data-test=live-state]")).to_have_text("实时更新已连接")
        await page.evaluate("window.__spearheadMarker = 'before'")
    score = await check_score(score_page, console, month)
    [projection] = (await console.get("s1", "/incentives/members/s1/projection"))["items"]

    async with console.api("demo-admin") as client:
        response = await client.post(
            "/goals/actuals",
            json={
                "owner_id": "s1",
                "kpi": "revenue",
                "date": f"{month}-21",
                "value": "10000",
                "idempotency_key": f"console-live-{uuid.uuid4().hex[:8]}",
            },
        )
    assert response.status_code == 201, response.text
    started = time.monotonic()
    await asyncio.gather(
        score_page.wait_for_function(
            f"document.querySelector('[data-test=score-revision]')?.textContent.trim() !== "
            f"'{score['revision']}'",
            timeout=2000,
        ),
        pay_page.wait_for_function(
            f"document.querySelector('[data-test=projection-revision]')?.textContent.trim() !== "
            f"'{projection['revision']}'",
            timeout=2000,
        ),
    )
    assert time.monotonic() - started < 2.5
    # The screens now show the API's new values.
    new_score = await check_score(score_page, console, month)
    assert new_score["revision"] > score["revision"]
    revenue = next(i for i in new_score["indicators"] if i["code"] == "revenue")
    assert await score_page.locator('tr[data-code="revenue"] [data-test=input]').inner_text() == (
        pct(revenue["input"])
    )
    [moved] = (await console.get("s1", "/incentives/members/s1/projection"))["items"]
    assert moved["total"] != projection["total"]
    await expect(pay_page.locator("[data-test=projection-revision]")).to_have_text(
        str(moved["revision"])
    )
    assert await pay_page.locator("[data-test=projection-total]").inner_text() == money(
        moved["total"]
    )
    assert await texts(pay_page, "[data-test=projection-lines] [data-test=amount]") == [
        money(line["amount"]) for line in moved["lines"]
    ]
    for page in (score_page, pay_page):
        assert await page.evaluate("window.__spearheadMarker") == "before"
    await expect(score_page.locator("[data-test=score-updated]")).to_be_visible()
    await expect(pay_page.locator("[data-test=projection-updated]")).to_be_visible()
