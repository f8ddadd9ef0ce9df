"""A benchmark's result beside its floor, and writing them: bench/results/<name>.json and
.md, and (for `make bench`) the README table between its markers."""

from __future__ import annotations

import json
import math
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.infra import ROOT

RESULTS = ROOT / "bench" / "results"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass
class Result:
    """One figure beside its floor measured in the same run; ``ratio`` is figure / floor
    (or the reverse where the target says so), ``met`` whether ``target`` holds."""

    name: str
    figure: float
    unit: str
    floor: float
    floor_unit: str
    floor_name: str
    ratio: float
    target: str
    met: bool
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def rounded(value: float, places: int = 1) -> float:
    return value if math.isnan(value) or math.isinf(value) else round(value, places)


def ratio_of(figure: float, floor: float) -> float:
    return figure / floor if floor else float("inf")


def machine() -> dict[str, Any]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def about(quick: bool, **extra: Any) -> dict[str, Any]:
    return {
        "run_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "machine": machine(),
        **extra,
    }


def table(results: list[Result], info: dict[str, Any]) -> str:
    m = info["machine"]
    head = (
        f"Measured {info['run_at']} on {m['cpus']} x {m['cpu']}, {m['memory_gib']} GiB, "
        f"Python {m['python']}{' (quick run)' if info['quick'] else ''}. "
        "Each floor is measured in the same run.\n\n"
    )
    rows = [
        "| Benchmark | Figure | Floor | Ratio | Target | Met |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.name} | {r.figure} {r.unit} | {r.floor} {r.floor_unit} ({r.floor_name}) "
            f"| {r.ratio} | {r.target} | {'yes' if r.met else '**no**'} |"
        )
    return head + "\n".join(rows) + "\n"


def notes(results: list[Result]) -> str:
    lines = [f"- **{r.name}**: {note}" for r in results for note in r.notes]
    return ("\n## Notes\n\n" + "\n".join(lines) + "\n") if lines else ""


def _jsonable(value: Any) -> Any:
    """NaN and infinity as null: JSON has neither."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def write(
    name: str, title: str, results: list[Result], info: dict[str, Any], *, readme: bool
) -> str:
    """bench/results/<name>.json and .md; the README table too when ``readme``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = _jsonable({**info, "results": [asdict(r) for r in results]})
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
    text = table(results, info)
    (RESULTS / f"{name}.md").write_text(f"# {title}\n\n{text}{notes(results)}")
    if readme:
        current = README.read_text()
        if START in current and END in current:
            before, rest = current.split(START, 1)
            _old, after = rest.split(END, 1)
            README.write_text(f"{before}{START}\n{text}{END}{after}")
    return text + notes(results)
