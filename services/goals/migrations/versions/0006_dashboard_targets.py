"""The dashboard's goal targets: the organisation's targets for goals' dashboard figures
(goal attainment, per-member result growth), one row per target changed from the plan's
default (``shared.dashboard.dashboard_targets_table``).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SCHEMA = "goals"


def upgrade() -> None:
    op.create_table(
        "dashboard_targets",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Numeric(18, 6), nullable=False),
        sa.Column("at_risk_margin", sa.Numeric(18, 6), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_dashboard_targets")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("dashboard_targets", schema=SCHEMA)
