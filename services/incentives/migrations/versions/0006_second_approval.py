"""A payout run that pays its approver records the first approval and waits for a second.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "awaiting_second_approval" is longer than the 20 characters a state had.
    op.alter_column(
        "payout_runs",
        "state",
        type_=sa.String(length=30),
        existing_type=sa.String(length=20),
        existing_nullable=False,
        schema="incentives",
    )
    op.add_column(
        "payout_runs",
        sa.Column("first_approved_by", sa.String(length=100), nullable=True),
        schema="incentives",
    )
    op.add_column(
        "payout_runs",
        sa.Column("first_approved_at", sa.DateTime(timezone=True), nullable=True),
        schema="incentives",
    )


def downgrade() -> None:
    op.drop_column("payout_runs", "first_approved_at", schema="incentives")
    op.drop_column("payout_runs", "first_approved_by", schema="incentives")
    # A run awaiting its second approval goes back to being a draft (its first approval lost).
    op.execute(
        "UPDATE incentives.payout_runs SET state = 'draft' WHERE state = 'awaiting_second_approval'"
    )
    op.alter_column(
        "payout_runs",
        "state",
        type_=sa.String(length=20),
        existing_type=sa.String(length=30),
        existing_nullable=False,
        schema="incentives",
    )
