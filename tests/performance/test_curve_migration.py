"""Migration 0006 rewrites a stored curve's ``[attainment, score]`` pairs as objects."""

from __future__ import annotations

import asyncio
import json
import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from performance.main import definition
from shared.migrations import upgrade
from tests.conftest import create_database

LEGACY = [
    {
        "code": "revenue",
        "name": "Revenue",
        "category": "result",
        "source": "kpi:revenue",
        "weight": "1",
        "curve": {"points": [["0", "0"], ["1.2", "130"]], "floor": "0.5", "cap": "130"},
    }
]


async def test_stored_curve_points_become_objects(database_url: str) -> None:
    url = await create_database(database_url, f"mig_curve_{uuid.uuid4().hex[:6]}", migrated=False)
    directory = definition.migrations_dir
    await asyncio.to_thread(upgrade, directory, url, "performance", "0005")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO performance.scorecard_templates "
                    "(id, key, version, name, population, indicators, current, created_by) "
                    "VALUES ('t-1', 'legacy', 1, 'Legacy', '{}', :indicators, true, 'hr')"
                ),
                {"indicators": json.dumps(LEGACY)},
            )
        await asyncio.to_thread(upgrade, directory, url, "performance", "head")
        async with engine.connect() as connection:
            stored = await connection.scalar(
                text("SELECT indicators FROM performance.scorecard_templates WHERE id = 't-1'")
            )
    finally:
        await engine.dispose()
    assert stored == [
        {
            **LEGACY[0],
            "curve": {
                "points": [
                    {"attainment": "0", "score": "0"},
                    {"attainment": "1.2", "score": "130"},
                ],
                "floor": "0.5",
                "cap": "130",
            },
        }
    ]
