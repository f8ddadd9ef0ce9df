"""docs/newcomer.md names files, modules and make targets for a newcomer to open and run:
each one must exist, so the guide fails here when the code moves and it does not."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "newcomer.md"

# Paths are checked when they start at the top of the repository; a path relative to a
# service named just before it (`service/access.py`) is read in its sentence.
TOP_LEVEL = ("services/", "shared/", "tests/", "deploy/", "console/", "docs/", ".ci/")
# Dotted names are checked in these packages; a service's name starts its event types and
# topics too (`goals.kpi`), which are no modules.
PACKAGES = ("shared", "gateway", "deploy")
MAKE = re.compile(r"\bmake (?:-s )?([a-z][a-z-]*)")
LINK = re.compile(r"\]\(([^)#\s]+)\)")
SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.S | re.M)
TARGET = re.compile(r"^([a-z][a-z-]*):", re.M)


def _code(text: str) -> list[str]:
    """The inline code spans of ``text`` and the lines of its fenced blocks."""
    blocks = [line for block in FENCE.findall(text) for line in block.splitlines()]
    return SPAN.findall(FENCE.sub("", text)) + blocks


def _is_placeholder(span: str) -> bool:
    return any(mark in span for mark in ("<", "*", "...", "{", " "))


# What a build writes (ignored by git, absent from a fresh clone until `make console` or
# `make test`): the guide may name it.
BUILT = ("console/dist", "console/node_modules", "console/src/api/generated", "build/")


def _missing_path(span: str) -> bool:
    if span.startswith(BUILT):
        return False
    return span.startswith(TOP_LEVEL) and not (ROOT / span.rstrip("/")).exists()


def _is_dotted_name(span: str) -> bool:
    return bool(re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+)+", span)) and span.split(".")[0] in PACKAGES


def _resolves(dotted: str) -> bool:
    """``shared.db.upsert_newer``: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def missing_references(text: str, makefile: str, base: Path) -> list[str]:
    """Everything ``text`` names that is not there: repository paths and dotted names in
    code spans, relative links (from ``base``), and make targets absent from ``makefile``."""
    targets = set(TARGET.findall(makefile))
    missing: list[str] = []
    for code in _code(text):
        missing += [f"make {t}" for t in MAKE.findall(code) if t not in targets]
        if _is_placeholder(code):
            continue
        if _missing_path(code) or (_is_dotted_name(code) and not _resolves(code)):
            missing.append(code)
    for link in LINK.findall(text):
        if not link.startswith("http") and not (base / link).exists():
            missing.append(link)
    return missing


def test_every_reference_in_the_guide_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert missing_references(GUIDE.read_text(), makefile, GUIDE.parent) == []


def test_a_reference_that_is_not_there_is_named() -> None:
    text = (
        "See `services/goals/nowhere.py`, `shared.db.no_such_thing`, `shared.db.SessionDep`, "
        "`shared/db.py`, [the API](api.md), [gone](gone.md), `service/relative.py`,\n"
        "```bash\nmake run\nmake launch-rockets\n```\n"
    )
    assert missing_references(text, "run: install\n", ROOT / "docs") == [
        "services/goals/nowhere.py",
        "shared.db.no_such_thing",
        "make launch-rockets",
        "gone.md",
    ]


def test_a_build_output_may_be_named_before_it_is_built(tmp_path: Path) -> None:
    assert missing_references("`console/dist` and `services/nowhere.py`", "", tmp_path) == [
        "services/nowhere.py"
    ]
