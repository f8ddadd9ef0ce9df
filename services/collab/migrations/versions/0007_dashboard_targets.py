"""The dashboard's targets (the cross-department first response).

Revision ID: 0007
Revises: 0006
"""

from alembic import op

from shared.migrations import create_dashboard_targets_table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_dashboard_targets_table("collab")


def downgrade() -> None:
    op.drop_table("dashboard_targets", schema="collab")
