"""KPI figure copies keep goals' six decimal places for actuals and targets.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in ("actual", "target"):
        op.alter_column(
            "kpi_figures",
            column,
            type_=sa.Numeric(20, 6),
            existing_type=sa.Numeric(20, 4),
            existing_nullable=True,
            schema="incentives",
        )


def downgrade() -> None:
    for column in ("actual", "target"):
        op.alter_column(
            "kpi_figures",
            column,
            type_=sa.Numeric(20, 4),
            existing_type=sa.Numeric(20, 6),
            existing_nullable=True,
            schema="incentives",
        )
