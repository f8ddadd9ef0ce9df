"""The payroll export of an approved payout run: a CSV safe to open in a spreadsheet."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from incentives import repository
from incentives.models import UNAPPROVED_RUN_STATES, PayoutRun
from shared.auth import Principal
from shared.errors import Conflict
from shared.exports import csv_text

PAYROLL_COLUMNS = {
    "base_pay": "base_pay",
    "performance_pay": "performance_pay",
    "kpi_bonus": "kpi_bonus",
    "commission": "commission",
    "commission_reversal": "commission",
    "project_bonus": "project_bonus",
    "adjustment": "adjustment",
}


async def payroll_csv(session: AsyncSession, run: PayoutRun) -> str:
    """One row per member and currency, a column per kind of pay, and the total. Every cell
    a spreadsheet would run as a formula (a name beginning with ``=``, say) is written as
    text (``shared.exports``); amounts stay numbers (``-450.00``)."""
    columns = list(dict.fromkeys(PAYROLL_COLUMNS.values()))
    rows: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: {c: Decimal("0.00") for c in columns}
    )
    for line in await repository.run_lines(session, run_id=run.id):
        rows[(line.member_id, line.currency)][PAYROLL_COLUMNS[line.rule]] += line.amount
    names = {m.id: m.name for m in await repository.members(session)}
    return csv_text(
        ["run_id", "period", "member_id", "name", "currency", *columns, "total"],
        (
            [
                run.id,
                run.period,
                member_id,
                names.get(member_id, ""),
                currency,
                *(str(amounts[c]) for c in columns),
                str(sum(amounts.values(), Decimal(0))),
            ]
            for (member_id, currency), amounts in sorted(rows.items())
        ),
    )


async def export(session: AsyncSession, principal: Principal, run: PayoutRun) -> str:
    """The payroll CSV of an approved run, which is then exported (again: the same file)."""
    if run.state in UNAPPROVED_RUN_STATES:
        raise Conflict(f"run {run.id} is {run.state}; approve it before exporting it to payroll")
    if run.state == "approved":
        run.state = "exported"
        run.exported_by = principal.member_id
        run.exported_at = datetime.now(UTC)
        run.version += 1
        await session.flush()
    return await payroll_csv(session, run)
