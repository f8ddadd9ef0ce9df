"""Queries only in repositories: a module under ``services/<name>/`` outside its
``repository/`` and ``migrations/`` builds no SQL statement and runs none (``EXCEPTIONS``
names the few other places that may, and why).

It fails on a call of ``select``, ``insert``, ``update``, ``delete`` or ``text`` imported
from SQLAlchemy (under any name, or as ``sqlalchemy.select``), and on a statement run on a
session or connection: ``<x>.execute(...)``, ``<x>.scalar(...)``, ``<x>.scalars(...)`` or
``<x>.exec_driver_sql(...)`` with an argument (a result's own ``.scalars()`` takes none).

    python -m deploy.lint_repositories [ROOT]     # exit 1 and one line per finding
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

STATEMENTS = frozenset({"select", "insert", "update", "delete", "text"})
RUNS = frozenset({"execute", "scalar", "scalars", "exec_driver_sql"})
# Where the layers allow queries.
QUERY_HOMES = ("repository", "migrations")
# Exceptions: (path pattern under services/, what it may call, why).
EXCEPTIONS: tuple[tuple[str, frozenset[str], str], ...] = (
    (
        "*/models.py",
        frozenset({"text"}),
        "table definitions: text() is DDL there (server defaults, partial-index predicates)",
    ),
    (
        "*/models/*.py",
        frozenset({"text"}),
        "table definitions: text() is DDL there (server defaults, partial-index predicates)",
    ),
    (
        "*/verify_reads.py",
        STATEMENTS | RUNS,
        "the invariant checker's (make verify) read-only queries over whole tables, in a module"
        " of their own beside verify.py (performance keeps them in repository/verification.py)",
    ),
)


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    call: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.call}() outside the repository"


def _sqlalchemy_names(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Local names bound to SQLAlchemy's statement builders (local -> builder), and the
    local names of SQLAlchemy modules themselves."""
    builders: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            for alias in node.names:
                if alias.name in STATEMENTS:
                    builders[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    modules.add(alias.asname or alias.name.split(".")[0])
    return builders, modules


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def findings_in(source: str, path: str) -> list[Finding]:
    """What ``source`` (the module at ``path``) calls that only a repository may call."""
    tree = ast.parse(source, filename=path)
    builders, modules = _sqlalchemy_names(tree)
    found: list[Finding] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id in builders:
            found.append(Finding(path, node.lineno, builders[function.id]))
        elif isinstance(function, ast.Attribute) and (
            (function.attr in STATEMENTS and _root_name(function.value) in modules)
            or (function.attr in RUNS and bool(node.args or node.keywords))
        ):
            found.append(Finding(path, node.lineno, function.attr))
    return sorted(found)


def _allowed(relative: str, call: str) -> bool:
    return any(fnmatch(relative, pattern) and call in calls for pattern, calls, _ in EXCEPTIONS)


def findings(root: Path) -> list[Finding]:
    """Every finding in the services under ``root`` (the repository's root)."""
    services = root / "services"
    found: list[Finding] = []
    for module in sorted(services.rglob("*.py")):
        relative = module.relative_to(services)
        if relative.parts[1:2] and relative.parts[1] in QUERY_HOMES:
            continue
        for finding in findings_in(module.read_text(encoding="utf-8"), str(relative)):
            if not _allowed(relative.as_posix(), finding.call):
                found.append(Finding(f"services/{relative.as_posix()}", finding.line, finding.call))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Queries only in repositories.")
    parser.add_argument("root", nargs="?", type=Path, default=Path(__file__).parent.parent)
    args = parser.parse_args(argv)
    found = findings(args.root)
    for finding in found:
        print(finding)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
