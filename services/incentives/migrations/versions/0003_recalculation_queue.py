"""The queue of members whose pay is to be looked at again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:41:58.383776
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recalculations",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("sources", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("review_closed", sa.Boolean(), nullable=False),
        sa.Column(
            "queued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("member_id", "period", name=op.f("pk_recalculations")),
        schema="incentives",
    )
    op.create_index(
        op.f("ix_recalculations_queued_at"),
        "recalculations",
        ["queued_at"],
        unique=False,
        schema="incentives",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_recalculations_queued_at"), table_name="recalculations", schema="incentives"
    )
    op.drop_table("recalculations", schema="incentives")
