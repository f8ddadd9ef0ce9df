"""Goals' copy of collab's data grants, for KPI read access of partner units.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_grants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("grantor_unit_id", sa.String(length=36), nullable=False),
        sa.Column("grantee_unit_id", sa.String(length=36), nullable=False),
        sa.Column("data_set", sa.String(length=64), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_grants")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_data_grants_grantee_unit_id"),
        "data_grants",
        ["grantee_unit_id"],
        unique=False,
        schema="goals",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_data_grants_grantee_unit_id"), table_name="data_grants", schema="goals")
    op.drop_table("data_grants", schema="goals")
