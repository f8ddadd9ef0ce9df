"""Improvement plans, root-cause notes, development plans, training records and anonymous
pulse surveys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 12:06:42.143781
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "development_plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_plans")),
        sa.UniqueConstraint("member_id", "year", name=op.f("uq_development_plans_member_id")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_development_plans_member_id"),
        "development_plans",
        ["member_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "improvement_plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("review_id", sa.String(length=36), nullable=True),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("checkpoints", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_plans")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_improvement_plans_member_id"),
        "improvement_plans",
        ["member_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "pulse_participation",
        sa.Column("survey_id", sa.String(length=36), nullable=False),
        sa.Column("participant", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("survey_id", "participant", name=op.f("pk_pulse_participation")),
        schema="performance",
    )
    op.create_table(
        "pulse_surveys",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("question", sa.String(length=500), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_surveys")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_pulse_surveys_unit_id"),
        "pulse_surveys",
        ["unit_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "root_cause_notes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("whys", sa.JSON(), nullable=False),
        sa.Column("fishbone", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_root_cause_notes")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_root_cause_notes_member_id"),
        "root_cause_notes",
        ["member_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "training_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("hours", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_records")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_training_records_member_id"),
        "training_records",
        ["member_id"],
        unique=False,
        schema="performance",
    )
    op.create_table(
        "pulse_answers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("survey_id", sa.String(length=36), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["performance.pulse_surveys.id"],
            name=op.f("fk_pulse_answers_survey_id_pulse_surveys"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_answers")),
        schema="performance",
    )
    op.create_index(
        op.f("ix_pulse_answers_survey_id"),
        "pulse_answers",
        ["survey_id"],
        unique=False,
        schema="performance",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_pulse_answers_survey_id"), table_name="pulse_answers", schema="performance"
    )
    op.drop_table("pulse_answers", schema="performance")
    op.drop_index(
        op.f("ix_training_records_member_id"), table_name="training_records", schema="performance"
    )
    op.drop_table("training_records", schema="performance")
    op.drop_index(
        op.f("ix_root_cause_notes_member_id"), table_name="root_cause_notes", schema="performance"
    )
    op.drop_table("root_cause_notes", schema="performance")
    op.drop_index(
        op.f("ix_pulse_surveys_unit_id"), table_name="pulse_surveys", schema="performance"
    )
    op.drop_table("pulse_surveys", schema="performance")
    op.drop_table("pulse_participation", schema="performance")
    op.drop_index(
        op.f("ix_improvement_plans_member_id"), table_name="improvement_plans", schema="performance"
    )
    op.drop_table("improvement_plans", schema="performance")
    op.drop_index(
        op.f("ix_development_plans_member_id"), table_name="development_plans", schema="performance"
    )
    op.drop_table("development_plans", schema="performance")
