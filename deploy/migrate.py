"""``make migrate``: apply every service's migrations (each to its own schema)."""

from __future__ import annotations

import importlib
import os

from shared.migrations import upgrade

SERVICES = ("goals", "performance", "incentives", "collab")


def main() -> None:
    for name in SERVICES:
        definition = importlib.import_module(f"{name}.main").definition
        settings = importlib.import_module(f"{name}.settings").Settings()
        url = os.environ.get(f"{name.upper()}_DATABASE_URL") or settings.database_url
        upgrade(definition.migrations_dir, url, name)
        print(f"{name}: migrated")


if __name__ == "__main__":
    main()
