"""The dashboard's targets: one row per target the organisation changed from the plan's
default (``shared.dashboard.dashboard_targets_table``).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_targets",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("at_risk_margin", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_dashboard_targets")),
        schema="performance",
    )


def downgrade() -> None:
    op.drop_table("dashboard_targets", schema="performance")
