"""At-risk shares are ratios, kept at the 6 places every ratio has in the API (they were
4), so a share a client writes reads back as it was written.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (("sla_policies", True), ("tickets", False))


def upgrade() -> None:
    for table, nullable in COLUMNS:
        op.alter_column(
            table,
            "at_risk_share",
            type_=sa.Numeric(precision=7, scale=6),
            existing_type=sa.Numeric(precision=5, scale=4),
            existing_nullable=nullable,
            schema="collab",
        )


def downgrade() -> None:
    for table, nullable in COLUMNS:
        op.alter_column(
            table,
            "at_risk_share",
            type_=sa.Numeric(precision=5, scale=4),
            existing_type=sa.Numeric(precision=7, scale=6),
            existing_nullable=nullable,
            schema="collab",
        )
