"""Values a client may send on purpose or by accident: SQL-looking and Chinese names stored
and read back unchanged; ids, periods, dates and numbers that are not what they claim to be
get a 4xx problem that says so."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import post_ok
from tests.hostile.support import ADMIN, a_kpi, a_member, assert_problem, stored_measurements

NAMES = [
    "'; DROP TABLE goals.org_units; --",
    'Robert"); DELETE FROM measurements WHERE ("1"="1',
    "1 OR 1=1 /* */ UNION SELECT * FROM pg_user",
    "市场部 华东区 增长小组",
    "品牌 & 数字营销 «Q1» — 🚀",
    "%s %(name)s {0} \\x00 $1",
]


@pytest.mark.parametrize("name", NAMES)
async def test_names_round_trip_unchanged(gateway: httpx.AsyncClient, name: str) -> None:
    unit = await post_ok(gateway, "/goals/org-units", {"name": name, "kind": "team"}, headers=ADMIN)
    assert unit["name"] == name
    again = await gateway.get(f"/goals/org-units/{unit['id']}", headers=ADMIN)
    assert again.status_code == 200 and again.json()["name"] == name
    member = await post_ok(
        gateway,
        "/goals/members",
        {"name": name, "home_unit_id": unit["id"], "layer": "execution", "hired_on": "2026-01-05"},
        headers=ADMIN,
    )
    read = await gateway.get(f"/goals/members/{member['id']}", headers=ADMIN)
    assert read.status_code == 200 and read.json()["name"] == name


async def test_a_nul_character_in_a_name_is_422(gateway: httpx.AsyncClient) -> None:
    # Postgres text cannot hold U+0000.
    response = await gateway.post(
        "/goals/org-units", json={"name": "a\x00b", "kind": "team"}, headers=ADMIN
    )
    assert_problem(response, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/goals/org-units/not-a-uuid",
        "/goals/org-units/00000000-0000-0000-0000-000000000000",
        "/goals/org-units/" + "9" * 5000,
        "/goals/org-units/%27%3B%20DROP%20TABLE%20x%3B--",
        "/goals/members/%E5%B8%82%E5%9C%BA",
        "/goals/kpi-definitions/..%2F..%2Fetc%2Fpasswd",
        "/performance/reviews/not-a-uuid",
    ],
)
async def test_ids_that_name_nothing_are_a_4xx_problem(
    gateway: httpx.AsyncClient, path: str
) -> None:
    response = await gateway.get(path, headers=ADMIN)
    assert response.status_code in (404, 422), (path, response.status_code, response.text)
    assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/goals/actuals", {"owner_id": "a\x00b", "period": "2026"}),
        ("/goals/figures", {"owner_id": "\x00"}),
        ("/goals/members", {"cursor": "\x00"}),
    ],
)
async def test_a_nul_character_in_a_query_is_422(
    gateway: httpx.AsyncClient, path: str, params: dict[str, str]
) -> None:
    assert_problem(await gateway.get(path, params=params, headers=ADMIN), 422)


@pytest.mark.parametrize(
    "period",
    [
        "0000",
        "2026-Q0",
        "2026-Q5",
        "2026-00",
        "2026-13",
        "26",
        "2026-1",
        "\uff12\uff10\uff12\uff16",
        "2\uff10\uff12\uff16",
        "x",
    ],
)
async def test_periods_that_are_not_periods_are_422(
    gateway: httpx.AsyncClient, period: str
) -> None:
    member = "m-hostile-admin"
    for path in ("/goals/actuals", "/goals/figures"):
        response = await gateway.get(
            path, params={"owner_id": member, "period": period}, headers=ADMIN
        )
        assert_problem(response, 422)


BAD_VALUES: list[object] = [
    "1" * 30,
    "0." + "1" * 29,
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e400",
    "12,5",
    "",
    True,
    [1],
]


@pytest.mark.parametrize("value", BAD_VALUES, ids=[repr(v)[:20] for v in BAD_VALUES])
async def test_values_that_are_not_decimals_are_422_and_nothing_is_stored(
    gateway: httpx.AsyncClient, value: object
) -> None:
    member, kpi = await a_member(gateway), await a_kpi(gateway)
    response = await gateway.post(
        "/goals/actuals",
        json={
            "owner_id": member,
            "kpi": kpi,
            "date": "2026-03-02",
            "value": value,
            "idempotency_key": "bad-value",
        },
        headers=ADMIN,
    )
    problem = assert_problem(response, 422)
    assert any(e["loc"][-1] == "value" for e in problem["errors"]), problem
    assert await stored_measurements(gateway, member) == 0


async def test_nan_and_infinity_as_json_numbers_are_422(gateway: httpx.AsyncClient) -> None:
    member, kpi = await a_member(gateway), await a_kpi(gateway)
    for literal in ("NaN", "Infinity", "-Infinity", "1e999"):
        body = (
            f'{{"owner_id": "{member}", "kpi": "{kpi}", "date": "2026-03-02", '
            f'"value": {literal}, "idempotency_key": "k-{literal}"}}'
        )
        response = await gateway.post(
            "/goals/actuals",
            content=body,
            headers={**ADMIN, "content-type": "application/json"},
        )
        assert_problem(response, 422)
    assert await stored_measurements(gateway, member) == 0


@pytest.mark.parametrize("day", [0, 1_700_000_000, "1700000000", "2026-02-30", "03/02/2026", ""])
async def test_dates_are_only_iso_dates(gateway: httpx.AsyncClient, day: object) -> None:
    member, kpi = await a_member(gateway), await a_kpi(gateway)
    response = await gateway.post(
        "/goals/actuals",
        json={"owner_id": member, "kpi": kpi, "date": day, "value": "1", "idempotency_key": "d"},
        headers=ADMIN,
    )
    assert_problem(response, 422)
    report = await gateway.get(
        f"/goals/members/{member}/weekly-report", params={"week_of": str(day)}, headers=ADMIN
    )
    assert_problem(report, 422)
    assert await stored_measurements(gateway, member) == 0


async def test_a_rejected_bulk_import_stores_nothing(gateway: httpx.AsyncClient) -> None:
    member, kpi = await a_member(gateway), await a_kpi(gateway)
    good = [
        {
            "owner_id": member,
            "kpi": kpi,
            "date": f"2026-03-{d:02d}",
            "value": "1",
            "idempotency_key": f"bulk-{d}",
        }
        for d in range(1, 21)
    ]
    # One item that breaks the request's schema (an unknown field) refuses the whole request.
    response = await gateway.post(
        "/goals/actuals/bulk",
        json={"items": [*good, {**good[0], "idempotency_key": "x", "colour": "red"}]},
        headers=ADMIN,
    )
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert_problem(response, 422)
        assert await stored_measurements(gateway, member) == 0
    else:  # bulk items are checked one by one: the good ones are kept, the bad one reported
        report = response.json()
        assert (report["accepted"], report["rejected"]) == (20, 1), report
        assert await stored_measurements(gateway, member) == 20
