"""Knowledge-base search in Chinese and English through the token index: one- and
two-character words inside longer text, contiguous longer runs, English prefixes, an exact
title first; the backfill of migration 0006 writes what the service writes; and at 50,000
articles the query the repository issues is served by the GIN index. (How text and queries
are cut into tokens is pinned without a server in tests/unit/test_search_tokens.py.)"""

from __future__ import annotations

import asyncio
import random
import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from collab import repository, verify
from collab.main import definition
from collab.service import search_tokens
from collab.service.retros import new_article
from shared.migrations import upgrade
from shared.paging import PageQuery
from tests.collab.conftest import Collab, running_collab
from tests.conftest import create_database
from tests.helpers import auth, post_ok

WRITER = auth("kb-writer", ["member"])
READER = auth("kb-reader", ["member"])


def wide(text: str) -> str:
    """``text`` in full-width forms, as a Chinese input method may type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


async def _article(collab: Collab, title: str, body: str, category: str = "kb") -> str:
    created = await post_ok(
        collab.client,
        "/collab/knowledge-articles",
        {"title": title, "body": body, "category": category},
        headers=WRITER,
    )
    return str(created["id"])


async def _search(collab: Collab, query: str, **params: str) -> list[str]:
    response = await collab.client.get(
        "/collab/knowledge-articles", params={"q": query, **params}, headers=READER
    )
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()["items"]]


async def test_chinese_and_english_words_are_found_and_an_exact_title_ranks_first(
    collab: Collab,
) -> None:
    review = await _article(collab, "数字营销复盘", "本季度按计划推进。")
    campaign = await _article(collab, "春季发布", "这次营销活动提前两周准备 campaign specs.")
    exact = await _article(collab, "营销", "基础知识。")
    apart = await _article(collab, "市场部周会", "营 和 销 分开写; 活动 另说。")

    found = await _search(collab, "营销")
    assert found[0] == exact  # the exact title first
    assert sorted(found) == sorted([review, campaign, exact])  # 营 销 apart is not 营销
    assert await _search(collab, "营销活动") == [campaign]  # only the contiguous run
    assert sorted(await _search(collab, "营")) == sorted([review, campaign, exact, apart])
    assert await _search(collab, "复") == [review]
    assert await _search(collab, "campaign") == [campaign]
    assert await _search(collab, wide("CAMP")) == [campaign]  # full width, a prefix
    assert await _search(collab, "营销 specs") == [campaign]  # every part
    assert await _search(collab, "营销 grant") == []
    assert await _search(collab, "%_") == []
    assert (await _search(collab, "数字营销复盘"))[0] == review
    assert await _search(collab, "营销", category="other") == []


async def test_the_backfill_writes_what_the_service_writes(database_url: str) -> None:
    url = await create_database(database_url, f"collab_bf_{uuid.uuid4().hex[:8]}", migrated=False)
    await asyncio.to_thread(upgrade, definition.migrations_dir, url, "collab", "0005")
    articles = [
        ("a-1", "数字营销复盘", "营销活动 stand-ups " + wide("SPECS") + " 2027年"),
        ("a-2", wide("Q3") + " Review", "客户画像 shared by grant only."),
        ("a-3", "ｶﾀｶﾅ 한국어 テスト", "İstanbul straße " + "长" * 300),
    ]
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for article_id, title, body in articles:
                await connection.execute(
                    text(
                        "INSERT INTO collab.knowledge_articles (id, title, body, category, "
                        "search_text, created_by) VALUES (:id, :title, :body, 'kb', '', 'm')"
                    ),
                    {"id": article_id, "title": title, "body": body},
                )
        await asyncio.to_thread(upgrade, definition.migrations_dir, url, "collab", "head")
        async with engine.connect() as connection:
            for article_id, title, body in articles:
                written = new_article(
                    title=title, body=body, category="kb", retrospective_id=None, created_by="m"
                )
                row = (
                    await connection.execute(
                        text(
                            "SELECT search_title, search_tokens = CAST(:tokens AS tsvector) "
                            "FROM collab.knowledge_articles WHERE id = :id"
                        ),
                        {"id": article_id, "tokens": written.search_tokens},
                    )
                ).one()
                assert (row[0], row[1]) == (written.search_title, True)
        async with engine.connect() as connection, AsyncSession(bind=connection) as session:
            assert await verify.drift(session) == []
    finally:
        await engine.dispose()


CHINESE = [
    "客户",
    "画像",
    "渠道",
    "转化",
    "线索",
    "预算",
    "品牌",
    "内容",
    "直播",
    "社群",
    "会员",
    "复购",
    "定价",
    "促销",
    "海报",
    "文案",
    "投放",
    "数据",
    "漏斗",
    "留存",
    "拉新",
    "私域",
    "门店",
    "新品",
    "发布",
    "培训",
    "周报",
    "月报",
    "目标",
    "绩效",
    "奖金",
    "协作",
]
ENGLISH = [
    "lead",
    "funnel",
    "budget",
    "launch",
    "review",
    "channel",
    "pricing",
    "content",
    "retention",
    "report",
]


def _bulk_texts(count: int, rare: int) -> list[tuple[str, str]]:
    """``count`` (title, body) pairs of mixed Chinese and English; ``rare`` mention 营销."""
    rng = random.Random(15)
    texts = []
    for index in range(count):
        words = rng.choices(CHINESE, k=8) + rng.choices(ENGLISH, k=3)
        if index % (count // rare) == 0:
            words.insert(rng.randrange(len(words)), "营销")
        title = f"{''.join(rng.choices(CHINESE, k=2))}复盘 {index}"
        body = "\uff0c".join("".join(words[i : i + 3]) for i in range(0, len(words), 3)) + "。"
        texts.append((title, body))
    return texts


async def test_at_50000_articles_the_search_uses_the_gin_index(database_url: str) -> None:
    # 5,000 texts, each filed 10 times (50,000 articles, 20 of them with 营销), their search
    # columns exactly what ``new_article`` writes (checked on the first).
    texts = _bulk_texts(5_000, rare=2)
    columns = [(search_tokens.normalise(t), search_tokens.vector(t, b)) for t, b in texts]
    sample = new_article(
        title=texts[0][0], body=texts[0][1], category="bulk", retrospective_id=None, created_by="m"
    )
    assert (sample.search_title, sample.search_tokens) == columns[0]
    copies = 10
    async with running_collab(database_url, scheduler=False) as collab:
        async with collab.db.sessions() as session:
            await session.execute(
                text(
                    "INSERT INTO collab.knowledge_articles (id, title, body, category, "
                    "created_by, search_title, search_tokens) "
                    "SELECT gen_random_uuid()::text, t.title, t.body, 'bulk', 'm-bulk', "
                    "t.search_title, CAST(t.tokens AS tsvector) "
                    "FROM generate_series(1, :copies) AS copy, unnest(CAST(:titles AS text[]), "
                    "CAST(:bodies AS text[]), CAST(:search_titles AS text[]), "
                    "CAST(:tokens AS text[])) AS t(title, body, search_title, tokens)"
                ),
                {
                    "copies": copies,
                    "titles": [t for t, _ in texts],
                    "bodies": [b for _, b in texts],
                    "search_titles": [c[0] for c in columns],
                    "tokens": [c[1] for c in columns],
                },
            )
            await session.commit()
            count = await session.scalar(text("SELECT count(*) FROM collab.knowledge_articles"))
            assert count == 50_000
            await session.execute(text("ANALYZE collab.knowledge_articles"))
            tsquery = search_tokens.query("营销")
            assert tsquery is not None
            statement = repository.article_search_statement(
                search=repository.ArticleSearch(tsquery=tsquery, title="营销"),
                category=None,
                page=PageQuery(
                    limit=50, offset=0, sort=(("relevance", True), ("created_at", True))
                ),
            )
            sql = str(
                statement.compile(
                    dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
                )
            )
            plan = "\n".join((await session.execute(text("EXPLAIN " + sql))).scalars())
        assert "Bitmap Index Scan on ix_knowledge_articles_search_tokens" in plan, plan
        assert "Seq Scan" not in plan, plan
        assert len(await _search(collab, "营销")) == 20
        assert len(await _search(collab, "营销活动")) == 0
