"""Each goal's last evaluated risk state, so that risk events are published only when it
changes (at risk, off track, back on track).

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
        "goal_risk_states",
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("progress_source", sa.String(length=20), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("changes", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goals.goals.id"],
            name=op.f("fk_goal_risk_states_goal_id_goals"),
        ),
        sa.PrimaryKeyConstraint("goal_id", name=op.f("pk_goal_risk_states")),
        schema="goals",
    )


def downgrade() -> None:
    op.drop_table("goal_risk_states", schema="goals")
