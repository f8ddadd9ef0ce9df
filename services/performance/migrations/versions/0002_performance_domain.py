"""The performance domain: member copies, scorecard templates, indicator inputs, collab
requests, live scores, review cycles, reviews, 360 feedback, invites, calibration and
reopenings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:00:07.733618
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collab_requests",
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("within_sla", sa.Boolean(), nullable=False),
        sa.Column("event_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_collab_requests")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_collab_requests_member_id"),
        "collab_requests",
        ["member_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "indicator_inputs",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("answered_in_sla", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("event_ids", sa.JSON(), nullable=False),
        sa.Column("last_event_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("member_id", "month", "source", name=op.f("pk_indicator_inputs")),
        schema="performance",
    )
    op.create_table(
        "live_scores",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("score", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("template_id", sa.String(length=36), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("member_id", "month", name=op.f("pk_live_scores")),
        schema="performance",
    )
    op.create_table(
        "members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("home_unit_id", sa.String(length=36), nullable=False),
        sa.Column("unit_path", sa.JSON(), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("tier", sa.String(length=30), nullable=False),
        sa.Column("manager_id", sa.String(length=36), nullable=True),
        sa.Column("hired_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("leave_reason", sa.String(length=30), nullable=True),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_members_home_unit_id"),
        "members",
        ["home_unit_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "review_cycles",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("population", sa.JSON(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("source_weights", sa.JSON(), nullable=False),
        sa.Column("peers_anonymous", sa.Boolean(), nullable=False),
        sa.Column("rating_scale", sa.JSON(), nullable=False),
        sa.Column("target_distribution", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cycles")),
        schema="performance",
    )
    op.create_table(
        "scorecard_templates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("population", sa.JSON(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_templates")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_scorecard_templates_key")),
        schema="performance",
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cycle_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("manager_id", sa.String(length=36), nullable=True),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("results_score", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("ability_score", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("attitude_score", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("final_score", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("rating", sa.String(length=10), nullable=True),
        sa.Column("calibrated_rating", sa.String(length=10), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["performance.review_cycles.id"],
            name=op.f("fk_reviews_cycle_id_review_cycles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("cycle_id", "member_id", name=op.f("uq_reviews_cycle_id")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_reviews_cycle_id"), "reviews", ["cycle_id"], unique=False, schema="performance"
    )
    op.create_index(
        op.f("ix_reviews_member_id"), "reviews", ["member_id"], unique=False, schema="performance"
    )
    op.create_table(
        "calibration_adjustments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("old_rating", sa.String(length=10), nullable=True),
        sa.Column("new_rating", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("adjusted_by", sa.String(length=100), nullable=False),
        sa.Column(
            "adjusted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["performance.reviews.id"],
            name=op.f("fk_calibration_adjustments_review_id_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_adjustments")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_calibration_adjustments_review_id"),
        "calibration_adjustments",
        ["review_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.String(length=100), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=True),
        sa.Column("ability", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("attitude", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["performance.reviews.id"], name=op.f("fk_feedback_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_feedback_review_id"), "feedback", ["review_id"], unique=False, schema="performance"
    )
    op.create_table(
        "feedback_invites",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("customer_name", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["performance.reviews.id"],
            name=op.f("fk_feedback_invites_review_id_reviews"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_feedback_invites")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_feedback_invites_review_id"),
        "feedback_invites",
        ["review_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "review_reopenings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reopened_by", sa.String(length=100), nullable=False),
        sa.Column(
            "reopened_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["performance.reviews.id"],
            name=op.f("fk_review_reopenings_review_id_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reopenings")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_review_reopenings_review_id"),
        "review_reopenings",
        ["review_id"],
        unique=False,
        schema="performance",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_review_reopenings_review_id"), table_name="review_reopenings", schema="performance"
    )
    op.drop_table("review_reopenings", schema="performance")
    op.drop_index(
        op.f("ix_feedback_invites_review_id"), table_name="feedback_invites", schema="performance"
    )
    op.drop_table("feedback_invites", schema="performance")
    op.drop_index(op.f("ix_feedback_review_id"), table_name="feedback", schema="performance")
    op.drop_table("feedback", schema="performance")
    op.drop_index(
        op.f("ix_calibration_adjustments_review_id"),
        table_name="calibration_adjustments",
        schema="performance",
    )
    op.drop_table("calibration_adjustments", schema="performance")
    op.drop_index(op.f("ix_reviews_member_id"), table_name="reviews", schema="performance")
    op.drop_index(op.f("ix_reviews_cycle_id"), table_name="reviews", schema="performance")
    op.drop_table("reviews", schema="performance")
    op.drop_table("scorecard_templates", schema="performance")
    op.drop_table("review_cycles", schema="performance")
    op.drop_index(op.f("ix_members_home_unit_id"), table_name="members", schema="performance")
    op.drop_table("members", schema="performance")
    op.drop_table("live_scores", schema="performance")
    op.drop_table("indicator_inputs", schema="performance")
    op.drop_index(
        op.f("ix_collab_requests_member_id"), table_name="collab_requests", schema="performance"
    )
    op.drop_table("collab_requests", schema="performance")
