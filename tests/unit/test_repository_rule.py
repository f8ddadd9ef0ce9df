"""The "queries only in repositories" rule (deploy/lint_repositories.py): what it finds in a
small offending module, that a clean one passes, and that the real tree is clean."""

from __future__ import annotations

from pathlib import Path

from deploy.lint_repositories import Finding, findings, findings_in, main

ROOT = Path(__file__).resolve().parent.parent.parent

OFFENDING = """
import sqlalchemy as sa
from sqlalchemy import select, text as sql_text
from sqlalchemy.dialects.postgresql import insert


async def rules(session, connection, rows):
    member = await session.scalar(select(Member).where(Member.id == "m1"))
    await session.execute(insert(Member).values(id="m2"))
    await connection.execute(sql_text("SELECT 1"))
    listed = await session.scalars(sa.select(Member))
    await connection.exec_driver_sql("VACUUM")
    return member, listed
"""

CLEAN = """
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from goals import repository


async def rules(session: AsyncSession, totals: dict[str, int]) -> list[str]:
    result = await repository.members(session, unit_id="u1")
    totals.update(a=1)  # dict.update, not sqlalchemy.update
    first = result.scalars().all()  # a result's scalars() builds and runs nothing
    session.add(first[0])
    return [func.count.__name__, *first]
"""


def test_an_offending_module_is_found_line_by_line() -> None:
    assert findings_in(OFFENDING, "goals/service/rules.py") == [
        Finding("goals/service/rules.py", 8, "scalar"),
        Finding("goals/service/rules.py", 8, "select"),
        Finding("goals/service/rules.py", 9, "execute"),
        Finding("goals/service/rules.py", 9, "insert"),
        Finding("goals/service/rules.py", 10, "execute"),
        Finding("goals/service/rules.py", 10, "text"),
        Finding("goals/service/rules.py", 11, "scalars"),
        Finding("goals/service/rules.py", 11, "select"),
        Finding("goals/service/rules.py", 12, "exec_driver_sql"),
    ]
    assert str(Finding("services/goals/service/rules.py", 8, "select")) == (
        "services/goals/service/rules.py:8: select() outside the repository"
    )


def test_a_clean_module_passes() -> None:
    assert findings_in(CLEAN, "goals/service/rules.py") == []


def test_the_tree_is_checked_where_queries_are_not_allowed(tmp_path: Path) -> None:
    for relative in (
        "goals/service/rules.py",  # found
        "goals/repository/rules.py",  # the repository: allowed
        "goals/migrations/versions/0001_rules.py",  # migrations: allowed
        "goals/verify_reads.py",  # the invariant checker's reads: an exception
    ):
        module = tmp_path / "services" / relative
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(OFFENDING)
    models = tmp_path / "services" / "goals" / "models.py"
    models.write_text(
        "from sqlalchemy import select, text\n"
        "DEFAULT = text('true')\n"  # DDL in a table definition: allowed
        "QUERY = select(1)\n"  # a query in models: found
    )
    found = findings(tmp_path)
    assert {f.path for f in found} == {
        "services/goals/service/rules.py",
        "services/goals/models.py",
    }
    assert [f for f in found if f.path.endswith("models.py")] == [
        Finding("services/goals/models.py", 3, "select")
    ]
    assert main([str(tmp_path)]) == 1


def test_the_services_run_queries_only_in_their_repositories() -> None:
    assert [str(f) for f in findings(ROOT)] == []
    assert main([str(ROOT)]) == 0
