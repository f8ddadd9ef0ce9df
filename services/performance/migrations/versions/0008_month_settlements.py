"""Settled months: each settle of a month (and each correction) with its scores.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "month_settlements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("settled_by", sa.String(length=100), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_month_settlements")),
        sa.UniqueConstraint("month", "revision", name=op.f("uq_month_settlements_month")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_month_settlements_month"),
        "month_settlements",
        ["month"],
        unique=False,
        schema="performance",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_month_settlements_month"), table_name="month_settlements", schema="performance"
    )
    op.drop_table("month_settlements", schema="performance")
