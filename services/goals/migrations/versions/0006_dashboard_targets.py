"""The dashboard's goal targets: the organisation's targets for goals' dashboard figures
(goal attainment, per-member result growth), one row per target changed from the plan's
default (``shared.dashboard.dashboard_targets_table``).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

from shared.migrations import create_dashboard_targets_table

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = "goals"


def upgrade() -> None:
    create_dashboard_targets_table(SCHEMA)


def downgrade() -> None:
    op.drop_table("dashboard_targets", schema=SCHEMA)
