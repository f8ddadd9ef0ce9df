"""A KPI input remembers the version of goals' figure it was copied from.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "indicator_inputs",
        sa.Column("source_version", sa.Integer(), nullable=True),
        schema="performance",
    )


def downgrade() -> None:
    op.drop_column("indicator_inputs", "source_version", schema="performance")
