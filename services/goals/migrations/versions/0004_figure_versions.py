"""Each KPI figure counts its changes: the version its KPIUpdated carries, so that a copy
keeps the newest whatever the clocks of the goals replicas say.

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
        "kpi_figures",
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        schema="goals",
    )


def downgrade() -> None:
    op.drop_column("kpi_figures", "version", schema="goals")
