"""Each KPI states the decimal places of its values (0 to 6): targets, actuals and figures
are written at that scale. Existing KPIs get 2.

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
    # The server default fills the existing rows with 2 as the column is added.
    op.add_column(
        "kpi_definitions",
        sa.Column("scale", sa.Integer(), nullable=False, server_default="2"),
        schema="goals",
    )


def downgrade() -> None:
    op.drop_column("kpi_definitions", "scale", schema="goals")
