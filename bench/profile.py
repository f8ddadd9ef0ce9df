"""What dominates a service's CPU while a benchmark runs: py-spy samples the process, and
the samples are summed by where the time is spent itself (by library, and Spearhead's own
code by module) and by Spearhead function (the time under it). A missed target is reported
with this, so the report says what would have to shrink to meet it.

    async with profiled({"goals": pid}, seconds=8) as profiles: ...   # then profiles["goals"]
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.infra import WORK

OURS = ("shared", "goals", "performance", "incentives", "collab", "gateway")
SHOWN = 8


@dataclass
class Profile:
    """Shares of the sampled CPU, in percent."""

    samples: int = 0
    by_place: list[tuple[str, float]] = field(default_factory=list)
    """Where the time is spent itself: a library, or a module of Spearhead's."""
    by_function: list[tuple[str, float]] = field(default_factory=list)
    """Spearhead functions and the time under them."""

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        places = ", ".join(f"{name} {share:.0f}%" for name, share in self.by_place)
        functions = ", ".join(f"`{name}` {share:.0f}%" for name, share in self.by_function)
        return f"{self.samples} samples; own time: {places}; under: {functions}"


def _place(frame: str) -> tuple[str, str]:
    """(where, function) of a py-spy frame ``function (package/module.py:line)``: where is
    the library (py-spy names files from their package), or Spearhead's module."""
    function, _, location = frame.rpartition(" (")
    path = location.split(":", 1)[0]
    parts = Path(path).parts
    if not parts or path.startswith("<"):
        return "python", function
    for i, part in enumerate(parts):
        if part in OURS:
            module = ".".join((*parts[i:-1], Path(path).stem))
            return module, f"{module}.{function}"
    if "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1 :]
    return Path(parts[0]).stem, function


def summarise(raw: str) -> Profile:
    """A py-spy ``--format raw`` output (collapsed stacks) summed up."""
    own: Counter[str] = Counter()
    under: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_place(f) for f in stack.split(";") if " (" in f]
        if not frames:
            continue
        own[frames[-1][0]] += n
        for function in {f for where, f in frames if where.split(".")[0] in OURS}:
            under[function] += n
    if not total:
        return Profile()
    return Profile(
        samples=total,
        by_place=[(k, 100 * v / total) for k, v in own.most_common(SHOWN)],
        by_function=[(k, 100 * v / total) for k, v in under.most_common(SHOWN)],
    )


def _spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return found if Path(found).exists() else None


@contextlib.asynccontextmanager
async def profiled(pids: dict[str, int], seconds: float) -> AsyncIterator[dict[str, Profile]]:
    """Sample each process for ``seconds`` (py-spy, which needs ptrace: root or the same
    user with ptrace allowed) while the block runs; the profiles are filled in at its end.
    Without py-spy the profiles stay empty."""
    found: dict[str, Profile] = {}
    spy = _spy()
    running: dict[str, tuple[asyncio.subprocess.Process, Path]] = {}
    if spy is not None:
        for name, pid in pids.items():
            out = WORK / f"profile-{name}.txt"
            args = ["record", "-p", str(pid), "-d", str(max(1, round(seconds)))]
            args += ["-f", "raw", "-o", str(out), "--nonblocking"]
            process = await asyncio.create_subprocess_exec(
                spy, *args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            running[name] = (process, out)
    try:
        yield found
    finally:
        for name, (process, out) in running.items():
            await process.wait()
            found[name] = summarise(out.read_text()) if out.exists() else Profile()
