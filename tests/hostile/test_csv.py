"""CSV uploads of actuals that are too big, badly encoded, broken or odd: a clear answer,
good rows kept and bad rows reported by number, and when the upload as a whole is refused,
not one of its measurements stored (counted through the API)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from goals.service.actuals import BATCH
from tests.hostile.conftest import CSV_MAX_ROWS
from tests.hostile.support import ADMIN, a_kpi, a_member, assert_problem, stored_measurements

HEADER = "owner_id,kpi,date,value,source,idempotency_key\n"
CSV = {**ADMIN, "content-type": "text/csv"}


def rows(member: str, kpi: str, count: int, start: int = 0) -> str:
    return "".join(
        f"{member},{kpi},2026-03-{1 + n % 28:02d},{n}.5,crm,{member}-{n}\n"
        for n in range(start, start + count)
    )


async def upload(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    return await client.post("/goals/actuals/csv", content=body, headers=CSV)


@pytest.fixture
async def owner(gateway: httpx.AsyncClient) -> tuple[str, str]:
    return await a_member(gateway), await a_kpi(gateway)


async def test_a_bom_is_read_past(gateway: httpx.AsyncClient, owner: tuple[str, str]) -> None:
    member, kpi = owner
    response = await upload(gateway, b"\xef\xbb\xbf" + (HEADER + rows(member, kpi, 3)).encode())
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 3
    assert await stored_measurements(gateway, member) == 3


async def test_bad_encoding_and_broken_rows_are_reported_by_number(
    gateway: httpx.AsyncClient, owner: tuple[str, str]
) -> None:
    member, kpi = owner
    body = (
        (HEADER + rows(member, kpi, 2)).encode()
        + f"{member},{kpi},2026-03-05,7,Z\xfcrich,{member}-l1\n".encode("latin-1")  # row 4
        + f"{member},{kpi},2026-03-06,8,crm,{member}-\xe4\xbd\n".encode("latin-1")  # row 5
        + f"{member},{kpi},2026-02-30,9,crm,bad-date\n".encode()  # row 6
        + f"{member},{kpi},2026-03-07,{'9' * 30},crm,too-many-digits\n".encode()  # row 7
        + f"{member},{kpi},2026-03-07,NaN,crm,nan\n".encode()  # row 8
        + f"{member},{kpi}\n".encode()  # row 9: too few fields
        + f"{member},{kpi},2026-03-08,1,crm,{member}-x,field\n".encode()  # row 10
        + f"'; DROP TABLE measurements; --,{kpi},2026-03-08,1,crm,sql\n".encode()  # row 11
        + rows(member, kpi, 1, start=50).encode()  # row 12
    )
    response = await upload(gateway, body)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["accepted"], report["rejected"]) == (11, 3, 8), report
    assert [e["row"] for e in report["errors"]] == [4, 5, 6, 7, 8, 9, 10, 11]
    assert "UTF-8" in report["errors"][0]["errors"][0]
    assert await stored_measurements(gateway, member) == 3


async def test_a_chinese_source_round_trips(
    gateway: httpx.AsyncClient, owner: tuple[str, str]
) -> None:
    member, kpi = owner
    body = HEADER + f"{member},{kpi},2026-03-09,3,微信小程序,{member}-wx\n"
    response = await upload(gateway, body.encode())
    assert response.json()["accepted"] == 1, response.text
    listed = await gateway.get(
        "/goals/actuals", params={"owner_id": member, "period": "2026-03"}, headers=ADMIN
    )
    assert [m["source"] for m in listed.json()["items"]] == ["微信小程序"]


@pytest.mark.parametrize(
    "header",
    ["", "owner,kpi,date,value\n", "\xff\xfe\n", "owner_id;kpi;date;value\n"],
    ids=["empty", "wrong-names", "not-utf8", "semicolons"],
)
async def test_a_bad_header_refuses_the_upload(
    gateway: httpx.AsyncClient, owner: tuple[str, str], header: str
) -> None:
    member, kpi = owner
    body = header.encode("latin-1") + rows(member, kpi, 5).encode()
    problem = assert_problem(await upload(gateway, body), 422)
    assert "header" in problem["detail"]
    assert await stored_measurements(gateway, member) == 0


async def test_too_many_rows_store_nothing_even_after_a_full_batch(
    gateway: httpx.AsyncClient, owner: tuple[str, str]
) -> None:
    member, kpi = owner
    assert CSV_MAX_ROWS > BATCH  # the first batch is written before the limit is reached
    body = (HEADER + rows(member, kpi, CSV_MAX_ROWS + 1)).encode()
    problem = assert_problem(await upload(gateway, body), 413)
    assert str(CSV_MAX_ROWS) in problem["detail"]
    assert await stored_measurements(gateway, member) == 0


async def test_an_unreadable_row_after_a_full_batch_stores_nothing(
    gateway: httpx.AsyncClient, owner: tuple[str, str]
) -> None:
    member, kpi = owner
    # A quote never closed: the field runs past the csv module's field size limit.
    body = (HEADER + rows(member, kpi, BATCH + 5)).encode() + b'"' + b"x" * 200_000 + b"\n"
    problem = assert_problem(await upload(gateway, body), 422)
    assert "CSV" in problem["detail"]
    assert await stored_measurements(gateway, member) == 0


async def test_an_upload_over_the_byte_limit_is_413(
    gateway: httpx.AsyncClient, owner: tuple[str, str]
) -> None:
    from goals.settings import Settings

    limit = Settings().max_upload_bytes
    member, kpi = owner
    line = rows(member, kpi, 1).encode()
    body = HEADER.encode() + line * (limit // len(line) + 1)
    problem = assert_problem(await upload(gateway, body), 413)
    assert str(limit) in problem["detail"]
    assert await stored_measurements(gateway, member) == 0


async def test_a_streamed_upload_over_the_byte_limit_is_413(
    gateway: httpx.AsyncClient, owner: tuple[str, str]
) -> None:
    from goals.settings import Settings

    limit = Settings().max_upload_bytes
    member, kpi = owner
    line = rows(member, kpi, 1).encode()

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the size shows late
        yield HEADER.encode()
        block = line * (1_048_576 // len(line))
        for _ in range(limit // len(block) + 2):
            yield block

    response = await gateway.post("/goals/actuals/csv", content=chunks(), headers=CSV)
    assert_problem(response, 413)
    assert await stored_measurements(gateway, member) == 0
