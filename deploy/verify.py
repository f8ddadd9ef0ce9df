"""``make verify``: the invariant checker. Each service's derived data is recomputed from its
inputs, and each copy of another service's data is compared with the owner's answer through
the gateway; any difference is reported by key. Read-only (every check runs in a
``REPEATABLE READ, READ ONLY`` transaction: one snapshot, no writes), for the embedded and
the distributed modes alike; exits 1 on drift.

    python -m deploy.verify [--gateway http://127.0.0.1:8000] [--settle 30] [--json]

Database URLs come from each service's settings (``GOALS_DATABASE_URL``, ...,
``SPEARHEAD_DATABASE_URL``); without one, the embedded Postgres of ``make run`` on ``PORT``
if there is one, else the ``make infra-up`` one. The owners' APIs are asked with
``SPEARHEAD_VERIFY_TOKEN``, or a development token minted with the local secret.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import httpx
from sqlalchemy import text

from deploy.localinfra import DATA
from shared.auth import mint_token
from shared.db import Database
from shared.settings import ServiceSettings
from shared.verify import Copy, Drift, check_copies

SERVICES = ("goals", "performance", "incentives", "collab")


class _VerifyModule(Protocol):
    async def drift(self, session: Any) -> list[Drift]: ...
    async def copies(self, session: Any) -> list[Copy]: ...


@dataclass
class Report:
    """What the checker found: drift by key, and how much each service had to check."""

    drift: list[Drift] = field(default_factory=list)
    copies_checked: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.drift and not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "drift": [d.as_dict() for d in self.drift],
            "copies_checked": self.copies_checked,
            "errors": self.errors,
        }

    def summary(self) -> str:
        lines = [
            f"{'ok' if self.ok else 'DRIFT'}: {len(self.drift)} drifted values; copies checked "
            + ", ".join(f"{s} {n}" for s, n in self.copies_checked.items())
        ]
        lines += [f"  {s}: could not check: {e}" for s, e in self.errors.items()]
        lines += [
            f"  {d.service} {d.kind} {d.key}: stored {d.stored}, expected {d.expected}"
            + (f" ({d.detail})" if d.detail else "")
            for d in self.drift[:200]
        ]
        if len(self.drift) > 200:
            lines.append(f"  ... and {len(self.drift) - 200} more")
        return "\n".join(lines)


async def _service_checks(name: str, db: Database) -> tuple[list[Drift], list[Copy]]:
    module = cast(_VerifyModule, importlib.import_module(f"{name}.verify"))
    async with db.sessions() as session:
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        try:
            return await module.drift(session), await module.copies(session)
        finally:
            await session.rollback()


async def verify_once(
    *, client: httpx.AsyncClient, headers: dict[str, str], databases: dict[str, Database]
) -> Report:
    """One pass over every service in ``databases``."""
    report = Report()
    for name, db in databases.items():
        try:
            drifted, copies = await _service_checks(name, db)
            report.drift += drifted
            report.drift += await check_copies(client, copies, headers=headers)
            report.copies_checked[name] = len(copies)
        except Exception as exc:  # a service whose data cannot be read is reported, not hidden
            report.errors[name] = repr(exc)
    return report


async def verify(
    *,
    client: httpx.AsyncClient,
    headers: dict[str, str],
    databases: dict[str, Database],
    settle_s: float = 0.0,
) -> Report:
    """Check until nothing drifts or ``settle_s`` has passed (copies catch up with their
    owners asynchronously: a live system may need a moment); returns the last report."""
    deadline = time.monotonic() + settle_s
    while True:
        report = await verify_once(client=client, headers=headers, databases=databases)
        if report.ok or time.monotonic() >= deadline:
            return report
        await asyncio.sleep(1.0)


def _database_url(name: str) -> str:
    settings_class = cast(
        type[ServiceSettings], importlib.import_module(f"{name}.settings").Settings
    )
    prefixed = f"{name.upper()}_DATABASE_URL"
    if os.environ.get(prefixed) or os.environ.get("SPEARHEAD_DATABASE_URL"):
        return settings_class().database_url
    port_file = DATA / f"run-{os.environ.get('PORT', '8000')}" / "postgres.port"
    if port_file.exists():  # `make run`'s embedded Postgres
        return f"postgresql+asyncpg://postgres@127.0.0.1:{port_file.read_text().strip()}/spearhead"
    return settings_class().database_url


def _token() -> str:
    given = os.environ.get("SPEARHEAD_VERIFY_TOKEN")
    if given:
        return given
    return mint_token(ServiceSettings(), member_id="spearhead-verify", roles=["admin"])


async def _main(gateway: str, settle_s: float, as_json: bool) -> int:
    databases = {name: Database(_database_url(name), schema=name, pool_size=1) for name in SERVICES}
    try:
        async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
            report = await verify(
                client=client,
                headers={"Authorization": f"Bearer {_token()}"},
                databases=databases,
                settle_s=settle_s,
            )
    finally:
        for db in databases.values():
            await db.dispose()
    print(
        json.dumps(report.as_dict(), indent=2, ensure_ascii=False) if as_json else report.summary()
    )
    return 0 if report.ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gateway", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--settle", type=float, default=0.0, help="seconds to wait for copies")
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    args = parser.parse_args()
    return asyncio.run(_main(args.gateway, args.settle, args.json))


if __name__ == "__main__":
    sys.exit(main())
