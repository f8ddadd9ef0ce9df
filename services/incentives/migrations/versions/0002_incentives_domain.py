"""The incentives domain: member copies, KPI figures, reviews, scores, ladders, plans,
revenue, projections, payout runs and lines, adjustments, projects, stars.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 15:54:32.443437
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "adjustments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("run_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustments")),
        schema="incentives",
    )
    op.create_index(
        op.f("ix_adjustments_member_id"),
        "adjustments",
        ["member_id"],
        unique=False,
        schema="incentives",
    )
    op.create_index(
        op.f("ix_adjustments_run_id"), "adjustments", ["run_id"], unique=False, schema="incentives"
    )
    op.create_table(
        "kpi_figures",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("kpi", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("actual", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("target", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("attainment", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "kpi", "period", name=op.f("pk_kpi_figures")),
        schema="incentives",
    )
    op.create_table(
        "ladders",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ladders")),
        schema="incentives",
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
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        schema="incentives",
    )
    op.create_index(
        op.f("ix_members_home_unit_id"),
        "members",
        ["home_unit_id"],
        unique=False,
        schema="incentives",
    )
    op.create_table(
        "monthly_scores",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("score", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "month", name=op.f("pk_monthly_scores")),
        schema="incentives",
    )
    op.create_table(
        "payout_lines",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.String(length=200), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout_lines")),
        schema="incentives",
    )
    op.create_index(
        op.f("ix_payout_lines_member_id"),
        "payout_lines",
        ["member_id"],
        unique=False,
        schema="incentives",
    )
    op.create_index(
        op.f("ix_payout_lines_run_id"),
        "payout_lines",
        ["run_id"],
        unique=False,
        schema="incentives",
    )
    op.create_table(
        "payout_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exported_by", sa.String(length=100), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout_runs")),
        schema="incentives",
    )
    op.create_index(
        op.f("ix_payout_runs_period"), "payout_runs", ["period"], unique=False, schema="incentives"
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("population", sa.JSON(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("bonus_kpis", sa.JSON(), nullable=False),
        sa.Column("rating_multipliers", sa.JSON(), nullable=False),
        sa.Column("commission", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        schema="incentives",
    )
    op.create_index(op.f("ix_plans_period"), "plans", ["period"], unique=False, schema="incentives")
    op.create_table(
        "projections",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("member_id", "plan_id", name=op.f("pk_projections")),
        schema="incentives",
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("awards", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("succeeded_by", sa.String(length=100), nullable=True),
        sa.Column("succeeded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("success_note", sa.Text(), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_run_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        schema="incentives",
    )
    op.create_table(
        "revenue_entries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("deal_id", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("cumulative_before", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("slices", sa.JSON(), nullable=False),
        sa.Column("commission", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revenue_entries")),
        sa.UniqueConstraint("seq", name=op.f("uq_revenue_entries_seq")),
        schema="incentives",
    )
    op.create_index(
        op.f("ix_revenue_entries_deal_id"),
        "revenue_entries",
        ["deal_id"],
        unique=False,
        schema="incentives",
    )
    op.create_index(
        op.f("ix_revenue_entries_member_id"),
        "revenue_entries",
        ["member_id"],
        unique=False,
        schema="incentives",
    )
    op.create_table(
        "review_results",
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("final_score", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "period", name=op.f("pk_review_results")),
        schema="incentives",
    )
    op.create_table(
        "star_awards",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("eligible", sa.Integer(), nullable=False),
        sa.Column("share", sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("stars", sa.JSON(), nullable=False),
        sa.Column("awarded_by", sa.String(length=100), nullable=False),
        sa.Column(
            "awarded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_star_awards")),
        schema="incentives",
    )


def downgrade() -> None:
    op.drop_table("star_awards", schema="incentives")
    op.drop_table("review_results", schema="incentives")
    op.drop_index(
        op.f("ix_revenue_entries_member_id"), table_name="revenue_entries", schema="incentives"
    )
    op.drop_index(
        op.f("ix_revenue_entries_deal_id"), table_name="revenue_entries", schema="incentives"
    )
    op.drop_table("revenue_entries", schema="incentives")
    op.drop_table("projects", schema="incentives")
    op.drop_table("projections", schema="incentives")
    op.drop_index(op.f("ix_plans_period"), table_name="plans", schema="incentives")
    op.drop_table("plans", schema="incentives")
    op.drop_index(op.f("ix_payout_runs_period"), table_name="payout_runs", schema="incentives")
    op.drop_table("payout_runs", schema="incentives")
    op.drop_index(op.f("ix_payout_lines_run_id"), table_name="payout_lines", schema="incentives")
    op.drop_index(op.f("ix_payout_lines_member_id"), table_name="payout_lines", schema="incentives")
    op.drop_table("payout_lines", schema="incentives")
    op.drop_table("monthly_scores", schema="incentives")
    op.drop_index(op.f("ix_members_home_unit_id"), table_name="members", schema="incentives")
    op.drop_table("members", schema="incentives")
    op.drop_table("ladders", schema="incentives")
    op.drop_table("kpi_figures", schema="incentives")
    op.drop_index(op.f("ix_adjustments_run_id"), table_name="adjustments", schema="incentives")
    op.drop_index(op.f("ix_adjustments_member_id"), table_name="adjustments", schema="incentives")
    op.drop_table("adjustments", schema="incentives")
