"""The performance schema: messaging tables and the local copy of org units.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "performance"


def upgrade() -> None:
    create_messaging_tables(SCHEMA)
    op.create_table(
        "org_units",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", sa.String(36)),
        sa.Column("source_version", sa.Integer, nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_org_units_parent_id", "org_units", ["parent_id"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("org_units", schema=SCHEMA)
    drop_messaging_tables(SCHEMA)
