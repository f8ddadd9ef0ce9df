"""KPI codes in any script (shared/text.py ``Identifier``): a Chinese code is accepted and a
formula names it; a full-width variant is the same code, so it collides; the length is
counted after NFKC; upper case and control characters are a 422 naming ``code``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from tests.helpers import auth, post_ok

ADMIN = auth("admin-codes", ["admin"])
_post = functools.partial(post_ok, headers=ADMIN)
System = tuple[httpx.AsyncClient, Callable[[date], None]]


def wide(text: str) -> str:
    """``text`` in full-width forms, as a Chinese input method may type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


async def _refused(client: httpx.AsyncClient, body: dict[str, Any], status: int = 422) -> Any:
    response = await client.post("/goals/kpi-definitions", json=body, headers=ADMIN)
    assert response.status_code == status, response.text
    return response.json()


async def test_chinese_codes_are_kpis_and_formulas_name_them(system: System) -> None:
    client, _ = system
    revenue = await _post(
        client, "/goals/kpi-definitions", {"code": "营收", "name": "营收", "unit": "元"}
    )
    spend = await _post(
        client, "/goals/kpi-definitions", {"code": "花费", "name": "花费", "unit": "元"}
    )
    assert (revenue["code"], spend["code"]) == ("营收", "花费")
    roi = await _post(
        client,
        "/goals/kpi-definitions",
        {"code": "投产比", "name": "ROI", "unit": "x", "formula": "营收 / 花费"},
    )
    assert (roi["code"], roi["formula"]) == ("投产比", "营收 / 花费")
    found = await client.get("/goals/kpi-definitions/投产比", headers=ADMIN)
    assert found.json()["id"] == roi["id"]


async def test_an_nfkc_variant_is_the_same_code(system: System) -> None:
    client, _ = system
    kept = await _post(
        client, "/goals/kpi-definitions", {"code": wide("leads_week"), "name": "n", "unit": "n"}
    )
    assert kept["code"] == "leads_week"
    again = await _refused(client, {"code": "leads_week", "name": "n", "unit": "n"}, status=409)
    assert again["status"] == 409
    found = await client.get("/goals/kpi-definitions/" + wide("leads_week"), headers=ADMIN)
    assert found.json()["id"] == kept["id"]


async def test_the_length_counts_after_nfkc_and_bad_codes_name_the_field(system: System) -> None:
    client, _ = system
    kept = await _post(
        client, "/goals/kpi-definitions", {"code": "ﬁ" * 32, "name": "n", "unit": "n"}
    )
    assert kept["code"] == "fi" * 32
    for code in ("ﬁ" * 33, "Revenue", "营\u0007收", "营\n收"):
        problem = await _refused(client, {"code": code, "name": "n", "unit": "n"})
        assert [e["loc"] for e in problem["errors"]] == [["body", "code"]], code
