"""The dashboard's targets: one row per target the organisation changed from the plan's
default (``shared.dashboard.dashboard_targets_table``).

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
    create_dashboard_targets_table("performance")


def downgrade() -> None:
    op.drop_table("dashboard_targets", schema="performance")
