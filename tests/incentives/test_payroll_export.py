"""The payroll CSV is safe to open in a spreadsheet (issue 12, "safe exports"): a cell a
spreadsheet would run as a formula is written as text, an amount stays a number."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from tests.incentives.desk import FINANCE, UNITS, Desk, member_event

D = Decimal
DANGEROUS = {
    "x-eq": '=HYPERLINK("http://evil.example","pay")',
    "x-plus": "+1+1",
    "x-minus": "-2+3",
    "x-at": "@SUM(A1:A9)",
    "x-tab": "\tTabbed",
    "x-cr": "\rReturned",
}


async def test_the_payroll_csv_neutralises_formulas_and_keeps_numbers(desk: Desk) -> None:
    # Members named to be run as formulas; x-minus is paid nothing but a -12.50 correction.
    await desk.world.apply(
        *(
            member_event(
                member_id,
                ["co", "sales"],
                name=name,
                layer="support" if member_id == "x-minus" else "execution",
            )
            for member_id, name in DANGEROUS.items()
        )
    )
    await desk.settled()
    correction = {
        "member_id": "x-minus",
        "period": "2026-Q1",
        "amount": {"amount": "-12.50", "currency": "CNY"},
        "reason": "Credit note after the Q1 run",
    }
    assert (await desk.post("/adjustments", FINANCE, correction)).status_code == 201
    run_id, etag = await desk.draft_run(frozenset(DANGEROUS))
    assert (await desk.approve(run_id, FINANCE, etag)).status_code == 200
    exported = await desk.post(f"/payout-runs/{run_id}/export", FINANCE)
    assert exported.status_code == 200, exported.text

    rows = {r["member_id"]: r for r in csv.DictReader(io.StringIO(exported.text))}
    assert set(rows) == (set(UNITS) - {"lead"}) | set(DANGEROUS)  # no row split by a "\r"
    for member_id, name in DANGEROUS.items():
        assert rows[member_id]["name"] == "'" + name, member_id
    assert rows["s1"]["name"] == "Name of s1"
    assert (rows["x-minus"]["adjustment"], rows["x-minus"]["total"]) == ("-12.50", "-12.50")
    number = re.compile(r"^-?\d+\.\d{2}$")
    for row in rows.values():
        for column in ("base_pay", "performance_pay", "kpi_bonus", "adjustment", "total"):
            assert number.match(row[column]), (row["member_id"], column, row[column])
    assert D(rows["s1"]["base_pay"]) == D("30000.00")
