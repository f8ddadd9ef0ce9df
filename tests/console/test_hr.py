"""HR's screens in the browser: positions and job descriptions (overdue reviews marked),
requisitions and a requisition's candidate pipeline as a board, a unit's competencies and
role fit, team health and composition (withheld groups with the API's reason): every count
and figure equal to the API's for the same caller, with error, empty, no-access and English."""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from playwright.async_api import Page

from tests.console.conftest import Console, PageAs, answered_503, screen

GENDERS = {"female": "女", "male": "男", "other": "其他", "unrecorded": "未记录"}


def percent(value: str | None) -> str:
    """A ratio as Intl writes it with at most one decimal: "0.800000" -> "80%"."""
    if value is None:
        return "—"
    shown = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{shown.normalize():f}%"


async def texts(page: Page, selector: str) -> list[str]:
    return [t.strip() for t in await page.locator(selector).all_inner_texts()]


async def unit_named(console: Console, name: str) -> str:
    units = await console.get("demo-hr", "/goals/org-units", limit=200)
    return str(next(u["id"] for u in units["items"] if u["name"] == name))


async def test_positions_with_job_descriptions_and_overdue_reviews(
    console: Console, page_as: PageAs
) -> None:
    product = await unit_named(console, "产品部 Product")
    overdue_id = f"pos-audit-{uuid.uuid4().hex[:8]}"
    async with console.api("demo-hr") as hr:
        created = await hr.post(
            "/goals/positions",
            json={
                "id": overdue_id,
                "unit_id": product,
                "title": "质量审核 Quality auditor",
                "function": "product",
                "layer": "support",
                "core": False,
                "job_description": {
                    "summary": "审核交付质量 Audits what is delivered",
                    "duties": ["抽查 Spot checks"],
                    "authority": [],
                    "deliverables": ["审核报告 Audit report"],
                },
                "review_due_on": "2026-06-30",
            },
        )
    assert created.status_code == 201, created.text
    positions = (await console.get("demo-hr", "/goals/positions", limit=200))["items"]
    overdue = (await console.get("demo-hr", "/goals/positions", review_overdue=True, limit=200))[
        "items"
    ]
    versions = await console.get("demo-hr", "/goals/positions/pos-sales-rep/versions")
    assert overdue_id in {p["id"] for p in overdue}
    page = await page_as("demo-hr")
    await screen(page, "/hr/positions?position=pos-sales-rep", "hr-positions", "[data-test=jd]")
    assert await page.locator("[data-test=count]").inner_text() == (
        f"共 {len(positions)} 个岗位\uff0c{len(overdue)} 个逾期复核"
    )
    assert await texts(page, "[data-test=position] th") == [p["title"] for p in positions]
    marked = page.locator("[data-test=position]:has([data-test=overdue])")
    assert [await row.get_attribute("data-position") for row in await marked.all()] == [
        p["id"] for p in positions if p["id"] in {o["id"] for o in overdue}
    ]
    assert (
        await page.locator("#jd-title").inner_text()
        == "岗位说明书\uff1a销售代表 Sales representative"
    )
    assert await page.locator("[data-test=version]").count() == len(versions["items"]) == 1
    await page.locator("[data-test=overdue-only]").check()
    await page.get_by_role("button", name="查询").click()
    await page.wait_for_url("**overdue=1**")
    await page.locator("[data-test=count]").filter(has_text=f"共 {len(overdue)} 个岗位").wait_for()


async def test_requisitions_and_the_candidate_pipeline(console: Console, page_as: PageAs) -> None:
    requisitions = (await console.get("demo-hr", "/goals/requisitions", limit=200))["items"]
    assert len(requisitions) == 1
    requisition = requisitions[0]
    candidates = await console.get(
        "demo-hr", f"/goals/requisitions/{requisition['id']}/candidates", limit=200
    )
    by_stage = Counter(c["stage"] for c in candidates["items"])
    page = await page_as("demo-hr")
    await screen(page, "/hr/requisitions", "hr-requisitions", "[data-test=requisition]")
    assert (
        await page.locator("[data-test=count]").inner_text() == f"共 {len(requisitions)} 个招聘需求"
    )
    row = page.locator(f'[data-requisition="{requisition["id"]}"]')
    assert await row.locator("[data-test=headcount]").inner_text() == str(requisition["headcount"])
    assert await row.locator("[data-test=hires]").inner_text() == str(requisition["hires"])
    assert await row.locator("[data-test=status-badge]").inner_text() == "已批准"
    await row.locator("[data-test=pipeline-link]").click()
    await page.wait_for_url(f"**/hr/requisitions/{requisition['id']}/pipeline")
    await screen(
        page,
        f"/hr/requisitions/{requisition['id']}/pipeline",
        "hr-pipeline",
        "[data-test=candidate]",
    )
    assert await page.locator("[data-test=count]").inner_text() == (
        f"共 {len(candidates['items'])} 位候选人"
    )
    columns = page.locator("[data-test=board] > section")
    assert [await c.get_attribute("data-stage") for c in await columns.all()] == requisition[
        "stages"
    ]
    for stage in requisition["stages"]:
        column = page.locator(f'[data-stage="{stage}"]')
        assert await column.locator("[data-test=stage-count]").inner_text() == str(by_stage[stage])
        assert await column.locator("[data-test=candidate]").count() == by_stage[stage]
    assert sorted(await texts(page, "[data-test=candidate-status]")) == sorted(
        {"hired": "已入职", "rejected": "未通过", "active": "进行中"}[c["status"]]
        for c in candidates["items"]
    )

    rejected = await console.get("demo-hr", "/goals/requisitions", status="rejected")
    assert rejected["items"] == []
    await screen(
        page, "/hr/requisitions?status=rejected", "hr-requisitions-empty", "[data-test=empty]"
    )
    assert await page.locator("[data-test=empty]").inner_text() == "没有符合条件的招聘需求"


