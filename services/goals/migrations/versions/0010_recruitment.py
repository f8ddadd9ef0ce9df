"""Recruitment: headcount requisitions, candidates with their pipeline steps, and the record
of each erasure of a candidate's personal data.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column[sa.DateTime]]:
    return [
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
    ]


def upgrade() -> None:
    op.create_table(
        "requisitions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("unit_id", sa.String(length=36), nullable=False),
        sa.Column("position_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("hiring_manager_id", sa.String(length=100), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("hires", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["goals.org_units.id"], name=op.f("fk_requisitions_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["goals.positions.id"],
            name=op.f("fk_requisitions_position_id_positions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requisitions")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_requisitions_unit_id"), "requisitions", ["unit_id"], unique=False, schema="goals"
    )
    op.create_index(
        op.f("ix_requisitions_position_id"),
        "requisitions",
        ["position_id"],
        unique=False,
        schema="goals",
    )
    op.create_table(
        "candidates",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("requisition_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("resume_note", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["requisition_id"],
            ["goals.requisitions.id"],
            name=op.f("fk_candidates_requisition_id_requisitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidates")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_candidates_requisition_id"),
        "candidates",
        ["requisition_id"],
        unique=False,
        schema="goals",
    )
    op.create_index(
        op.f("ix_candidates_closed_on"), "candidates", ["closed_on"], unique=False, schema="goals"
    )
    op.create_table(
        "candidate_steps",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["goals.candidates.id"],
            name=op.f("fk_candidate_steps_candidate_id_candidates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_steps")),
        sa.UniqueConstraint("candidate_id", "seq", name=op.f("uq_candidate_steps_candidate_id")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_candidate_steps_candidate_id"),
        "candidate_steps",
        ["candidate_id"],
        unique=False,
        schema="goals",
    )
    op.create_table(
        "candidate_erasures",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("candidate_id", sa.String(length=36), nullable=False),
        sa.Column("requisition_id", sa.String(length=36), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("erased_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["goals.candidates.id"],
            name=op.f("fk_candidate_erasures_candidate_id_candidates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_erasures")),
        schema="goals",
    )
    op.create_index(
        op.f("ix_candidate_erasures_candidate_id"),
        "candidate_erasures",
        ["candidate_id"],
        unique=False,
        schema="goals",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_candidate_erasures_candidate_id"), table_name="candidate_erasures", schema="goals"
    )
    op.drop_table("candidate_erasures", schema="goals")
    op.drop_index(
        op.f("ix_candidate_steps_candidate_id"), table_name="candidate_steps", schema="goals"
    )
    op.drop_table("candidate_steps", schema="goals")
    op.drop_index(op.f("ix_candidates_closed_on"), table_name="candidates", schema="goals")
    op.drop_index(op.f("ix_candidates_requisition_id"), table_name="candidates", schema="goals")
    op.drop_table("candidates", schema="goals")
    op.drop_index(op.f("ix_requisitions_position_id"), table_name="requisitions", schema="goals")
    op.drop_index(op.f("ix_requisitions_unit_id"), table_name="requisitions", schema="goals")
    op.drop_table("requisitions", schema="goals")
