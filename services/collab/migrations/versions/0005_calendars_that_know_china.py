"""Calendars that know China: a unit's calendar may name the country (and region) whose
public holidays and make-up working days it follows, or opt out of them. Empty country and
region mean the organisation's setting (``COLLAB_HOLIDAY_COUNTRY`` / ``_REGION``); calendars
already stored follow it too, as every calendar does unless it opts out.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("calendars", sa.Column("country", sa.String(length=3)), schema="collab")
    op.add_column("calendars", sa.Column("region", sa.String(length=10)), schema="collab")
    op.add_column(
        "calendars",
        sa.Column("builtin_holidays", sa.Boolean(), server_default=sa.true(), nullable=False),
        schema="collab",
    )


def downgrade() -> None:
    for column in ("builtin_holidays", "region", "country"):
        op.drop_column("calendars", column, schema="collab")
