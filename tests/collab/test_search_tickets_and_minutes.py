"""Chinese and English search over tickets and meetings' minutes, through the lists they
already have (``GET /collab/tickets``, ``GET /collab/meetings``) with ``q``: one- and
two-character Chinese words inside longer text, English words, ranked by relevance, never
beyond what the caller may see; an edit re-tokenises; the invariant checker finds stale
search columns; the backfill of migration 0008 writes what the service writes; and at 20,000
tickets the search is served by the GIN index."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine

from collab import repository, verify
from collab.main import definition
from collab.models import Meeting, Ticket
from collab.service import search_tokens
from collab.service.searching import index_meeting, index_ticket
from shared.migrations import upgrade
from shared.paging import PageQuery
from tests.collab.conftest import Collab, know_members, running_collab
from tests.conftest import create_database
from tests.helpers import auth, post_ok

HR = auth("hr-search", ["hr"])
START = datetime(2027, 3, 8, 2, tzinfo=UTC)  # a Monday, 10:00 in Shanghai


def _units() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:6]
    return f"mkt-{suffix}", f"prd-{suffix}"


async def _open(
    collab: Collab, requester_unit: str, owner_unit: str, title: str, description: str
) -> str:
    collab.at(START)
    ticket = await post_ok(
        collab.client,
        "/collab/tickets",
        {
            "title": title,
            "description": description,
            "category": "product_info",
            "requester_unit_id": requester_unit,
            "owner_unit_id": owner_unit,
        },
        headers=auth(f"req-{requester_unit}", ["member"], [requester_unit]),
    )
    return str(ticket["id"])


async def _found(
    collab: Collab, path: str, headers: dict[str, str], query: str, **params: str
) -> list[str]:
    response = await collab.client.get(path, params={"q": query, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_tickets_are_found_by_chinese_and_english_words_within_scope(
    collab: Collab,
) -> None:
    mkt, prd = _units()
    fin, ops = _units()
    campaign = await _open(
        collab, mkt, prd, "春季发布资料", "这次营销活动提前两周准备 campaign specs."
    )
    exact = await _open(collab, mkt, prd, "营销", "基础资料。")
    apart = await _open(collab, mkt, prd, "市场部周会", "营 和 销 分开写。")
    hidden = await _open(collab, fin, ops, "财务营销活动", "campaign 预算")
    member = auth("member-search", ["member"], [mkt])

    async def tickets(query: str, **params: str) -> list[str]:
        return await _found(collab, "/collab/tickets", member, query, **params)

    assert await tickets("营销", sort="-relevance") == [exact, campaign]  # exact title first
    assert await tickets("营销") == [campaign, exact]  # oldest first, unless sorted
    assert await tickets("营销活动") == [campaign]  # the contiguous run only
    assert await tickets("campaign") == [campaign]
    assert await tickets("CAMP") == [campaign]  # case folded, a prefix
    one_character = await tickets("营", sort="-relevance")  # the title match first
    assert one_character[0] == exact and sorted(one_character) == sorted([exact, campaign, apart])
    assert await tickets("营销 specs") == [campaign]  # every part
    assert await tickets("营销 budget") == []
    assert await tickets("%_") == []
    assert await tickets("营销", status="resolved") == []
    assert await tickets("营销", unit_id=prd, sort="-relevance") == [exact, campaign]
    # The other units' ticket matches too, and only those who may see it find it.
    everyone = await _found(collab, "/collab/tickets", HR, "营销活动", sort="-relevance")
    assert sorted(everyone) == sorted([campaign, hidden])
    assert hidden not in await tickets("财务")
    assert await tickets("财务") == []
    assert await _found(collab, "/collab/tickets", HR, "财务") == [hidden]
    owner_side = auth("owner-search", ["member"], [ops])
    assert await _found(collab, "/collab/tickets", owner_side, "campaign") == [hidden]


async def test_editing_a_ticket_re_tokenises_it(collab: Collab) -> None:
    mkt, prd = _units()
    ticket = await _open(collab, mkt, prd, "预算审批", "Q2 rollout plan")
    member = auth(f"req-{mkt}", ["member"], [mkt])

    async def tickets(query: str) -> list[str]:
        return await _found(collab, "/collab/tickets", member, query)

    assert await tickets("预算") == [ticket]
    assert await tickets("rollout") == [ticket]
    path = f"/collab/tickets/{ticket}"
    etag = (await collab.client.get(path, headers=member)).headers["etag"]
    changed = await collab.client.patch(
        path,
        json={"title": "渠道合作", "description": "Q2 launch plan"},
        headers={**member, "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert await tickets("预算") == []
    assert await tickets("rollout") == []
    assert await tickets("渠道") == [ticket]
    assert await tickets("launch") == [ticket]
    # A change of another field leaves the search columns as they are.
    etag = changed.headers["etag"]
    again = await collab.client.patch(
        path, json={"category": "pricing"}, headers={**member, "If-Match": etag}
    )
    assert again.status_code == 200, again.text
    assert await tickets("渠道合作") == [ticket]


def _meeting(suffix: str, title: str, goal: str) -> dict[str, Any]:
    return {
        "title": title,
        "goal": goal,
        "agenda": [{"item": "Launch dates"}],
        "scheduled_at": "2027-02-25T10:00:00+08:00",  # before START: minutes may follow
        "host_id": f"host-{suffix}",
        "recorder_id": f"rec-{suffix}",
        "speaker_ids": [f"spk-{suffix}"],
        "attendee_ids": [f"att-{suffix}"],
    }


async def test_minutes_are_found_through_the_meeting_list_by_those_who_may_see_them(
    collab: Collab,
) -> None:
    suffix = uuid.uuid4().hex[:6]
    collab.at(START)
    await know_members(collab, f"att-{suffix}", manager_id=f"boss-{suffix}")
    await know_members(collab, f"host-{suffix}", f"rec-{suffix}", f"spk-{suffix}")
    host = auth(f"host-{suffix}", ["member"])
    meeting = await post_ok(
        collab.client,
        "/collab/meetings",
        _meeting(suffix, "Marketing x Product weekly", "Agree the spring launch dates"),
        headers=host,
    )
    other = await post_ok(
        collab.client,
        "/collab/meetings",
        _meeting(suffix, "复盘", "项目复盘会"),
        headers=host,
    )
    path = "/collab/meetings"
    assert await _found(collab, path, host, "复盘") == [other["id"]]  # no minutes yet
    recorded = await post_ok(
        collab.client,
        f"{path}/{meeting['id']}/minutes",
        {"minutes": "活动复盘: 物料晚了两天; next time a checklist.", "action_items": []},
        headers=host,
        status=200,
    )
    assert recorded["minutes"].startswith("活动复盘")
    # The exact title first, then the minutes that mention it.
    assert await _found(collab, path, host, "复盘", sort="-relevance") == [
        other["id"],
        meeting["id"],
    ]
    assert sorted(await _found(collab, path, host, "复")) == sorted([meeting["id"], other["id"]])
    assert await _found(collab, path, host, "checklist") == [meeting["id"]]
    assert await _found(collab, path, host, "launch") == [meeting["id"]]  # the goal
    assert await _found(collab, path, host, "复盘 checklist") == [meeting["id"]]
    assert await _found(collab, path, host, "%_") == []
    for who in (f"att-{suffix}", f"spk-{suffix}", f"rec-{suffix}", f"boss-{suffix}"):
        found = await _found(collab, path, auth(who, ["member"]), "复盘", sort="-relevance")
        assert found == [other["id"], meeting["id"]], who
    stranger = auth(f"stranger-{suffix}", ["manager"], ["u-x"])
    assert await _found(collab, path, stranger, "复盘") == []
    listed = await collab.client.get(path, headers=stranger)
    assert listed.json() == {"items": [], "next_cursor": None}
    everyone = await _found(collab, path, HR, "checklist")
    assert everyone == [meeting["id"]]
    monthly = await post_ok(
        collab.client,
        f"{path}/monthly",
        {
            "month": "2027-05",
            "scheduled_at": "2027-05-28T06:00:00Z",
            "host_id": f"host-{suffix}",
            "recorder_id": f"rec-{suffix}",
        },
        headers=HR,
    )
    assert await _found(collab, path, HR, "bottlenecks") == [monthly["id"]]  # its goal
    assert await _found(collab, path, host, "2027") == [monthly["id"]]  # its title


def _search_drift(found: list[Any]) -> list[tuple[str, str, str | None]]:
    return [(d.kind, d.key, d.stored) for d in found if "-search-" in d.kind]


async def test_stale_search_columns_of_tickets_and_meetings_are_drift(collab: Collab) -> None:
    mkt, prd = _units()
    ticket = await _open(collab, mkt, prd, "客户画像", "drift check")
    suffix = uuid.uuid4().hex[:6]
    await know_members(collab, *(f"{role}-{suffix}" for role in ("host", "rec", "spk", "att")))
    meeting = await post_ok(
        collab.client,
        "/collab/meetings",
        _meeting(suffix, "周会", "对齐目标"),
        headers=HR,
    )
    corruptions = [
        (
            "UPDATE collab.tickets SET search_tokens = 'stale:1' WHERE id = :id",
            ticket,
            ("ticket-search-tokens", ticket, "'stale':1"),
        ),
        (
            "UPDATE collab.tickets SET search_title = 'stale' WHERE id = :id",
            ticket,
            ("ticket-search-title", ticket, "stale"),
        ),
        (
            "UPDATE collab.meetings SET search_tokens = 'stale:1' WHERE id = :id",
            meeting["id"],
            ("meeting-search-tokens", meeting["id"], "'stale':1"),
        ),
        (
            "UPDATE collab.meetings SET search_title = 'stale' WHERE id = :id",
            meeting["id"],
            ("meeting-search-title", meeting["id"], "stale"),
        ),
    ]
    async with collab.db.sessions() as session:
        assert _search_drift(await verify.drift(session)) == []
        for statement, row_id, expected in corruptions:
            await session.execute(text(statement), {"id": row_id})
            try:
                assert _search_drift(await verify.drift(session)) == [expected]
            finally:
                await session.rollback()


async def test_the_backfill_writes_what_the_service_writes(database_url: str) -> None:
    url = await create_database(database_url, f"collab_bf8_{uuid.uuid4().hex[:8]}", migrated=False)
    await asyncio.to_thread(upgrade, definition.migrations_dir, url, "collab", "0007")
    tickets = [
        ("t-1", "营销活动物料", "这次营销活动提前两周 STAND-UPS 2027年"),
        ("t-2", "ｶﾀｶﾅ Review", "İstanbul straße " + "长" * 300),
    ]
    meetings = [
        ("m-1", "周会", "对齐目标", "活动复盘: next time a checklist."),
        ("m-2", "Weekly", "Agree the dates", None),
    ]
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for ticket_id, title, description in tickets:
                await connection.execute(
                    text(
                        "INSERT INTO collab.tickets (id, title, description, category, "
                        "priority, status, requester_unit_id, requester_id, owner_unit_id, "
                        "response_target_hours, resolution_target_hours, at_risk_share, "
                        "business_seconds_used, opened_at, response_breached, "
                        "resolution_breached, escalated, version) VALUES (:id, :title, "
                        ":description, 'kb', 'normal', 'open', 'u-a', 'm', 'u-b', 24, 72, 0.8, "
                        "0, now(), false, false, false, 1)"
                    ),
                    {"id": ticket_id, "title": title, "description": description},
                )
            for meeting_id, title, goal, minutes in meetings:
                await connection.execute(
                    text(
                        "INSERT INTO collab.meetings (id, kind, title, goal, agenda, "
                        "scheduled_at, unit_ids, host_id, recorder_id, speaker_ids, "
                        "attendee_ids, materials, minutes, created_by, version) VALUES (:id, "
                        "'regular', :title, :goal, '[]', now(), '[]', 'h', 'r', '[]', '[]', "
                        "'[]', :minutes, 'h', 1)"
                    ),
                    {"id": meeting_id, "title": title, "goal": goal, "minutes": minutes},
                )
        await asyncio.to_thread(upgrade, definition.migrations_dir, url, "collab", "head")
        async with engine.connect() as connection:
            for ticket_id, title, description in tickets:
                written = Ticket(title=title, description=description)
                index_ticket(written)
                await _assert_columns(connection, "tickets", ticket_id, written)
            for meeting_id, title, goal, minutes in meetings:
                row = Meeting(title=title, goal=goal, minutes=minutes)
                index_meeting(row)
                await _assert_columns(connection, "meetings", meeting_id, row)
        async with engine.connect() as connection, AsyncSession(bind=connection) as session:
            assert _search_drift(await verify.drift(session)) == []
    finally:
        await engine.dispose()


async def _assert_columns(
    connection: AsyncConnection, table: str, row_id: str, written: Ticket | Meeting
) -> None:
    row = (
        await connection.execute(
            text(
                f"SELECT search_title, search_tokens = CAST(:tokens AS tsvector) "
                f"FROM collab.{table} WHERE id = :id"
            ),
            {"id": row_id, "tokens": written.search_tokens},
        )
    ).one()
    assert (row[0], row[1]) == (written.search_title, True), (table, row_id)


WORDS = ["客户", "画像", "渠道", "转化", "线索", "预算", "品牌", "内容", "直播", "社群"]
ENGLISH = ["lead", "funnel", "budget", "launch", "review", "channel", "pricing", "content"]


def _bulk_texts(count: int, rare: int) -> list[tuple[str, str]]:
    """``count`` (title, description) pairs of mixed Chinese and English; ``rare`` mention
    营销."""
    rng = random.Random(8)
    texts = []
    for index in range(count):
        words = rng.choices(WORDS, k=8) + rng.choices(ENGLISH, k=3)
        if index % (count // rare) == 0:
            words.insert(rng.randrange(len(words)), "营销")
        title = f"{''.join(rng.choices(WORDS, k=2))}需求 {index}"
        texts.append((title, "\uff0c".join(words) + "。"))
    return texts


async def test_at_20000_tickets_the_search_uses_the_gin_index(database_url: str) -> None:
    # 2,000 texts, each opened 10 times between 10 pairs of units (20,000 tickets, 10 of
    # them with 营销), their search columns exactly what the service writes.
    texts = _bulk_texts(2_000, rare=1)
    columns = []
    for title, description in texts:
        row = Ticket(title=title, description=description)
        index_ticket(row)
        columns.append((row.search_title, row.search_tokens))
    assert columns[0] == (search_tokens.normalise(texts[0][0]), search_tokens.vector(*texts[0]))
    async with running_collab(database_url, scheduler=False) as collab:
        async with collab.db.sessions() as session:
            await session.execute(
                text(
                    "INSERT INTO collab.tickets (id, title, description, category, priority, "
                    "status, requester_unit_id, requester_id, owner_unit_id, "
                    "response_target_hours, resolution_target_hours, at_risk_share, "
                    "business_seconds_used, opened_at, response_breached, "
                    "resolution_breached, escalated, version, search_title, search_tokens) "
                    "SELECT gen_random_uuid()::text, t.title, t.description, 'bulk', "
                    "'normal', 'open', 'req-' || copy, 'm-bulk', 'own-' || copy, 24, 72, 0.8, "
                    "0, now(), false, false, false, 1, t.search_title, "
                    "CAST(t.tokens AS tsvector) "
                    "FROM generate_series(1, 10) AS copy, unnest(CAST(:titles AS text[]), "
                    "CAST(:descriptions AS text[]), CAST(:search_titles AS text[]), "
                    "CAST(:tokens AS text[])) AS t(title, description, search_title, tokens)"
                ),
                {
                    "titles": [t for t, _ in texts],
                    "descriptions": [d for _, d in texts],
                    "search_titles": [c[0] for c in columns],
                    "tokens": [c[1] for c in columns],
                },
            )
            await session.commit()
            count = await session.scalar(text("SELECT count(*) FROM collab.tickets"))
            assert count == 20_000
            await session.execute(text("ANALYZE collab.tickets"))
            tsquery = search_tokens.query("营销")
            assert tsquery is not None
            plans = []
            for everything, units in ((True, []), (False, ["req-1", "req-2", "own-3"])):
                statement = repository.ticket_search_statement(
                    visible=repository.ticket_visibility(
                        everything=everything, member_id="m-reader", unit_ids=units
                    ),
                    status=None,
                    unit_id=None,
                    search=repository.TextSearch(tsquery=tsquery, title="营销"),
                    page=PageQuery(limit=50, offset=0, sort=(("relevance", True),)),
                )
                sql = str(
                    statement.compile(
                        dialect=session.get_bind().dialect,
                        compile_kwargs={"literal_binds": True},
                    )
                )
                plans.append("\n".join((await session.execute(text("EXPLAIN " + sql))).scalars()))
        for plan in plans:
            assert "Bitmap Index Scan on ix_tickets_search_tokens" in plan, plan
            assert "Seq Scan" not in plan, plan
        found = await _found(collab, "/collab/tickets", HR, "营销", limit="200")
        assert len(found) == 10
        scoped = auth("m-reader", ["member"], ["req-1", "req-2", "own-3"])
        assert len(await _found(collab, "/collab/tickets", scoped, "营销", limit="200")) == 3
        assert await _found(collab, "/collab/tickets", HR, "营销活动") == []
