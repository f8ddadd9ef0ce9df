"""A KPI figure copy remembers the version of goals' figure it was copied from.

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
    op.add_column(
        "kpi_figures",
        sa.Column("source_version", sa.Integer(), nullable=True),
        schema="incentives",
    )


def downgrade() -> None:
    op.drop_column("kpi_figures", "source_version", schema="incentives")
