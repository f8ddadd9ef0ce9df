"""The manager's screens in a real browser, as the sales lead (and HR, a rep): the goal
cascade with its roll-ups, the team's scores and diagnosis, the review cycle with its
calibration against the target distribution, and the at-risk goals with their corrections.
Every number shown is compared with the API's answer to the same caller."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from playwright.async_api import Page

from tests.console.conftest import Console, PageAs, answered_503, screen


def pct(value: str | None) -> str:
    """A ratio as the console writes it (Intl percent, at most one decimal)."""
    if value is None:
        return "—"
    shown = (Decimal(value) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{shown:,.1f}".rstrip("0").rstrip(".") + "%"


def points(value: str | None) -> str:
    """Points and scores with two decimals."""
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def yuan(value: str | None) -> str:
    """CNY as zh-CN writes it."""
    if value is None:
        return "—"
    return f"¥{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


async def text(page: Page, selector: str) -> str:
    return (await page.locator(selector).first.inner_text()).strip()


async def test_cascade_shows_each_goal_with_the_apis_roll_ups(
    console: Console, page_as: PageAs
) -> None:
    page = await page_as("lead")
    await screen(page, "/team/cascade", "manager-cascade", "[data-test=cascade]")
    assert await page.locator("[data-test=year]").input_value() == "2026"
    goals = (await console.get("lead", "/goals/goals", limit=200))["items"]
    year = [g for g in goals if g["period"].startswith("2026")]
    assert len(year) == 21
    assert await page.locator("[data-test=cascade] tbody tr").count() == len(year)
    for goal in year:
        progress = await console.get("lead", f"/goals/goals/{goal['id']}/progress")
        row = f"[data-test=cascade] tr[data-goal='{goal['id']}']"
        assert await text(page, f"{row} [data-test=target]") == yuan(goal["target_value"])
        assert await text(page, f"{row} [data-test=actual]") == yuan(progress["actual"])
        assert await text(page, f"{row} [data-test=attainment]") == pct(progress["attainment"])
        assert await text(page, f"{row} [data-test=progress]") == pct(progress["progress"])
        time_axis, org_axis = progress["time_axis"], progress["org_axis"]
        assert await text(page, f"{row} [data-test=time]") == pct(
            time_axis["progress"] if time_axis else None
        )
        assert await text(page, f"{row} [data-test=org]") == pct(
            org_axis["progress"] if org_axis else None
        )
    # The department's Q1: 570,000 of 600,000, rolled up along the org axis (95%).
    [q1] = [g for g in year if g["period"] == "2026-Q1" and g["parent_id"] == year[0]["id"]]
    q1_row = f"tr[data-goal='{q1['id']}']"
    assert await text(page, f"{q1_row} [data-test=actual]") == "¥570,000.00"
    assert await text(page, f"{q1_row} [data-test=org]") == "95%"
    assert await page.locator("figure.chart [role=img]").count() == 1
    # A year without goals is the empty state.
    await screen(page, "/team/cascade?year=2025", "manager-cascade-empty", "[data-test=empty]")
    assert "2025" in await text(page, "[data-test=empty]")


async def test_team_scores_and_diagnosis_equal_the_apis(console: Console, page_as: PageAs) -> None:
    page = await page_as("lead")
    await screen(page, "/team/scores", "manager-scores", "[data-test=scores]")
    # The latest month with the team's goals.
    assert await page.locator("[data-test=month]").input_value() == "2026-03"
    members = (await console.get("lead", "/goals/members", limit=200))["items"]
    assert {"lead", "s1", "s2"} <= {m["id"] for m in members}
    async with console.api("lead") as client:
        for member in ("s1", "s2", "lead"):
            row = f"[data-test=scores] tr[data-member={member}]"
            answer = await client.get(f"/performance/members/{member}/scores/2026-03")
            if answer.status_code == 404:
                assert await page.locator(f"{row} [data-test=no-score]").count() == 1
                continue
            score = answer.json()
            assert await text(page, f"{row} [data-test=score]") == points(score["score"])
            for line in score["indicators"]:
                cell = f"{row} li[data-indicator={line['code']}]"
                assert await text(page, f"{cell} [data-test=points]") == points(line["points"])
                assert await text(page, f"{cell} [data-test=contribution]") == points(
                    line["contribution"]
                )
    assert await text(page, "tr[data-member=s1] [data-test=score]") == "96.00"
    assert await text(page, "tr[data-member=s2] [data-test=score]") == "48.00"
    diagnosis = await console.get("lead", "/performance/members/lead/diagnosis/2026-03")
    [trailing] = diagnosis["trailing"]
    shown = await text(page, f"tr[data-member=lead] [data-trailing={trailing['indicator']}]")
    assert points(trailing["points"]) in shown and points(trailing["team_median"]) in shown
    # January: s2 trails the team's median on revenue (80 against 100).
    await page.locator("[data-test=month]").fill("2026-01")
    await page.locator("tr[data-member=s2] [data-trailing=revenue]").wait_for()
    january = await console.get("lead", "/performance/members/s2/diagnosis/2026-01")
    assert january["trailing"][0]["team_median"] == "100.0000"
    assert "100.00" in await text(page, "tr[data-member=s2] [data-trailing=revenue]")


async def test_a_rep_sees_the_refusal_not_a_blank_page(console: Console, page_as: PageAs) -> None:
    [cycle] = (await console.get("s1", "/performance/review-cycles"))["items"]
    async with console.api("s1") as client:
        refused = await client.get(f"/performance/review-cycles/{cycle['id']}/calibration")
    assert refused.status_code == 403
    page = await page_as("s1")
    await screen(page, "/team/reviews", "manager-reviews-refused", "[role=alert]")
    detail = refused.json()["detail"]
    assert await text(page, "[data-test=error-detail]") == f"您无权查看此内容: {detail}"
    assert await page.get_by_role("button", name="重试").count() == 1
    # Her own review is hers to see.
    assert await page.locator("[data-test=reviews] tbody tr").count() == 1


async def test_review_cycle_progress_and_calibration(console: Console, page_as: PageAs) -> None:
    [cycle] = (await console.get("lead", "/performance/review-cycles"))["items"]
    reviews = (await console.get("lead", f"/performance/review-cycles/{cycle['id']}/reviews"))[
        "items"
    ]
    page = await page_as("lead")
    await screen(page, "/team/reviews", "manager-reviews", "[data-test=calibration]")
    assert await page.locator("[aria-current=step]").get_attribute("data-stage") == "closed"
    assert await text(page, "[data-test=by-state] dd[data-state=closed]") == str(len(reviews))
    for review in reviews:
        row = f"[data-test=reviews] tr[data-member={review['member_id']}]"
        assert await text(page, f"{row} [data-test=final]") == points(review["final_score"])
        rating = review["calibrated_rating"] or review["rating"]
        assert (await text(page, f"{row} [data-test=rating]")).startswith(rating)
    # The calibration view is HR's: the manager sees the shares acknowledged at closing.
    async with console.api("lead") as client:
        refused = await client.get(f"/performance/review-cycles/{cycle['id']}/calibration")
    assert refused.status_code == 403
    assert await page.locator("[data-test=acknowledged]").count() == 1
    for share in cycle["distribution_acknowledgement"]["ratings"]:
        await check_share(page, share)
    assert await page.locator("figure.chart [role=img]").count() == 1

    hr = await page_as("demo-hr")
    await screen(hr, "/team/reviews", "manager-reviews-hr", "[data-test=calibration]")
    view = await console.get("demo-hr", f"/performance/review-cycles/{cycle['id']}/calibration")
    assert [r["rating"] for r in view["ratings"]] == ["S", "A", "B", "C", "D"]
    assert await hr.locator("[data-test=acknowledged]").count() == 0
    for share in view["ratings"]:
        await check_share(hr, share)
    aria = await hr.locator("figure.chart [role=img]").get_attribute("aria-label") or ""
    for share in view["ratings"]:
        assert f"{share['rating']} {pct(share['share'])} / {pct(share['target'])}" in aria


async def check_share(page: Page, share: dict[str, Any]) -> None:
    row = f"[data-test=calibration] tr[data-rating={share['rating']}]"
    assert await text(page, f"{row} [data-test=count]") == str(share["count"])
    assert await text(page, f"{row} [data-test=share]") == pct(share["share"])
    assert await text(page, f"{row} [data-test=target]") == pct(share["target"])
    assert await text(page, f"{row} [data-test=gap]") == pct(share["gap"])


async def test_at_risk_goals_with_suggested_corrections(console: Console, page_as: PageAs) -> None:
    page = await page_as("lead")
    await screen(page, "/team/risks", "manager-risks", "article.risk")
    alerts = (await console.get("lead", "/goals/risk-alerts", limit=200))["items"]
    assert alerts and await page.locator("article.risk").count() == len(alerts)
    words = {"on_track": "正常", "at_risk": "有风险", "off_track": "偏离"}
    for alert in alerts:
        card = f"article[data-goal='{alert['goal_id']}']"
        assert await text(page, f"{card} [data-test=status]") == words[alert["status"]]
        assert await text(page, f"{card} [data-test=expected]") == pct(alert["expected"])
        assert await text(page, f"{card} [data-test=suggested]") == alert["suggested_correction"]
        corrections = await console.get("lead", f"/goals/goals/{alert['goal_id']}/corrections")
        assert corrections["items"] == []
        assert await page.locator(f"{card} [data-test=no-corrections]").count() == 1
    # March: s2's goal is off track at 60% of 100% expected.
    await page.locator("[data-test=period]").select_option("2026-03")
    march = (await console.get("lead", "/goals/risk-alerts", period="2026-03"))["items"]
    s2 = next(a for a in march if a["owner_id"] == "s2")
    card = f"article[data-goal='{s2['goal_id']}']"
    await page.locator(card).wait_for()
    assert await text(page, f"{card} [data-test=progress]") == pct(s2["progress"]) == "60%"
    assert await text(page, f"{card} [data-test=gap]") == "40%"
    assert await page.locator("article.risk").count() == len(march)
    # A period without goals at risk is the empty state.
    assert (await console.get("lead", "/goals/risk-alerts", period="2025"))["items"] == []
    await screen(page, "/team/risks?period=2025", "manager-risks-empty", "[data-test=empty]")


async def test_risks_error_state_and_retry(console: Console, page_as: PageAs) -> None:
    page = await page_as("lead")

    unavailable = answered_503("goals did not answer")

    await page.route("**/goals/risk-alerts*", unavailable)
    await screen(page, "/team/risks", "manager-risks-error", "[role=alert]")
    assert await text(page, "[data-test=error-detail]") == "服务暂不可用: goals did not answer"
    await page.unroute("**/goals/risk-alerts*", unavailable)
    await page.get_by_role("button", name="重试").click()
    await page.locator("article.risk").first.wait_for()


async def test_the_manager_records_a_correction(console: Console, page_as: PageAs) -> None:
    march = (await console.get("lead", "/goals/risk-alerts", period="2026-03"))["items"]
    own = next(a for a in march if a["owner_id"] == "lead")
    card = f"article[data-goal='{own['goal_id']}']"
    page = await page_as("lead")
    await screen(page, "/team/risks?period=2026-03", "manager-risks-march", card)
    # Too short: the API's 422 names the field.
    await page.locator(f"{card} [data-test=action-input]").fill("no")
    await page.locator(f"{card} [data-test=record]").click()
    await page.locator(f"{card} [data-test=record-problem]").wait_for()
    assert "action_taken" in await text(page, f"{card} [data-test=record-problem]")
    action = "每周复盘线索 Weekly pipeline review with the lead"
    await page.locator(f"{card} [data-test=action-input]").fill(action)
    await page.locator(f"{card} [data-test=record]").click()
    await page.locator(f"{card} [data-test=correction]").wait_for()
    [recorded] = (await console.get("lead", f"/goals/goals/{own['goal_id']}/corrections"))["items"]
    assert recorded["action_taken"] == action and recorded["recorded_by"] == "lead"
    assert await text(page, f"{card} [data-test=action]") == action
    assert await page.locator(f"{card} [data-test=record-problem]").count() == 0
    assert await page.locator(f"{card} [data-test=no-corrections]").count() == 0
