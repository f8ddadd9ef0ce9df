"""The goals domain: members, squads, mentors, KPIs, goals, targets, actuals, figures,
check-ins, tasks and risk corrections.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 11:31:47.765903
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goal_templates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_templates")),
        schema="goals",
    )
    op.create_table(
        "kpi_definitions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("aggregation", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("formula", sa.String(length=500), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_definitions")),
        sa.UniqueConstraint("code", name=op.f("uq_kpi_definitions_code")),
        schema="goals",
    )
    op.create_table(
        "kpi_figures",
        sa.Column("owner_type", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("kpi_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("actual", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("target", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("attainment", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("measurements", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint(
            "owner_type", "owner_id", "kpi_id", "period", name=op.f("pk_kpi_figures")
        ),
        schema="goals",
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("owner_type", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("kpi_id", sa.String(length=36), nullable=True),
        sa.Column("target_value", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("weight", sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("smart_warnings", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["kpi_id"], ["goals.kpi_definitions.id"], name=op.f("fk_goals_kpi_id_kpi_definitions")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["goals.goals.id"], name=op.f("fk_goals_parent_id_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        schema="goals",
    )
    op.create_index(
        "ix_goals_kpi_owner_period",
        "goals",
        ["kpi_id", "owner_id", "period"],
        unique=False,
        schema="goals",
    )
    op.create_index(
        "ix_goals_owner_period",
        "goals",
        ["owner_type", "owner_id", "period"],
        unique=False,
        schema="goals",
    )
    op.create_index(
        op.f("ix_goals_parent_id"), "goals", ["parent_id"], unique=False, schema="goals"
    )
    op.create_index(
        "uq_goals_one_kpi_target",
        "goals",
        ["owner_type", "owner_id", "kpi_id", "period"],
        unique=True,
        schema="goals",
        postgresql_where=sa.text("kind = 'kpi_target'"),
    )
    op.create_table(
        "measurements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_type", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("kpi_id", sa.String(length=36), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("corrects_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["goals.measurements.id"],
            name=op.f("fk_measurements_corrects_id_measurements"),
        ),
        sa.ForeignKeyConstraint(
            ["kpi_id"],
            ["goals.kpi_definitions.id"],
            name=op.f("fk_measurements_kpi_id_kpi_definitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurements")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_measurements_idempotency_key")),
        schema="goals",
    )
    op.create_index(
        "ix_measurements_owner_kpi_day",
        "measurements",
        ["owner_type", "owner_id", "kpi_id", "measured_on"],
        unique=False,
        schema="goals",
    )
    op.create_table(
        "members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("home_unit_id", sa.String(length=36), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("manager_id", sa.String(length=36), nullable=True),
        sa.Column("tier", sa.String(length=30), nullable=False),
        sa.Column("hired_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("leave_reason", sa.String(length=30), nullable=True),
        sa.Column("leave_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["home_unit_id"], ["goals.org_units.id"], name=op.f("fk_members_home_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["goals.members.id"], name=op.f("fk_members_manager_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_members_home_unit_id"), "members", ["home_unit_id"], unique=False, schema="goals"
    )
    op.create_table(
        "check_ins",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("progress", sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("blockers", sa.Text(), nullable=True),
        sa.Column("author_id", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.goals.id"], name=op.f("fk_check_ins_goal_id_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
        sa.UniqueConstraint("goal_id", "month", name=op.f("uq_check_ins_goal_id")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_check_ins_goal_id"), "check_ins", ["goal_id"], unique=False, schema="goals"
    )
    op.create_table(
        "mentorships",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("mentor_id", sa.String(length=36), nullable=False),
        sa.Column("mentee_id", sa.String(length=36), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentee_id"], ["goals.members.id"], name=op.f("fk_mentorships_mentee_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["goals.members.id"], name=op.f("fk_mentorships_mentor_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorships")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_mentorships_mentee_id"), "mentorships", ["mentee_id"], unique=False, schema="goals"
    )
    op.create_index(
        op.f("ix_mentorships_mentor_id"), "mentorships", ["mentor_id"], unique=False, schema="goals"
    )
    op.create_table(
        "risk_corrections",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("status_at_time", sa.String(length=20), nullable=False),
        sa.Column("suggested", sa.Text(), nullable=False),
        sa.Column("action_taken", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.goals.id"], name=op.f("fk_risk_corrections_goal_id_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_corrections")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_risk_corrections_goal_id"),
        "risk_corrections",
        ["goal_id"],
        unique=False,
        schema="goals",
    )
    op.create_table(
        "squad_memberships",
        sa.Column("squad_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["goals.members.id"], name=op.f("fk_squad_memberships_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["squad_id"],
            ["goals.org_units.id"],
            name=op.f("fk_squad_memberships_squad_id_org_units"),
        ),
        sa.PrimaryKeyConstraint("squad_id", "member_id", name=op.f("pk_squad_memberships")),
        schema="goals",
    )
    op.create_table(
        "target_adjustments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("old_value", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("new_value", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("restated", sa.Boolean(), nullable=False),
        sa.Column("adjusted_by", sa.String(length=100), nullable=False),
        sa.Column(
            "adjusted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.goals.id"], name=op.f("fk_target_adjustments_goal_id_goals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_adjustments")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_target_adjustments_goal_id"),
        "target_adjustments",
        ["goal_id"],
        unique=False,
        schema="goals",
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("key_result_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("resources", sa.Text(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("important", sa.Boolean(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["key_result_id"], ["goals.goals.id"], name=op.f("fk_tasks_key_result_id_goals")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["goals.members.id"], name=op.f("fk_tasks_owner_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        schema="goals",
    )
    op.create_index(op.f("ix_tasks_owner_id"), "tasks", ["owner_id"], unique=False, schema="goals")
    op.add_column("org_units", sa.Column("starts_on", sa.Date(), nullable=True), schema="goals")
    op.add_column("org_units", sa.Column("ends_on", sa.Date(), nullable=True), schema="goals")


def downgrade() -> None:
    op.drop_column("org_units", "ends_on", schema="goals")
    op.drop_column("org_units", "starts_on", schema="goals")
    op.drop_index(op.f("ix_tasks_owner_id"), table_name="tasks", schema="goals")
    op.drop_table("tasks", schema="goals")
    op.drop_index(
        op.f("ix_target_adjustments_goal_id"), table_name="target_adjustments", schema="goals"
    )
    op.drop_table("target_adjustments", schema="goals")
    op.drop_table("squad_memberships", schema="goals")
    op.drop_index(
        op.f("ix_risk_corrections_goal_id"), table_name="risk_corrections", schema="goals"
    )
    op.drop_table("risk_corrections", schema="goals")
    op.drop_index(op.f("ix_mentorships_mentor_id"), table_name="mentorships", schema="goals")
    op.drop_index(op.f("ix_mentorships_mentee_id"), table_name="mentorships", schema="goals")
    op.drop_table("mentorships", schema="goals")
    op.drop_index(op.f("ix_check_ins_goal_id"), table_name="check_ins", schema="goals")
    op.drop_table("check_ins", schema="goals")
    op.drop_index(op.f("ix_members_home_unit_id"), table_name="members", schema="goals")
    op.drop_table("members", schema="goals")
    op.drop_index("ix_measurements_owner_kpi_day", table_name="measurements", schema="goals")
    op.drop_table("measurements", schema="goals")
    op.drop_index(
        "uq_goals_one_kpi_target",
        table_name="goals",
        schema="goals",
        postgresql_where=sa.text("kind = 'kpi_target'"),
    )
    op.drop_index(op.f("ix_goals_parent_id"), table_name="goals", schema="goals")
    op.drop_index("ix_goals_owner_period", table_name="goals", schema="goals")
    op.drop_index("ix_goals_kpi_owner_period", table_name="goals", schema="goals")
    op.drop_table("goals", schema="goals")
    op.drop_table("kpi_figures", schema="goals")
    op.drop_table("kpi_definitions", schema="goals")
    op.drop_table("goal_templates", schema="goals")
