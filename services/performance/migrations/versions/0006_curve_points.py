"""A scorecard curve's points are objects, ``{"attainment": "1.2", "score": "130"}``, rather
than ``[attainment, score]`` pairs: rewrite the stored templates to the new shape.

Revision ID: 0006
Revises: 0005
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TEMPLATES = sa.table(
    "scorecard_templates",
    sa.column("id", sa.String()),
    sa.column("indicators", sa.JSON()),
    schema="performance",
)


def _points(points: list[Any], *, to_objects: bool) -> list[Any]:
    if to_objects:
        return [{"attainment": p[0], "score": p[1]} if isinstance(p, list) else p for p in points]
    return [[p["attainment"], p["score"]] if isinstance(p, dict) else p for p in points]


def _rewrite(*, to_objects: bool) -> None:
    if context.is_offline_mode():
        return  # the rows are read and rewritten: nothing to say in offline SQL
    connection = op.get_bind()
    for row_id, indicators in connection.execute(sa.select(TEMPLATES.c.id, TEMPLATES.c.indicators)):
        if isinstance(indicators, str):
            indicators = json.loads(indicators)
        changed = [
            {
                **indicator,
                "curve": {
                    **indicator["curve"],
                    "points": _points(indicator["curve"]["points"], to_objects=to_objects),
                },
            }
            if isinstance(indicator.get("curve"), dict)
            else indicator
            for indicator in indicators
        ]
        if changed != indicators:
            connection.execute(
                TEMPLATES.update().where(TEMPLATES.c.id == row_id).values(indicators=changed)
            )


def upgrade() -> None:
    _rewrite(to_objects=True)


def downgrade() -> None:
    _rewrite(to_objects=False)