async def test_a_units_competencies_and_role_fit(console: Console, page_as: PageAs) -> None:
    marketing = await unit_named(console, "市场部 Marketing")
    figures = await console.get("demo-hr", f"/performance/units/{marketing}/competencies")
    page = await page_as("demo-hr")
    await screen(
        page, f"/hr/competencies?unit={marketing}", "hr-competencies", "[data-test=pass-rate]"
    )
    assert await page.locator("[data-test=pass-rate]").inner_text() == percent(figures["pass_rate"])
    assert await page.locator("[data-test=role-fit]").inner_text() == percent(figures["role_fit"])
    assert await page.locator("[data-test=passed]").inner_text() == (
        f"{figures['passed']} / {figures['assessments']} 次测评通过"
    )
    assert await page.locator("[data-test=fitting]").inner_text() == (
        f"{figures['fitting']} / {figures['holders']} 位任职者匹配"
    )
    assert await page.locator("[data-test=fit-row]").count() == sum(
        len(h["competencies"]) for h in figures["holder_fits"]
    )
    assert await texts(page, "[data-test=holder-fits]") == [
        "匹配" if h["fits"] else "不匹配" for h in figures["holder_fits"]
    ]
    assert await texts(page, "[data-test=explanation] li") == figures["explanation"]


async def test_team_health_and_composition(console: Console, page_as: PageAs) -> None:
    company = await unit_named(console, "星火集团 Spark")
    health = await console.get("demo-hr", f"/performance/units/{company}/health", year=2026)
    composition = await console.get("demo-hr", f"/goals/units/{company}/composition")
    page = await page_as("demo-hr")
    await screen(page, f"/hr/health?unit={company}&year=2026", "hr-health", "[data-test=group]")
    for key, field in (
        ("satisfaction", "satisfaction"),
        ("coreRetention", "core_retention"),
        ("attrition", "voluntary_attrition"),
    ):
        shown = await page.locator(f'[data-measure="{key}"] [data-test=measure-value]').inner_text()
        assert shown == (percent(health[field]) if health[field] is not None else "暂无数据")
    groups = composition["groups"]
    assert [
        await r.get_attribute("data-unit") for r in await page.locator("[data-test=group]").all()
    ] == [g["unit_id"] for g in groups]
    assert await texts(page, "[data-test=group-headcount]") == [str(g["headcount"]) for g in groups]
    assert any(g["withheld"] for g in groups) and any(not g["withheld"] for g in groups)
    for g in groups:
        row = page.locator(f'[data-test=group][data-unit="{g["unit_id"]}"]')
        if g["withheld"]:
            assert (
                await row.locator("[data-test=withheld-reason]").inner_text()
                == g["withheld_reason"]
            )
            assert await row.locator("[data-test=group-genders]").count() == 0
        else:
            for key, word in GENDERS.items():
                pair = row.locator(f'[data-test=group-genders] [data-key="{key}"]')
                assert await pair.inner_text() == f"{word} {g['genders'][key]}"


async def test_no_access_error_and_english(console: Console, page_as: PageAs) -> None:
    marketing = await unit_named(console, "市场部 Marketing")
    async with console.api("lead") as lead:
        health = await lead.get(f"/performance/units/{marketing}/health", params={"year": 2026})
        refused = await lead.get(f"/goals/units/{marketing}/composition")
    assert health.status_code == refused.status_code == 403
    page = await page_as("lead")
    await screen(
        page, f"/hr/health?unit={marketing}&year=2026", "hr-health-refused", "[role=alert]"
    )
    assert await texts(page, "[data-test=error-detail]") == [
        f"您无权查看此内容: {health.json()['detail']}",
        f"您无权查看此内容: {refused.json()['detail']}",
    ]

    hr = await page_as("demo-hr")

    unavailable = answered_503("goals is down")

    await hr.route("**/goals/requisitions?*", unavailable)
    await screen(hr, "/hr/requisitions", "hr-requisitions-error", "[role=alert]")
    assert (
        await hr.locator("[data-test=error-detail]").inner_text() == "服务暂不可用: goals is down"
    )
    await hr.unroute("**/goals/requisitions?*", unavailable)
    await hr.get_by_role("button", name="重试").click()
    await hr.locator("[data-test=requisition]").first.wait_for()

    requisition = (await console.get("demo-hr", "/goals/requisitions"))["items"][0]
    english = await page_as("demo-hr", locale="en")
    await screen(
        english,
        f"/hr/requisitions/{requisition['id']}/pipeline",
        "hr-pipeline-en",
        "[data-test=candidate]",
    )
    await english.locator("h1", has_text="Sales representative").wait_for()
    assert await english.locator("h1").inner_text() == (
        "Candidate pipeline · 销售代表 Sales representative"
    )
    offer = english.locator('[data-stage="offer"]')
    assert "Offer" in await offer.locator("h2").inner_text()
    assert await offer.locator("[data-test=candidate-status]").all_inner_texts() == ["Hired"]
