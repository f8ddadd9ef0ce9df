"""Projects' outcomes (owner unit, core, succeeded or failed, when), incentives' copy of the
org units, and the dashboard's targets (the core project success rate).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_dashboard_targets_table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SCHEMA = "incentives"


def upgrade() -> None:
    op.add_column("projects", sa.Column("unit_id", sa.String(length=36)), schema=SCHEMA)
    op.add_column(
        "projects",
        sa.Column("core", sa.Boolean(), server_default=sa.true(), nullable=False),
        schema=SCHEMA,
    )
    op.add_column("projects", sa.Column("outcome", sa.String(length=20)), schema=SCHEMA)
    op.add_column("projects", sa.Column("concluded_by", sa.String(length=100)), schema=SCHEMA)
    op.add_column("projects", sa.Column("concluded_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.add_column("projects", sa.Column("failure_note", sa.Text()), schema=SCHEMA)
    op.create_index(
        op.f("ix_projects_unit_id"), "projects", ["unit_id"], unique=False, schema=SCHEMA
    )
    op.create_index(
        op.f("ix_projects_concluded_at"), "projects", ["concluded_at"], unique=False, schema=SCHEMA
    )
    # Projects marked successful before outcomes were recorded concluded then.
    op.execute(
        "UPDATE incentives.projects SET outcome = 'succeeded', concluded_at = succeeded_at, "
        "concluded_by = succeeded_by WHERE succeeded_at IS NOT NULL"
    )
    op.create_table(
        "org_unit_copies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_unit_copies")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_org_unit_copies_parent_id"),
        "org_unit_copies",
        ["parent_id"],
        unique=False,
        schema=SCHEMA,
    )
    create_dashboard_targets_table(SCHEMA)


def downgrade() -> None:
    op.drop_table("dashboard_targets", schema=SCHEMA)
    op.drop_index(op.f("ix_org_unit_copies_parent_id"), "org_unit_copies", schema=SCHEMA)
    op.drop_table("org_unit_copies", schema=SCHEMA)
    op.drop_index(op.f("ix_projects_concluded_at"), "projects", schema=SCHEMA)
    op.drop_index(op.f("ix_projects_unit_id"), "projects", schema=SCHEMA)
    # A failed project goes back to proposed: the state before outcomes had no "failed".
    op.execute("UPDATE incentives.projects SET state = 'proposed' WHERE state = 'failed'")
    for column in ("failure_note", "concluded_at", "concluded_by", "outcome", "core", "unit_id"):
        op.drop_column("projects", column, schema=SCHEMA)
