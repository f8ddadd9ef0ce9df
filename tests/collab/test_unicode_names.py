"""Categories people name are any script (shared/text.py): a Chinese retrospective category is
kept and read back; NFKC and case variants are one category; the length is counted after
normalisation; control and invisible characters, and blanks, are a 422 naming the field."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from tests.collab.conftest import Collab, know_members
from tests.helpers import auth, post_ok

WRITER = auth("names-writer", ["member"])


def wide(text: str) -> str:
    """``text`` in full-width forms, as a Chinese input method may type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


async def _retro(collab: Collab) -> tuple[str, dict[str, str]]:
    unit = f"mkt-{uuid.uuid4().hex[:6]}"
    manager = auth("mgr-names", ["manager"], [unit])
    collab.at(datetime(2027, 5, 12, 4, tzinfo=UTC))
    await know_members(collab, "fac-names")
    retro = await post_ok(
        collab.client,
        "/collab/retrospectives",
        {
            "project": "618 大促",
            "unit_id": unit,
            "ended_on": date(2027, 5, 10).isoformat(),
            "facilitator_id": "fac-names",
        },
        headers=manager,
    )
    return str(retro["id"]), manager


def _filing(category: str) -> dict[str, Any]:
    return {"what_worked": "直播带货", "what_failed": "库存不足", "category": category}


async def test_a_chinese_retro_category_is_filed_and_read_back(collab: Collab) -> None:
    retro_id, manager = await _retro(collab)
    filed = await post_ok(
        collab.client,
        f"/collab/retrospectives/{retro_id}/file",
        _filing("营销活动"),
        headers=manager,
        status=200,
    )
    assert filed["category"] == "营销活动"
    again = await collab.client.get(f"/collab/retrospectives/{retro_id}", headers=manager)
    assert again.json()["category"] == "营销活动"
    article = await collab.client.get(
        f"/collab/knowledge-articles/{filed['article_id']}", headers=WRITER
    )
    assert article.json()["category"] == "营销活动"
    listed = await collab.client.get(
        "/collab/knowledge-articles", params={"category": "营销活动"}, headers=WRITER
    )
    assert [a["id"] for a in listed.json()["items"]] == [filed["article_id"]]


async def test_nfkc_and_case_variants_are_one_category(collab: Collab) -> None:
    half = await post_ok(
        collab.client,
        "/collab/knowledge-articles",
        {"title": "t1", "body": "b", "category": "ﾏｰｹﾃｨﾝｸﾞ"},
        headers=WRITER,
    )
    full = await post_ok(
        collab.client,
        "/collab/knowledge-articles",
        {"title": "t2", "body": "b", "category": "マーケティング"},
        headers=WRITER,
    )
    spring = await post_ok(
        collab.client,
        "/collab/knowledge-articles",
        {"title": "t3", "body": "b", "category": wide("SPRING") + " Launch"},
        headers=WRITER,
    )
    assert (half["category"], full["category"]) == ("マーケティング", "マーケティング")
    assert spring["category"] == "spring launch"
    for asked, expected in (
        ("ﾏｰｹﾃｨﾝｸﾞ", {half["id"], full["id"]}),
        ("Spring  LAUNCH", {spring["id"]}),
    ):
        listed = await collab.client.get(
            "/collab/knowledge-articles", params={"category": asked}, headers=WRITER
        )
        assert {a["id"] for a in listed.json()["items"]} == expected


async def _refused(collab: Collab, category: str) -> dict[str, Any]:
    response = await collab.client.post(
        "/collab/knowledge-articles",
        json={"title": "t", "body": "b", "category": category},
        headers=WRITER,
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert [e["loc"] for e in problem["errors"]] == [["body", "category"]]
    return problem


async def test_the_length_is_counted_after_normalisation(collab: Collab) -> None:
    kept = await post_ok(
        collab.client,
        "/collab/knowledge-articles",
        {"title": "t", "body": "b", "category": "e\u0301" * 64},  # 128 typed, 64 after NFKC
        headers=WRITER,
    )
    assert kept["category"] == "é" * 64
    problem = await _refused(collab, "㍿" * 17)  # 17 typed, 68 after NFKC
    assert "at most 64 characters after NFKC normalisation, not 68" in problem["errors"][0]["msg"]


async def test_control_and_invisible_characters_and_blanks_are_refused(collab: Collab) -> None:
    for category in ("营销\u0007活动", "营销\t活动", "营销\n活动", "营销\u202e活动", "\u3000 "):
        await _refused(collab, category)
    problem = await _refused(collab, "营销\u0007活动")
    assert "U+0007" in problem["errors"][0]["msg"]


async def test_the_openapi_document_says_how_a_category_is_read(collab: Collab) -> None:
    document = (await collab.client.get("/openapi.json")).json()
    category = document["components"]["schemas"]["ArticleCreate"]["properties"]["category"]
    assert (category["minLength"], category["maxLength"]) == (1, 64)
    assert "NFKC" in category["description"] and "case-folded" in category["description"]
