"""History is kept: a template version's effective month, deliberate re-scores with who and
why (and the version a re-scored month keeps), and a cycle's acknowledgement of closing
away from its target distribution. Existing versions take effect from the month they were
created in. Development plans get a version (their ETag), as improvement plans have.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "scorecard_templates",
        sa.Column("effective_from", sa.String(length=7), nullable=True),
        schema="performance",
    )
    op.execute(
        "UPDATE performance.scorecard_templates "
        "SET effective_from = to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')"
    )
    op.alter_column("scorecard_templates", "effective_from", nullable=False, schema="performance")
    op.add_column(
        "live_scores",
        sa.Column("pinned_template_id", sa.String(length=36), nullable=True),
        schema="performance",
    )
    op.add_column(
        "review_cycles",
        sa.Column("distribution_acknowledgement", sa.JSON(), nullable=True),
        schema="performance",
    )
    op.add_column(
        "development_plans",
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        schema="performance",
    )
    op.alter_column("development_plans", "version", server_default=None, schema="performance")
    op.create_table(
        "score_rescores",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("old_score", sa.Numeric(10, 4), nullable=False),
        sa.Column("new_score", sa.Numeric(10, 4), nullable=False),
        sa.Column("old_template_id", sa.String(length=36), nullable=False),
        sa.Column("old_template_version", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=36), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rescored_by", sa.String(length=100), nullable=False),
        sa.Column("rescored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_rescores")),
        schema="performance",
    )


def downgrade() -> None:
    op.drop_table("score_rescores", schema="performance")
    op.drop_column("development_plans", "version", schema="performance")
    op.drop_column("review_cycles", "distribution_acknowledgement", schema="performance")
    op.drop_column("live_scores", "pinned_template_id", schema="performance")
    op.drop_column("scorecard_templates", "effective_from", schema="performance")
